package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"taxkiosk/drivers/scanner"
)

func scannerCommands() []command {
	return []command{
		{"scanner read", "--port PATH [--baud N] [--timeout D] [--json]", "wait for one scanned code", scannerRead},
	}
}

func scannerRead(args []string, stdout io.Writer) error {
	f, err := parseSerial("scanner read", args, 9600, 30*time.Second, nil)
	if err != nil {
		return err
	}
	port, err := openPort(f)
	if err != nil {
		return err
	}
	defer port.Close()
	s, err := scanner.New(port, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	code, err := s.Next(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return notReady("no code scanned within %s", f.timeout)
	}
	if err != nil {
		return err
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(code)
	}
	fmt.Fprintf(stdout, "kind  %s\nraw   %s\n", code.Kind, code.Raw)
	if inv := code.Invoice; inv != nil {
		fmt.Fprintf(stdout, "type  %s %s\ncode  %s\nno.   %s\namount %s\ndate  %s\ncheck %s\nvalid %t %v\n",
			inv.TypeCode, inv.TypeName, inv.InvoiceCode, inv.InvoiceNumber, inv.Amount, inv.Date, inv.CheckCode, inv.Valid, inv.Problems)
	}
	return nil
}
