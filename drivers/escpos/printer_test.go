package escpos_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/serialport"
)

// rig is a driver on a serial Line talking to a simulator on a real pty.
type rig struct {
	link string
	srv  *escpossim.Server
	line *serialport.Line
	p    *escpos.Printer
}

// generous bounds every wait: the machine may be busy, and the tests assert outcomes, not time.
const generous = 10 * time.Second

func newRig(t *testing.T, opts *escpos.Opts) *rig {
	t.Helper()
	r := &rig{link: filepath.Join(t.TempDir(), "ttyPRN")}
	srv, err := escpossim.Serve(r.link, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.srv = srv
	r.line = serialport.NewLine(r.link, &serialport.Opts{ReadTimeout: 100 * time.Millisecond})
	r.line.RetryEvery = 20 * time.Millisecond
	if opts == nil {
		opts = &escpos.Opts{StatusTimeout: 2 * time.Second}
	}
	if r.p, err = escpos.New(r.line, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.p.Close()
		if r.srv != nil {
			r.srv.Close()
		}
	})
	return r
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), generous)
	t.Cleanup(cancel)
	return c
}

// receipt is a typical tax receipt: a title, ten label/value lines in Chinese, a QR code
// of a 60-character verification code, and a cut.
func receipt() *escpos.Document {
	d := new(escpos.Document).Title("国家税务总局电子完税证明")
	for _, kv := range [][2]string{
		{"凭证号", "330106260000123456"},
		{"纳税人识别号", "91350100M000100Y43"},
		{"纳税人名称", "某某科技有限公司"},
		{"税务机关", "国家税务总局杭州市西湖区税务局"},
		{"税种", "增值税"},
		{"品目名称", "销售服务"},
		{"税款所属期", "2026-01-01 至 2026-03-31"},
		{"入(退)库日期", "2026-04-15"},
		{"办理终端", "KIOSK-0571-07"},
		{"打印时间", "2026-04-15 10:32:18"},
	} {
		d.Pair(kv[0], kv[1])
	}
	d.Separator().Amount("实缴(退)金额", "￥12,345.67")
	d.QR("https://etax.example.gov.cn/v?c="+strings.Repeat("7", 28), 0)
	return d.Feed(1).Cut()
}

func TestPrintOK(t *testing.T) {
	r := newRig(t, nil)
	doc := receipt()
	res, err := r.p.Print(ctx(t), &escpos.Job{ID: "T1", Doc: doc})
	if err != nil || res.State != escpos.JobPrinted || res.NearEnd || res.Reprintable {
		t.Fatalf("Print = %+v, %v", res, err)
	}
	data, _ := escpos.Render(doc, nil)
	if res.Bytes != len(data) {
		t.Errorf("Bytes = %d, rendered %d", res.Bytes, len(data))
	}
	got := r.srv.Receipts()
	if len(got) != 1 || !got[0].Cut || got[0].Text != doc.Text(escpos.Columns80) || got[0].Bytes != len(data) {
		t.Fatalf("printer has %+v\nwant text\n%s", got, doc.Text(escpos.Columns80))
	}
	if len(r.srv.Unknown()) != 0 {
		t.Errorf("unknown commands %q", r.srv.Unknown())
	}
	st := r.p.DeviceStatus()
	if st.State != device.Online || st.Paper != device.PaperFull || st.Counters["receipts"] != 1 ||
		st.Counters["cuts"] != 1 || st.Counters["bytes"] != int64(len(data)) || st.Counters["paper_mm"] < 50 {
		t.Errorf("device status %+v", st)
	}
}

func TestPrintRefusedBeforeSending(t *testing.T) {
	tests := []struct {
		name  string
		set   func(*escpossim.Server)
		want  error
		key   string
		state device.State
	}{
		{"paper end", func(s *escpossim.Server) { s.SetPaper(escpossim.PaperEnd) }, escpos.ErrPaperOut, "printer.paper_out", device.UserError},
		{"cover open", func(s *escpossim.Server) { s.SetCover(true) }, escpos.ErrCoverOpen, "printer.cover_open", device.UserError},
		{"offline", func(s *escpossim.Server) { s.SetOffline(true) }, escpos.ErrOffline, "printer.offline", device.Offline},
		{"autocutter", func(s *escpossim.Server) { s.SetError(escpossim.ErrorAutocutter) }, escpos.ErrCutter, "printer.hw_error", device.HWError},
		{"unrecoverable", func(s *escpossim.Server) { s.SetError(escpossim.ErrorUnrecoverable) }, escpos.ErrUnrecoverable, "printer.hw_error", device.HWError},
		{"head overheat", func(s *escpossim.Server) { s.SetError(escpossim.ErrorAutoRecoverable) }, escpos.ErrOffline, "printer.offline", device.Offline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, nil)
			tt.set(r.srv)
			res, err := r.p.Print(ctx(t), &escpos.Job{ID: "T2", Doc: receipt()})
			if !errors.Is(err, tt.want) || escpos.MessageKey(err) != tt.key {
				t.Fatalf("err = %v (key %q), want %v (%q)", err, escpos.MessageKey(err), tt.want, tt.key)
			}
			if res.State != escpos.JobFailed || res.Bytes != 0 || res.Err != err {
				t.Errorf("result %+v", res)
			}
			if n := r.srv.JobBytes(); n != 0 {
				t.Errorf("printer received %d job bytes", n)
			}
			if st := r.p.DeviceStatus(); st.State != tt.state || st.LastError == nil {
				t.Errorf("device status %+v", st)
			}
		})
	}
}

func TestPaperOutMidJob(t *testing.T) {
	r := newRig(t, nil)
	r.srv.SetFault(escpossim.Fault{Kind: escpossim.FaultPaperOutAfter, Bytes: 300})
	doc := receipt()
	res, err := r.p.Print(ctx(t), &escpos.Job{ID: "T3", Doc: doc})
	if !errors.Is(err, escpos.ErrPaperOut) || res.State != escpos.JobFailed || !res.Reprintable || res.Bytes == 0 {
		t.Fatalf("Print = %+v, %v", res, err)
	}
	got := r.srv.Receipts()
	if len(got) != 1 || got[0].Cut || got[0].Text == "" || !strings.HasPrefix(doc.Text(escpos.Columns80), got[0].Text) {
		t.Fatalf("torn receipt %+v", got)
	}
	if st := r.p.DeviceStatus(); st.State != device.UserError || st.Paper != device.PaperOut || st.Counters["receipts"] != 0 {
		t.Errorf("device status %+v", st)
	}

	r.srv.SetPaper(escpossim.PaperOK)
	res, err = r.p.Print(ctx(t), &escpos.Job{ID: "T3", Doc: doc})
	if err != nil || res.State != escpos.JobPrinted {
		t.Fatalf("reprint = %+v, %v", res, err)
	}
	got = r.srv.Receipts()
	if len(got) != 2 || !got[1].Cut || got[1].Text != doc.Text(escpos.Columns80) {
		t.Fatalf("reprinted receipt %+v", got)
	}
	if st := r.p.DeviceStatus(); st.State != device.Online || st.Paper != device.PaperFull {
		t.Errorf("device status after reload %+v", st)
	}
}

func TestNearEndWarns(t *testing.T) {
	r := newRig(t, nil)
	r.srv.SetPaper(escpossim.PaperNearEnd)
	res, err := r.p.Print(ctx(t), &escpos.Job{ID: "T4", Doc: receipt()})
	if err != nil || res.State != escpos.JobPrinted || !res.NearEnd {
		t.Fatalf("Print = %+v, %v", res, err)
	}
	if st := r.p.DeviceStatus(); st.State != device.Online || st.Paper != device.PaperLow {
		t.Errorf("device status %+v", st)
	}
}

func TestSilentPrinter(t *testing.T) {
	r := newRig(t, &escpos.Opts{StatusTimeout: 300 * time.Millisecond})
	r.srv.SetFault(escpossim.Fault{Kind: escpossim.FaultSilent})
	_, err := r.p.Status(ctx(t))
	if !errors.Is(err, escpos.ErrNoAnswer) || escpos.MessageKey(err) != "printer.offline" {
		t.Fatalf("err = %v", err)
	}
	if st := r.p.DeviceStatus(); st.State != device.Offline || st.LastError == nil || st.LastError.Code != "no_answer" {
		t.Errorf("device status %+v", st)
	}
	res, err := r.p.Print(ctx(t), &escpos.Job{Doc: receipt()})
	if !errors.Is(err, escpos.ErrNoAnswer) || res.Bytes != 0 || r.srv.JobBytes() != 0 {
		t.Fatalf("Print to a silent printer = %+v, %v; printer got %d bytes", res, err, r.srv.JobBytes())
	}
	r.srv.SetFault(escpossim.Fault{})
	if st, err := r.p.Status(ctx(t)); err != nil || !st.Online {
		t.Fatalf("after recovery: %+v, %v", st, err)
	}
}

func TestSlowPrinter(t *testing.T) {
	r := newRig(t, nil)
	r.srv.SetFault(escpossim.Fault{Kind: escpossim.FaultSlow, Delay: 100 * time.Millisecond})
	if st, err := r.p.Status(ctx(t)); err != nil || !st.Online {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}

func TestGarbageStatus(t *testing.T) {
	r := newRig(t, nil)
	r.srv.SetFault(escpossim.Fault{Kind: escpossim.FaultGarbage})
	_, err := r.p.Status(ctx(t))
	if !errors.Is(err, escpos.ErrBadStatus) {
		t.Fatalf("err = %v", err)
	}
	if st := r.p.DeviceStatus(); st.State != device.HWError {
		t.Errorf("device status %+v", st)
	}
	r.srv.SetFault(escpossim.Fault{})
	if _, err := r.p.Status(ctx(t)); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

// Automatic status back blocks arriving unasked are told apart from DLE EOT answers.
func TestAutomaticStatusBlocksSkipped(t *testing.T) {
	r := newRig(t, nil)
	if _, err := r.line.Write([]byte{0x1d, 'a', 0xff}); err != nil { // GS a 255: enable ASB
		t.Fatal(err)
	}
	r.srv.SetCover(true)
	st, err := r.p.Status(ctx(t))
	if err != nil || !st.CoverOpen || st.ASB {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}

func TestUnplugReplug(t *testing.T) {
	r := newRig(t, nil)
	if _, err := r.p.Status(ctx(t)); err != nil {
		t.Fatal(err)
	}
	r.srv.Close()
	r.srv = nil
	var err error
	for i := 0; i < 50; i++ {
		if _, err = r.p.Status(ctx(t)); errors.Is(err, serialport.ErrGone) || errors.Is(err, serialport.ErrNoDevice) {
			break
		}
	}
	if !errors.Is(err, serialport.ErrGone) && !errors.Is(err, serialport.ErrNoDevice) {
		t.Fatalf("unplugged printer: %v", err)
	}
	if st := r.p.DeviceStatus(); st.State != device.NoDevice || escpos.MessageKey(err) != "printer.offline" {
		t.Errorf("device status %+v", st)
	}

	srv, err := escpossim.Serve(r.link, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.srv = srv
	deadline := time.Now().Add(generous)
	for {
		_, err = r.p.Status(ctx(t))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replugged printer never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res, err := r.p.Print(ctx(t), &escpos.Job{Doc: receipt()}); err != nil || len(srv.Receipts()) != 1 {
		t.Fatalf("print after replug = %+v, %v", res, err)
	}
	if st := r.p.DeviceStatus(); st.State != device.Online {
		t.Errorf("device status %+v", st)
	}
}

// Jobs from several goroutines print one after the other, never interleaved.
func TestOneJobAtATime(t *testing.T) {
	r := newRig(t, nil)
	var wg sync.WaitGroup
	docs := make([]*escpos.Document, 3)
	for i := range docs {
		docs[i] = new(escpos.Document).Title(fmt.Sprintf("第%d张", i)).Pair("序号", fmt.Sprint(i)).Cut()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.p.Print(ctx(t), &escpos.Job{Doc: docs[i]}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := map[string]bool{}
	for _, rc := range r.srv.Receipts() {
		got[rc.Text] = true
	}
	for _, d := range docs {
		if !got[d.Text(escpos.Columns80)] {
			t.Errorf("receipt missing or mangled:\n%s\nhave %v", d.Text(escpos.Columns80), got)
		}
	}
}

func TestSubscribeAndClose(t *testing.T) {
	r := newRig(t, nil)
	ch, stop := r.p.Subscribe()
	defer stop()
	r.srv.SetCover(true)
	r.p.Status(ctx(t))
	select {
	case st := <-ch:
		if !st.CoverOpen || st.Device != "printer" {
			t.Errorf("notified %+v", st)
		}
	case <-time.After(generous):
		t.Fatal("no notification")
	}
	if !strings.Contains(r.p.String(), "ttyPRN") {
		t.Errorf("String() = %q", r.p.String())
	}
	r.p.Close()
	if _, err := r.p.Status(ctx(t)); !errors.Is(err, escpos.ErrClosed) {
		t.Errorf("Status after Close: %v", err)
	}
}
