package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/journal"
)

func printerCommands() []command {
	return []command{
		{"printer status", "--port PATH [--baud N] [--json]", "ask the printer for its real-time status", printerStatus},
		{"printer test", "--port PATH [--baud N] [--width 58|80]", "print a Chinese test receipt with a QR code", printerTest},
		{"printer journal", "[--data DIR] [--failed] [--limit N] [--json]", "list the printed and failed receipts (kiosk stopped)", printerJournal},
		{"printer reprint", "ID --port PATH [--data DIR] [--baud N] [--width 58|80] [--json]", "print a journal entry again and record it", printerReprint},
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

// journalPath is where the kiosk keeps its printer journal.
func journalPath(dataDir string) string { return filepath.Join(dataDir, "journal.db") }

// openJournal opens the journal of a stopped kiosk; a running kiosk holds the file's lock.
func openJournal(dataDir string, readOnly bool) (*journal.Journal, error) {
	path := journalPath(dataDir)
	j, err := journal.Open(path, &journal.Opts{ReadOnly: readOnly, LockTimeout: time.Second})
	switch {
	case errors.Is(err, journal.ErrLocked):
		return nil, notReady("the kiosk is running: stop it or use its control socket (%s is locked)", path)
	case errors.Is(err, journal.ErrStorage) && errors.Is(err, os.ErrNotExist):
		return nil, notReady("no printer journal at %s: has this kiosk printed yet? (check --data)", path)
	}
	return j, err
}

func printerJournal(args []string, stdout io.Writer) error {
	var data string
	var asJSON, failed bool
	var limit int
	if _, err := parseArgs("printer journal", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&data, "data", config.DefaultDataDir(), "the kiosk's data directory")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		fs.BoolVar(&failed, "failed", false, "only the receipts still to print: failed and reprintable, or of unknown fate")
		fs.IntVar(&limit, "limit", 0, "only the newest N entries; 0 means all")
	}); err != nil {
		return err
	}
	j, err := openJournal(data, true)
	if err != nil {
		return err
	}
	defer j.Close()
	var entries []*journal.Entry
	if failed {
		entries, err = j.Unprinted()
		if limit > 0 && len(entries) > limit {
			entries = entries[len(entries)-limit:]
		}
	} else {
		entries, err = j.List(journal.Filter{Limit: limit})
	}
	if err != nil {
		return err
	}
	if asJSON {
		if entries == nil {
			entries = []*journal.Entry{}
		}
		return json.NewEncoder(stdout).Encode(entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "no entries")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUPDATED\tSTATE\tREASON\tREPRINTABLE\tBYTES\tATTEMPTS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\t%d\t%d\n", e.ID, e.Updated.Local().Format("2006-01-02 15:04:05"),
			e.State, orDash(e.Reason), e.Reprintable, e.Bytes, e.Attempts)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printerReprint(args []string, stdout io.Writer) error {
	// The id may come before the flags, as the usage line shows it.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	var width int
	var data string
	f, err := parseSerial("printer reprint", args, 115200, 30*time.Second, func(fs *flag.FlagSet) {
		fs.IntVar(&width, "width", 80, "paper width in mm: 58 or 80")
		fs.StringVar(&data, "data", config.DefaultDataDir(), "the kiosk's data directory")
	})
	if err != nil {
		return err
	}
	if id == "" {
		return usage("the job ID to reprint is required (see printer journal)")
	}
	if width != 58 && width != 80 {
		return usage("--width must be 58 or 80")
	}
	j, err := openJournal(data, false)
	if err != nil {
		return err
	}
	defer j.Close()
	e, err := j.Get(id)
	if errors.Is(err, journal.ErrNotFound) {
		return fmt.Errorf("no job %q in %s", id, journalPath(data))
	}
	if err != nil {
		return err
	}
	p, done, err := openPrinter(f, width)
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	job := &escpos.Job{ID: e.ID, Doc: e.Doc}
	if err := j.Record(job); err != nil {
		return err
	}
	res, perr := p.Print(ctx, job)
	if err := j.Finish(job.ID, journal.ResultOf(res, perr)); err != nil {
		return fmt.Errorf("printed with error %v, but the journal was not updated: %w", perr, err)
	}
	if e, err = j.Get(id); err != nil {
		return err
	}
	switch {
	case errors.Is(perr, escpos.ErrPaperOut):
		return notReady("paper end: load a new roll and reprint %s again", id)
	case errors.Is(perr, escpos.ErrCoverOpen):
		return notReady("cover open: close the cover and reprint %s again", id)
	case perr != nil:
		return fmt.Errorf("reprint of %s failed after %d bytes: %v", id, res.Bytes, perr)
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(e)
	}
	fmt.Fprintf(stdout, "reprinted %s: %d bytes (attempt %d)", id, e.Bytes, e.Attempts)
	if res.NearEnd {
		fmt.Fprint(stdout, " (paper near end: change the roll soon)")
	}
	fmt.Fprintln(stdout)
	return nil
}
