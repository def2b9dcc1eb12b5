package simpanel

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"taxkiosk/assets"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/scanner"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/drivers/serialport"
	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/i18n"
)

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shownPanel is the panel in Chinese over a running demo, in a window.
func shownPanel(t *testing.T) (*Panel, *demo.Demo, *i18n.Catalog) {
	t.Helper()
	test.NewTempApp(t)
	d, err := demo.Start(demo.Opts{Dir: filepath.Join(t.TempDir(), "demo")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	p := New(d, i18n.Translator{C: cat, Lang: i18n.ZH})
	test.NewTempWindow(t, p.Content())
	return p, d, cat
}

// TestPanelDrivesTheSimulators taps the panel as a trainer would and checks each
// simulator changed: the panel is wired to the real simulators, not to itself.
func TestPanelDrivesTheSimulators(t *testing.T) {
	p, d, cat := shownPanel(t)

	p.Persona.SetSelectedIndex(1)
	test.Tap(p.Place)
	if !d.IDCard.Holding() {
		t.Fatal("Place did not put a card on the reader")
	}
	test.Tap(p.Lift)
	if d.IDCard.Holding() {
		t.Fatal("Lift left the card on the reader")
	}

	p.Paper.SetSelected(cat.T(i18n.ZH, "sim.paper.end"))
	if !strings.Contains(d.Printer.String(), "end") {
		t.Fatalf("paper end not set: %s", d.Printer)
	}
	p.Link.SetChecked(false)
	if d.LinkUp() {
		t.Fatal("the link is still up after unticking it")
	}
	p.Link.SetChecked(true)

	p.Door.SetChecked(true)
	waitFor(t, "the door event", func() bool {
		select {
		case e := <-d.Cabinet.Events():
			return e.Input == gpio.Door && e.Active
		default:
			return false
		}
	})
}

func TestReceiptsShowUp(t *testing.T) {
	test.NewTempApp(t)
	d, err := demo.Start(demo.Opts{Dir: filepath.Join(t.TempDir(), "demo")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cat, _ := i18n.Load(assets.Translations())
	p := New(d, i18n.Translator{C: cat, Lang: i18n.EN})
	p.addReceipt(escpossim.Receipt{Text: "RECEIPT ONE\n", Bytes: 12, Cut: true})
	p.addReceipt(escpossim.Receipt{Text: "RECEIPT TWO\n", Bytes: 12, Cut: false})
	if txt := p.Receipts.Text; strings.Index(txt, "RECEIPT TWO") > strings.Index(txt, "RECEIPT ONE") || !strings.Contains(txt, "not cut") {
		t.Fatalf("receipts panel, newest first with the torn one marked:\n%s", txt)
	}

	// A receipt printed in Chinese (GB18030 on the wire) reads as Chinese on the panel.
	printed := make(chan escpossim.Receipt, 4)
	d.OnReceipt(func(r escpossim.Receipt) { printed <- r })
	line := serialport.NewLine(d.PrinterPort, nil)
	defer line.Close()
	pr, err := escpos.New(line, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doc := (&escpos.Document{}).Title("卫东区税务局办税服务厅").Pair("应纳税额", "1,600.00 元").Cut()
	if res, err := pr.Print(ctx, &escpos.Job{ID: "t1", Doc: doc}); err != nil || res.State != escpos.JobPrinted {
		t.Fatalf("print: %v %+v", err, res)
	}
	select {
	case r := <-printed:
		p.addReceipt(r) // on the test's goroutine, which stands for the UI thread
	case <-ctx.Done():
		t.Fatal("the simulated printer finished no receipt")
	}
	if txt := p.Receipts.Text; !strings.Contains(txt, "卫东区税务局办税服务厅") || !strings.Contains(txt, "应纳税额") {
		t.Fatalf("the Chinese receipt does not read as Chinese on the panel:\n%s", txt)
	}
}

// TestScanLastReceipt (issue 12): the panel scans the kiosk receipt code of the last receipt
// the simulated printer printed, so that the demo can show a progress lookup for a receipt
// this kiosk knows; before any receipt it says there is none and scans nothing.
func TestScanLastReceipt(t *testing.T) {
	p, d, cat := shownPanel(t)
	test.Tap(p.ScanLast)
	if got := p.Status.Text; got != cat.T(i18n.ZH, "sim.receipts.none") {
		t.Fatalf("with no receipt printed: %q", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	prLine := serialport.NewLine(d.PrinterPort, nil)
	defer prLine.Close()
	pr, err := escpos.New(prLine, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"txn-older", "txn-last"} {
		doc := (&escpos.Document{}).Title("自助办税回执").QR(string(scannersim.ReceiptCode("K-DEMO", id)), 6).Cut()
		if res, err := pr.Print(ctx, &escpos.Job{ID: id, Doc: doc}); err != nil || res.State != escpos.JobPrinted {
			t.Fatalf("print: %v %+v", err, res)
		}
		waitFor(t, "the receipt", func() bool { return len(d.Printer.Receipts()) == i+1 })
	}

	scLine := serialport.NewLine(d.ScannerPort, nil)
	defer scLine.Close()
	sc, err := scanner.New(scLine, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan scanner.Code, 1)
	go func() {
		if c, err := sc.Next(ctx); err == nil {
			got <- c
		}
	}()
	test.Tap(p.ScanLast)
	select {
	case c := <-got:
		if c.Kind != scanner.KindKioskReceipt || c.Receipt.KioskID != "K-DEMO" || c.Receipt.TxnID != "txn-last" {
			t.Fatalf("scanned %+v", c.Receipt)
		}
	case <-ctx.Done():
		t.Fatalf("no code reached the scanner's line (status %q)", p.Status.Text)
	}
}
