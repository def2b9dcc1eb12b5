package journal_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
)

// clock is a fake time source: each reading is one second after the last.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// checkFile verifies the bbolt file's page structure, as etcd-io/bbolt's own tests do.
func checkFile(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Errorf("reopen %s for the check: %v", path, err)
		return
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Errorf("database check: %v", err)
	}
}

// openT opens a journal under t.TempDir (or at path) and closes and checks it at cleanup.
func openT(t *testing.T, path string, opts *journal.Opts) *journal.Journal {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "journal.db")
	}
	j, err := journal.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := j.Close(); err != nil {
			t.Error(err)
		}
		checkFile(t, path)
	})
	return j
}

// receipt is a receipt as the desk lays it out: masked name and ID number only.
func receipt(n int) *escpos.Document {
	d := &escpos.Document{}
	d.Title("办税回执").Paragraph("自助办税终端").Separator().
		Pair("纳税人", "张*").Pair("证件号码", "1101**********002X").
		Amount("应纳税额", fmt.Sprintf("%d.00元", n)).SeparatorOf('=').
		QR(fmt.Sprintf("TK:K001:%d", n), 0).Barcode("00000042").Feed(2).Cut()
	return d
}

func TestRecordFinishGet(t *testing.T) {
	clk := newClock()
	j := openT(t, "", &journal.Opts{Now: clk.Now})
	doc := receipt(1)
	if err := j.Record(&escpos.Job{ID: "T1", Doc: doc}); err != nil {
		t.Fatal(err)
	}
	e, err := j.Get("T1")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != journal.Queued || e.Attempts != 1 || !reflect.DeepEqual(e.Doc, doc) {
		t.Fatalf("after Record: %+v", e)
	}
	doc.Blocks[0].Text = "changed by the caller"
	if e, _ := j.Get("T1"); e.Doc.Blocks[0].Text != "办税回执" {
		t.Fatal("the journal shares the caller's document")
	}
	if err := j.Finish("T1", journal.Result{State: journal.Printed, Bytes: 812}); err != nil {
		t.Fatal(err)
	}
	e, _ = j.Get("T1")
	if e.State != journal.Printed || e.Bytes != 812 || e.Reprintable || !e.Updated.After(e.Recorded) {
		t.Fatalf("after Finish: %+v", e)
	}
	if u, err := j.Unprinted(); err != nil || len(u) != 0 {
		t.Fatalf("Unprinted = %v, %v", u, err)
	}
}

func TestResultOfDriverAnswers(t *testing.T) {
	paperOut := fmt.Errorf("escpos: job T1 after 256 bytes: %w (DLE EOT 1-4: 1a 72 12 7e)", escpos.ErrPaperOut)
	cases := []struct {
		name string
		res  *escpos.JobResult
		err  error
		want journal.Result
	}{
		{"printed", &escpos.JobResult{State: escpos.JobPrinted, Bytes: 900}, nil,
			journal.Result{State: journal.Printed, Bytes: 900}},
		{"paper out mid-job", &escpos.JobResult{State: escpos.JobFailed, Bytes: 256, Reprintable: true, Err: paperOut}, paperOut,
			journal.Result{State: journal.Failed, Reason: "printer.paper_out", Detail: paperOut.Error(), Reprintable: true, Bytes: 256}},
		{"refused document", &escpos.JobResult{State: escpos.JobFailed, Err: escpos.ErrQRTooLong}, escpos.ErrQRTooLong,
			journal.Result{State: journal.Failed, Reason: "printer.bad_receipt", Detail: escpos.ErrQRTooLong.Error()}},
		{"no answer at all", nil, escpos.ErrClosed,
			journal.Result{State: journal.Failed, Reason: "printer.offline", Detail: escpos.ErrClosed.Error(), Reprintable: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := journal.ResultOf(tc.res, tc.err); got != tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestFailedJobIsReprinted(t *testing.T) {
	j := openT(t, "", &journal.Opts{Now: newClock().Now})
	if err := j.Record(&escpos.Job{ID: "T2", Doc: receipt(2)}); err != nil {
		t.Fatal(err)
	}
	res := journal.ResultOf(&escpos.JobResult{State: escpos.JobFailed, Bytes: 256, Reprintable: true, Err: escpos.ErrCoverOpen}, escpos.ErrCoverOpen)
	if err := j.Finish("T2", res); err != nil {
		t.Fatal(err)
	}
	u, err := j.Unprinted()
	if err != nil || len(u) != 1 || u[0].ID != "T2" || u[0].Reason != "printer.cover_open" {
		t.Fatalf("Unprinted = %+v, %v", u, err)
	}
	// The reprint records the same id again: one more attempt, queued until it is finished.
	if err := j.Record(&escpos.Job{ID: "T2", Doc: u[0].Doc}); err != nil {
		t.Fatal(err)
	}
	e, _ := j.Get("T2")
	if e.State != journal.Queued || e.Attempts != 2 || e.Reason != "" {
		t.Fatalf("reprint recorded as %+v", e)
	}
	if err := j.Finish("T2", journal.Result{State: journal.Printed, Bytes: 900}); err != nil {
		t.Fatal(err)
	}
	if u, _ := j.Unprinted(); len(u) != 0 {
		t.Fatalf("still unprinted: %+v", u)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	clk := newClock()
	j, err := journal.Open(path, &journal.Opts{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := j.Record(&escpos.Job{ID: fmt.Sprintf("T%d", i), Doc: receipt(i)}); err != nil {
			t.Fatal(err)
		}
	}
	j.Finish("T1", journal.Result{State: journal.Printed, Bytes: 100})
	j.Finish("T2", journal.Result{State: journal.Failed, Reason: "printer.paper_out", Reprintable: true, Bytes: 50})
	j.Finish("T3", journal.Result{State: journal.Failed, Reason: "printer.bad_receipt"})
	before, _ := j.List(journal.Filter{})
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j2 := openT(t, path, &journal.Opts{Now: clk.Now})
	after, err := j2.List(journal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("reopened journal differs:\n%+v\n%+v", before, after)
	}
	if got := ids(after); got != "T3 T2 T1" {
		t.Fatalf("newest first: %s", got)
	}
	if u, _ := j2.Unprinted(); ids(u) != "T2" {
		t.Fatalf("Unprinted %s, want T2 (T3 cannot be printed again as it is)", ids(u))
	}
}

func ids(es []*journal.Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.ID)
	}
	return strings.Join(s, " ")
}

// crashEnv names the journal a child process records a job in and then dies without
// finishing it or closing the file, as a kiosk that loses power mid-print.
const crashEnv = "JOURNAL_TEST_CRASH_PATH"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		j, err := journal.Open(path, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := j.Record(&escpos.Job{ID: "T-crash", Doc: receipt(7)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0) // no Finish, no Close
	}
	os.Exit(m.Run())
}

func TestCrashWhileSendingLeavesUnknownReprintable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("crashing child: %v\n%s", err, out)
	}

	// A technician looks first, read-only: the job shows as unknown, the file is not changed.
	ro := openT(t, path, &journal.Opts{ReadOnly: true})
	e, err := ro.Get("T-crash")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != journal.Unknown || !e.Reprintable || e.Reason != journal.ReasonInterrupted || !reflect.DeepEqual(e.Doc, receipt(7)) {
		t.Fatalf("read-only view of the crashed job: %+v", e)
	}
	if err := ro.Record(&escpos.Job{ID: "X", Doc: receipt(1)}); !errors.Is(err, journal.ErrReadOnly) {
		t.Fatalf("Record on a read-only journal: %v", err)
	}
	ro.Close()

	// The kiosk starts again.
	j := openT(t, path, &journal.Opts{Now: newClock().Now})
	u, err := j.Unprinted()
	if err != nil || ids(u) != "T-crash" || u[0].State != journal.Unknown {
		t.Fatalf("Unprinted after the crash = %+v, %v", u, err)
	}
	if err := j.Finish("T-crash", journal.Result{State: journal.Printed}); !errors.Is(err, journal.ErrInvalid) {
		t.Fatalf("finishing a job of the dead process: %v, want ErrInvalid", err)
	}
	if err := j.Record(&escpos.Job{ID: "T-crash", Doc: u[0].Doc}); err != nil {
		t.Fatal(err)
	}
	if err := j.Finish("T-crash", journal.Result{State: journal.Printed, Bytes: 700}); err != nil {
		t.Fatal(err)
	}
	if e, _ := j.Get("T-crash"); e.State != journal.Printed || e.Attempts != 2 {
		t.Fatalf("after the reprint: %+v", e)
	}
}

func TestLockedByAnotherHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	openT(t, path, nil)
	_, err := journal.Open(path, &journal.Opts{LockTimeout: 50 * time.Millisecond, ReadOnly: true})
	if !errors.Is(err, journal.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestListFilterAndPrune(t *testing.T) {
	clk := newClock()
	j := openT(t, "", &journal.Opts{Now: clk.Now})
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("T%d", i)
		j.Record(&escpos.Job{ID: id, Doc: receipt(i)})
		st := journal.Printed
		if i%2 == 0 {
			st = journal.Failed
		}
		if err := j.Finish(id, journal.Result{State: st, Reprintable: true}); err != nil {
			t.Fatal(err)
		}
	}
	j.Record(&escpos.Job{ID: "T6", Doc: receipt(6)})
	t3, _ := j.Get("T3")
	cases := []struct {
		f    journal.Filter
		want string
	}{
		{journal.Filter{}, "T6 T5 T4 T3 T2 T1"},
		{journal.Filter{States: []journal.State{journal.Failed}}, "T4 T2"},
		{journal.Filter{States: []journal.State{journal.Queued, journal.Failed}}, "T6 T4 T2"},
		{journal.Filter{Since: t3.Updated}, "T6 T5 T4 T3"},
		{journal.Filter{Limit: 2}, "T6 T5"},
	}
	for _, tc := range cases {
		got, err := j.List(tc.f)
		if err != nil || ids(got) != tc.want {
			t.Errorf("List(%+v) = %s, %v; want %s", tc.f, ids(got), err, tc.want)
		}
	}
	n, err := j.Prune(t3.Updated.Add(time.Nanosecond))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want T1 and T3", n, err)
	}
	if got, _ := j.List(journal.Filter{}); ids(got) != "T6 T5 T4 T2" {
		t.Fatalf("after Prune: %s", ids(got))
	}
}

func TestRefusals(t *testing.T) {
	j := openT(t, "", nil)
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"nil job", j.Record(nil), journal.ErrInvalid},
		{"no id", j.Record(&escpos.Job{Doc: receipt(1)}), journal.ErrInvalid},
		{"no document", j.Record(&escpos.Job{ID: "T"}), journal.ErrInvalid},
		{"empty document", j.Record(&escpos.Job{ID: "T", Doc: &escpos.Document{}}), journal.ErrInvalid},
		{"unknown block kind", j.Record(&escpos.Job{ID: "T", Doc: &escpos.Document{Blocks: []escpos.Block{{Kind: 99}}}}), journal.ErrInvalid},
		{"finish unknown id", j.Finish("nope", journal.Result{State: journal.Printed}), journal.ErrNotFound},
		{"finish as queued", j.Finish("nope", journal.Result{State: journal.Queued}), journal.ErrInvalid},
	}
	for _, tc := range cases {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if _, err := j.Get("nope"); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Get: %v", err)
	}
	j.Close()
	if _, err := j.List(journal.Filter{}); !errors.Is(err, journal.ErrClosed) {
		t.Errorf("List after Close: %v", err)
	}
	if err := j.Record(&escpos.Job{ID: "T", Doc: receipt(1)}); !errors.Is(err, journal.ErrClosed) {
		t.Errorf("Record after Close: %v", err)
	}
}

func TestCorruptAndMissingFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "journal.db")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not a bbolt file ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := journal.Open(bad, nil); !errors.Is(err, journal.ErrCorrupt) {
		t.Errorf("garbage file: %v, want ErrCorrupt", err)
	}
	missing := filepath.Join(dir, "none.db")
	if _, err := journal.Open(missing, &journal.Opts{ReadOnly: true}); !errors.Is(err, journal.ErrStorage) {
		t.Errorf("missing file read-only: %v, want ErrStorage", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("a read-only open created the file")
	}
	if _, err := journal.Open(filepath.Join(dir, "no", "such", "dir.db"), nil); !errors.Is(err, journal.ErrStorage) {
		t.Errorf("missing directory: %v, want ErrStorage", err)
	}
}

func TestStringShowsNoDocument(t *testing.T) {
	j := openT(t, "", nil)
	j.Record(&escpos.Job{ID: "T1", Doc: receipt(1)})
	e, _ := j.Get("T1")
	for _, s := range []string{j.String(), fmt.Sprintf("%+v", *e)} {
		if strings.Contains(s, "1101") || strings.Contains(s, "张") {
			t.Errorf("document content in %q", s)
		}
	}
}
