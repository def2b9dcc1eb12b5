package scanner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/drivers/serialport"
)

func ExampleParse() {
	c := scanner.Parse([]byte("01,10,044031900111,45678901,476.6,20190312,09887262553346434541,"))
	fmt.Println(c.Kind, c.Invoice.TypeName, c.Invoice.Amount, c.Invoice.Valid)

	c = scanner.Parse([]byte("01,32,,24442000000012345678,32,20230230,,5B6E"))
	fmt.Println(c.Kind, c.Invoice.TypeCode, c.Invoice.Problems)

	c = scanner.Parse([]byte("TK1:K-0001:2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10"))
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	// Output:
	// vat_invoice 增值税电子普通发票 476.60 true
	// vat_invoice 32 [bad_date]
	// {"raw":"TK1:K-0001:2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10","kind":"kiosk_receipt","kiosk_id":"K-0001","txn_id":"2f1c9a4e-8b7d-4c3e-9a1f-6d5e4c3b2a10"}
}

// A simulated engine on a pseudo-terminal stands in for the real one: the driver opens the
// path exactly as it would open /dev/ttyS3.
func ExampleScanner_Next() {
	dir, err := os.MkdirTemp("", "scanner-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	link := filepath.Join(dir, "ttySCAN")
	sim, err := scannersim.OpenPty(link, &scannersim.Opts{Suffix: "\r\n"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	sc, err := scanner.New(serialport.NewLine(link, nil), &scanner.Opts{Suffix: "\r\n"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sc.Close()

	if err := sim.Scan([]byte("01,04,3100181130,12345678,1000,20190521,12345678901234567890,8A3F")); err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := sc.Next(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	fmt.Println(sc.Status())
	// Output:
	// vat_invoice type=04 number=12345678 amount=1000.00 valid
	// scanner: online
}
