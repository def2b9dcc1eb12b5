package escpossim_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/serialport"
)

// Streams below are written from section 2 of the protocol notes.
func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		cols    int
		text    string
		qrs     []string
		unknown []string
		cut     bool
	}{
		{"GB18030 text in Chinese mode", "\x1b@\x1c&\xd4\xf6\xd6\xb5\xcb\xb0\n\x1dV\x42\x00", 48, "增值税\n", nil, nil, true},
		{"Chinese mode off prints high bytes as '?'", "\x1b@\x1c.\xd4\xf6\n\x1dV\x00", 48, "??\n", nil, nil, true},
		{"centred line padded at the paper width", "\x1ba\x01AB\n\x1ba\x00C\n\x1dV\x41\x00", 10, "    AB\nC\n", nil, nil, true},
		{"right-aligned line", "\x1c&\x1ba\x02\xcb\xb0\n\x1dV\x01", 10, "        税\n", nil, nil, true},
		{"bold and size do not change text", "\x1bE\x01\x1d!\x11X\x1d!\x00\x1bE\x00\n\x1dV\x42\x00", 48, "X\n", nil, nil, true},
		{"ESC d feeds lines", "A\n\x1bd\x02\x1dV\x42\x00", 48, "A\n\n\n", nil, nil, true},
		{"QR store then print", "\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x05\x1d(k\x03\x001E1\x1d(k\x06\x001P0ABC\x1d(k\x03\x001Q0\x1dV\x42\x00",
			48, "[QR: ABC]\n", []string{"ABC"}, nil, true},
		{"CODE128 set B", "\x1dh\x50\x1dw\x02\x1dH\x02\x1dkI\x07{BAB{{C\x1dV\x42\x00", 48, "[CODE128: AB{C]\n", nil, nil, true},
		{"raster image is skipped whole", "\x1dv0\x00\x02\x00\x03\x00\x1b\x1b\x1b\x1b\x1b\x1bZ\n\x1dV\x42\x00", 48, "[IMAGE 16x3]\nZ\n", nil, nil, true},
		{"unknown ESC skipped as two bytes", "\x1biA\n\x1dV\x42\x00", 48, "A\n", nil, []string{"ESC i"}, true},
		{"unknown GS ( function skipped by its length", "\x1d(L\x02\x00\x30\x31B\n\x1dV\x42\x00", 48, "B\n", nil, []string{"GS ( L"}, true},
		{"no cut leaves the receipt pending", "A\nB", 48, "A\nB\n", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := escpossim.Decode([]byte(tt.in), tt.cols)
			r := d.Pending
			if tt.cut {
				if len(d.Receipts) != 1 {
					t.Fatalf("receipts %+v", d.Receipts)
				}
				r = d.Receipts[0]
				if r.Bytes != len(tt.in) {
					t.Errorf("Bytes = %d, want %d", r.Bytes, len(tt.in))
				}
			}
			if r.Text != tt.text || r.Cut != tt.cut || !reflect.DeepEqual(r.QRs, tt.qrs) || !reflect.DeepEqual(d.Unknown, tt.unknown) || d.Rest != 0 {
				t.Errorf("got %+v unknown %q rest %d\nwant text %q qrs %q unknown %q", r, d.Unknown, d.Rest, tt.text, tt.qrs, tt.unknown)
			}
		})
	}
	if d := escpossim.Decode([]byte("\x1d(k\x10\x00\x31"), 48); d.Rest != 6 {
		t.Errorf("incomplete command: rest %d", d.Rest)
	}
}

// port is an in-memory cable end: what the sim writes is collected.
type port struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *port) Read([]byte) (int, error) { return 0, errors.New("not used") }
func (p *port) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}
func (p *port) take() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := bytes.Clone(p.out.Bytes())
	p.out.Reset()
	return b
}

var query = []byte("\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04")

func TestStatusAnswers(t *testing.T) {
	tests := []struct {
		name string
		set  func(*escpossim.Sim)
		want []byte // answers to DLE EOT 1, 2, 3, 4
	}{
		{"idle", func(*escpossim.Sim) {}, []byte{0x12, 0x12, 0x12, 0x12}},
		{"offline", func(s *escpossim.Sim) { s.SetOffline(true) }, []byte{0x1a, 0x12, 0x12, 0x12}},
		{"cover open", func(s *escpossim.Sim) { s.SetCover(true) }, []byte{0x3a, 0x16, 0x12, 0x12}},
		{"near end", func(s *escpossim.Sim) { s.SetPaper(escpossim.PaperNearEnd) }, []byte{0x12, 0x12, 0x12, 0x1e}},
		{"paper end", func(s *escpossim.Sim) { s.SetPaper(escpossim.PaperEnd) }, []byte{0x3a, 0x32, 0x12, 0x7e}},
		{"autocutter", func(s *escpossim.Sim) { s.SetError(escpossim.ErrorAutocutter) }, []byte{0x1a, 0x52, 0x1a, 0x12}},
		{"unrecoverable", func(s *escpossim.Sim) { s.SetError(escpossim.ErrorUnrecoverable) }, []byte{0x1a, 0x52, 0x32, 0x12}},
		{"auto-recoverable", func(s *escpossim.Sim) { s.SetError(escpossim.ErrorAutoRecoverable) }, []byte{0x3a, 0x52, 0x52, 0x12}},
		{"silent", func(s *escpossim.Sim) { s.SetFault(escpossim.Fault{Kind: escpossim.FaultSilent}) }, nil},
		{"garbage", func(s *escpossim.Sim) { s.SetFault(escpossim.Fault{Kind: escpossim.FaultGarbage}) }, []byte{0x93, 0x93, 0x93, 0x93}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &port{}
			s := escpossim.New(p, nil)
			tt.set(s)
			s.Write(query)
			if got := p.take(); !bytes.Equal(got, tt.want) {
				t.Errorf("answers % x, want % x", got, tt.want)
			}
			if s.JobBytes() != 0 || s.Queries() != 4 {
				t.Errorf("job bytes %d, queries %d", s.JobBytes(), s.Queries())
			}
		})
	}
}

// A status query is answered mid-job, between commands, as soon as it is read.
func TestStatusMidJob(t *testing.T) {
	p := &port{}
	s := escpossim.New(p, nil)
	s.Write([]byte("\x1b@\x1c&first line\n\x10\x04\x04sec"))
	if got := p.take(); !bytes.Equal(got, []byte{0x12}) {
		t.Fatalf("answer % x", got)
	}
	s.Write([]byte("ond\n\x1dV\x42\x00"))
	if r := s.Receipts(); len(r) != 1 || r[0].Text != "first line\nsecond\n" || r[0].Bytes != 4+11+7+4 {
		t.Errorf("receipts %+v", r)
	}
}

func TestPaperOutAfter(t *testing.T) {
	p := &port{}
	s := escpossim.New(p, nil)
	var seen []escpossim.Receipt
	s.OnReceipt(func(r escpossim.Receipt) { seen = append(seen, r) })
	s.SetFault(escpossim.Fault{Kind: escpossim.FaultPaperOutAfter, Bytes: 9})
	s.Write([]byte("\x1b@line 1\nline 2\nline 3\n\x1dV\x42\x00"))
	s.Write(query)
	if got := p.take(); !bytes.Equal(got, []byte{0x3a, 0x32, 0x12, 0x7e}) {
		t.Errorf("status after paper out % x", got)
	}
	want := []escpossim.Receipt{{Text: "line 1\n", Bytes: 9, Cut: false}}
	if r := s.Receipts(); !reflect.DeepEqual(r, want) || !reflect.DeepEqual(seen, want) {
		t.Errorf("receipts %+v, callback saw %+v", r, seen)
	}
	if s.Discarded() != 14+4 || s.JobBytes() != 9+18 {
		t.Errorf("discarded %d of %d", s.Discarded(), s.JobBytes())
	}
	s.SetPaper(escpossim.PaperOK)
	s.Write([]byte("again\n\x1dV\x42\x00"))
	if r := s.Receipts(); len(r) != 2 || r[1].Text != "again\n" || !r[1].Cut {
		t.Errorf("after reload %+v", r)
	}
}

func TestAutomaticStatusBack(t *testing.T) {
	p := &port{}
	s := escpossim.New(p, nil)
	s.Write([]byte("\x1da\xff"))
	s.SetCover(true)
	s.SetPaper(escpossim.PaperEnd)
	want := []byte{0x10, 0, 0, 0, 0x38, 0, 0, 0, 0x38, 0, 0x0f, 0}
	if got := p.take(); !bytes.Equal(got, want) {
		t.Errorf("blocks % x, want % x", got, want)
	}
}

func TestParseFault(t *testing.T) {
	for _, s := range []string{"none", "silent", "garbage", "paper-out-after=120", "cover-open-after=64", "slow", "slow=300ms"} {
		f, err := escpossim.ParseFault(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFault(%q) = %v, %v", s, f, err)
		}
	}
	for _, s := range []string{"", "paper-out-after", "paper-out-after=x", "cover-open-after", "slow=x", "silent=1", "smoke"} {
		if _, err := escpossim.ParseFault(s); !errors.Is(err, escpossim.ErrBadFault) {
			t.Errorf("ParseFault(%q) accepted", s)
		}
	}
}

func TestBadState(t *testing.T) {
	s := escpossim.New(&port{}, nil)
	if err := s.SetPaper("low"); !errors.Is(err, escpossim.ErrBadState) {
		t.Errorf("SetPaper: %v", err)
	}
	if err := s.SetError("jam"); !errors.Is(err, escpossim.ErrBadState) {
		t.Errorf("SetError: %v", err)
	}
}

// Serve answers on a real pty at a link path, and Close unplugs it.
func TestServe(t *testing.T) {
	link := t.TempDir() + "/ttySIM"
	srv, err := escpossim.Serve(link, &escpossim.Opts{Columns: 32})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan escpossim.Receipt, 1)
	srv.OnReceipt(func(r escpossim.Receipt) { got <- r })
	pt, err := serialport.Open(srv.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	if _, err := pt.Write([]byte("\x1ba\x01hello\n\x1dV\x42\x00\x10\x04\x01")); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-got:
		if r.Text != "             hello\n" {
			t.Errorf("receipt %q", r.Text)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no receipt")
	}
	b := make([]byte, 1)
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := pt.Read(b)
		if n == 1 {
			break
		}
		if !errors.Is(err, serialport.ErrTimeout) || time.Now().After(deadline) {
			t.Fatalf("no status answer: %v", err)
		}
	}
	if b[0] != 0x12 {
		t.Errorf("status 0x%02x", b[0])
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// Run returns when its context ends.
func TestRunStops(t *testing.T) {
	pty, err := serialport.NewPty("")
	if err != nil {
		t.Fatal(err)
	}
	defer pty.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- escpossim.New(pty.Master, nil).Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// FuzzDecode feeds arbitrary bytes to the interpreter, whole and in two pieces through a
// Sim: it never panics, never loses bytes, and reads the same either way.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("\x1b@\x1c&\xd4\xf6\n\x1dV\x42\x00"), 3)
	f.Fuzz(func(t *testing.T, b []byte, cut int) {
		d := escpossim.Decode(b, 32)
		if d.Rest < 0 || d.Rest > len(b) {
			t.Fatalf("rest %d of %d", d.Rest, len(b))
		}
		p := &port{}
		s := escpossim.New(p, &escpossim.Opts{Columns: 32})
		if cut < 0 {
			cut = -cut
		}
		if len(b) > 0 {
			cut %= len(b) + 1
		} else {
			cut = 0
		}
		s.Write(b[:cut])
		s.Write(b[cut:])
		if got := s.Receipts(); len(got) != len(d.Receipts) {
			t.Fatalf("split at %d: %d receipts, whole: %d", cut, len(got), len(d.Receipts))
		}
		if s.Queries() != d.Queries {
			t.Fatalf("split at %d: %d queries, whole: %d", cut, s.Queries(), d.Queries)
		}
	})
}

func TestTakeReceiptsEmptiesTheTray(t *testing.T) {
	s := escpossim.New(&port{}, nil)
	s.Write([]byte("\x1b@first\n\x1dV\x42\x00second\n\x1dV\x42\x00"))
	if got := s.TakeReceipts(); len(got) != 2 || got[0].Text != "first\n" {
		t.Fatalf("taken %+v", got)
	}
	if left := s.Receipts(); len(left) != 0 {
		t.Fatalf("left in the tray %+v", left)
	}
	s.Write([]byte("third\n\x1dV\x42\x00"))
	if got := s.TakeReceipts(); len(got) != 1 || got[0].Text != "third\n" {
		t.Fatalf("after taking: %+v", got)
	}
}
