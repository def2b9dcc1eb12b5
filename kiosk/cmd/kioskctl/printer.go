package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"taxkiosk/drivers/escpos"
)

func printerCommands() []command {
	return []command{
		{"printer status", "--port PATH [--baud N] [--json]", "ask the printer for its real-time status", printerStatus},
		{"printer test", "--port PATH [--baud N] [--width 58|80]", "print a Chinese test receipt with a QR code", printerTest},
	}
}

func openPrinter(f *serialFlags, width int) (*escpos.Printer, func(), error) {
	port, err := openPort(f)
	if err != nil {
		return nil, nil, err
	}
	p, err := escpos.New(port, &escpos.Opts{Render: escpos.RenderOpts{PaperMM: width}})
	if err != nil {
		port.Close()
		return nil, nil, err
	}
	return p, func() { p.Close(); port.Close() }, nil
}

func printerStatus(args []string, stdout io.Writer) error {
	f, err := parseSerial("printer status", args, 115200, 5*time.Second, nil)
	if err != nil {
		return err
	}
	p, done, err := openPrinter(f, 80)
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("%v: is the printer on and its cable in?", err)
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(struct {
			Online    bool   `json:"online"`
			Paper     string `json:"paper"`
			CoverOpen bool   `json:"cover_open"`
			Error     string `json:"error"`
		}{st.Online, string(st.Paper), st.CoverOpen, st.Error})
	}
	fmt.Fprintf(stdout, "online      %t\npaper       %s\ncover_open  %t\nerror       %s\nraw         % x\n",
		st.Online, st.Paper, st.CoverOpen, orNone(st.Error), st.Raw)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// testReceipt is the technician's test page: Chinese text in every size the receipts use,
// a right-aligned amount, a QR code and a cut.
func testReceipt(now time.Time) *escpos.Document {
	d := &escpos.Document{}
	return d.Title("打印测试 TEST").
		Paragraph("自助办税终端打印机自检：中文 GB18030 文字、对齐、二维码与切纸。").
		Separator().
		Pair("时间", now.Format("2006-01-02 15:04:05")).
		Pair("项目", "增值税零申报回执样张").
		Amount("金额", "0.00 元").
		Separator().
		QR("TK1:TEST:"+now.Format("20060102T150405"), 0).
		Paragraph("扫描上方二维码应得到 TK1:TEST:…").
		Feed(2).
		Cut()
}

func printerTest(args []string, stdout io.Writer) error {
	var width int
	f, err := parseSerial("printer test", args, 115200, 20*time.Second, func(fs *flag.FlagSet) {
		fs.IntVar(&width, "width", 80, "paper width in mm: 58 or 80")
	})
	if err != nil {
		return err
	}
	if width != 58 && width != 80 {
		return usage("--width must be 58 or 80")
	}
	p, done, err := openPrinter(f, width)
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	res, err := p.Print(ctx, &escpos.Job{ID: "test", Doc: testReceipt(time.Now())})
	switch {
	case errors.Is(err, escpos.ErrPaperOut):
		return notReady("paper end: load a new roll; nothing was printed")
	case errors.Is(err, escpos.ErrCoverOpen):
		return notReady("cover open: close the cover; nothing was printed")
	case err != nil:
		return err
	case res.State != escpos.JobPrinted:
		return fmt.Errorf("the test page failed after %d bytes: %v", res.Bytes, res.Err)
	}
	fmt.Fprintf(stdout, "printed the test page: %d bytes", res.Bytes)
	if res.NearEnd {
		fmt.Fprint(stdout, " (paper near end: change the roll soon)")
	}
	fmt.Fprintln(stdout)
	return nil
}
