package escpossim_test

import (
	"fmt"

	"taxkiosk/drivers/escpos/escpossim"
)

func ExampleDecode() {
	job := "\x1b@\x1c&" + // init, Chinese mode
		"\x1ba\x01\xcd\xea\xcb\xb0\xd6\xa4\xc3\xf7\n" + // centred 完税证明
		"\x1ba\x00\x1d(k\x06\x001P0T-1\x1d(k\x03\x001Q0" + // QR "T-1"
		"\x10\x04\x04" + // a status query mid-job
		"\x1dV\x42\x00" // partial cut
	d := escpossim.Decode([]byte(job), 16)
	fmt.Print(d.Receipts[0].Text)
	fmt.Println(d.Receipts[0].QRs, d.Receipts[0].Cut, d.Queries)
	// Output:
	//     完税证明
	// [QR: T-1]
	// [T-1] true 1
}
