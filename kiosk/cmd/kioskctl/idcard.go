package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/serialport"
)

func idcardCommands() []command {
	return []command{
		{"idcard read", "--port PATH [--baud N] [--json]", "read the ID card on the reader", idcardRead},
		{"idcard samid", "--port PATH [--baud N] [--json]", "read the reader's SAM id (text and raw hex)", idcardSAMID},
	}
}

// serialFlags are the flags every device command takes.
type serialFlags struct {
	port    string
	baud    int
	json    bool
	timeout time.Duration
}

func parseSerial(name string, args []string, defBaud int, defTimeout time.Duration, extra func(*flag.FlagSet)) (*serialFlags, error) {
	f := &serialFlags{}
	if _, err := parseArgs(name, args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&f.port, "port", "", "serial device path")
		fs.IntVar(&f.baud, "baud", defBaud, "line speed")
		fs.BoolVar(&f.json, "json", false, "print JSON")
		fs.DurationVar(&f.timeout, "timeout", defTimeout, "how long to wait for the device")
		if extra != nil {
			extra(fs)
		}
	}); err != nil {
		return nil, err
	}
	if f.port == "" {
		return nil, usage("--port PATH is required")
	}
	return f, nil
}

func openPort(f *serialFlags) (*serialport.Port, error) {
	p, err := serialport.Open(f.port, &serialport.Opts{Baud: f.baud})
	if errors.Is(err, serialport.ErrNoDevice) {
		return nil, notReady("no device at %s: is it plugged in, or the simulator running?", f.port)
	}
	return p, err
}

func idcardRead(args []string, stdout io.Writer) error {
	f, err := parseSerial("idcard read", args, 115200, 10*time.Second, nil)
	if err != nil {
		return err
	}
	port, err := openPort(f)
	if err != nil {
		return err
	}
	defer port.Close()
	r, err := idcard.New(port, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	card, err := r.ReadCard(ctx)
	switch {
	case errors.Is(err, idcard.ErrNoCard):
		return notReady("no card on the reader: place an ID card and run again")
	case err != nil:
		return fmt.Errorf("%v (%s)", err, idcard.NoticeFor(err).EN)
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(card)
	}
	for _, kv := range [][2]string{
		{"card_type", card.CardType}, {"name", card.Name}, {"english_name", card.EnglishName},
		{"gender", card.Gender}, {"nation", card.Nation}, {"nationality", card.Nationality},
		{"birth", card.Birth}, {"address", card.Address}, {"id_number", card.IDNumber},
		{"authority", card.Authority}, {"valid_from", card.ValidFrom}, {"valid_to", card.ValidTo},
		{"pass_number", card.PassNumber},
	} {
		if kv[1] != "" {
			fmt.Fprintf(stdout, "%-13s %s\n", kv[0], kv[1])
		}
	}
	fmt.Fprintf(stdout, "%-13s %d bytes (WLT, not decoded)\n", "photo", len(card.Photo))
	return nil
}

// openReader opens the port and a Reader on it; done closes both.
func openReader(f *serialFlags) (*idcard.Reader, func(), error) {
	port, err := openPort(f)
	if err != nil {
		return nil, nil, err
	}
	r, err := idcard.New(port, nil)
	if err != nil {
		port.Close()
		return nil, nil, err
	}
	return r, func() { r.Close() }, nil // Close closes the port it owns
}

func idcardSAMID(args []string, stdout io.Writer) error {
	f, err := parseSerial("idcard samid", args, 115200, 5*time.Second, nil)
	if err != nil {
		return err
	}
	r, done, err := openReader(f)
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	text, raw, err := r.SAMID(ctx)
	if err != nil {
		return fmt.Errorf("%v (%s)", err, idcard.NoticeFor(err).EN)
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(struct {
			SAMID string `json:"sam_id"`
			Raw   string `json:"raw"`
		}{text, hex.EncodeToString(raw)})
	}
	fmt.Fprintf(stdout, "sam_id  %s\nraw     % x\n", text, raw)
	return nil
}
