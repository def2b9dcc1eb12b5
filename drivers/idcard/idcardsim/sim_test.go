package idcardsim_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// conv talks to a Sim over a pty the way a host program would, with frames from the doc.
type conv struct {
	t    *testing.T
	port *serialport.Port
	sim  *idcardsim.Sim
}

func newConv(t *testing.T, opts *idcardsim.Opts) *conv {
	t.Helper()
	sim, err := idcardsim.Open("", opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	port, err := serialport.Open(sim.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		port.Close()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
		sim.Close()
	})
	return &conv{t: t, port: port, sim: sim}
}

// ask sends raw request bytes and returns the raw answer frame.
func (c *conv) ask(req string) []byte {
	c.t.Helper()
	if _, err := c.port.Write(unhex(c.t, req)); err != nil {
		c.t.Fatal(err)
	}
	head := c.read(7)
	n := int(head[5])<<8 | int(head[6])
	return append(head, c.read(n)...)
}

func (c *conv) read(n int) []byte {
	c.t.Helper()
	out := make([]byte, 0, n)
	deadline := time.Now().Add(20 * time.Second)
	for len(out) < n {
		buf := make([]byte, n-len(out))
		k, err := c.port.Read(buf)
		if err != nil && !errors.Is(err, serialport.ErrTimeout) {
			c.t.Fatal(err)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("only %d of %d bytes", len(out), n)
		}
		out = append(out, buf[:k]...)
	}
	return out
}

func quick() *idcardsim.Opts {
	return &idcardsim.Opts{FindDelay: -1, SelectDelay: -1, ReadDelay: -1}
}

const (
	find   = "AA AA AA 96 69 00 03 20 01 22"
	sel    = "AA AA AA 96 69 00 03 20 02 21"
	read   = "AA AA AA 96 69 00 03 30 01 32"
	samID  = "AA AA AA 96 69 00 03 12 FF EE"
	badCmd = "AA AA AA 96 69 00 03 77 01 75"
)

func TestPresenceRule(t *testing.T) {
	c := newConv(t, quick())
	expect := func(req, want string) {
		t.Helper()
		if got := c.ask(req); !bytes.Equal(got, unhex(t, want)) {
			t.Fatalf("asked % X\n got % X\nwant %s", unhex(t, req), got, want)
		}
	}
	expect(find, "AA AA AA 96 69 00 04 00 00 80 84")
	expect(sel, "AA AA AA 96 69 00 04 00 00 81 85")
	p, _ := idcardsim.PersonaByKey("resident-male")
	if err := c.sim.Place(p.Card, p.Card.Photo); err != nil {
		t.Fatal(err)
	}
	expect(find, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	expect(find, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97") // not read yet: still found
	expect(sel, "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")

	ans := c.ask(read)
	if len(ans) != 1295 || !bytes.Equal(ans[:14], unhex(t, "AA AA AA 96 69 05 08 00 00 90 01 00 04 00")) {
		t.Fatalf("read answer of %d bytes, head % X", len(ans), ans[:14])
	}
	resp, err := idcard.ReadResponse(bytes.NewReader(ans))
	if err != nil {
		t.Fatal(err)
	}
	// Name at offset 0 of the text, UCS-2 LE: 张 = U+5F20.
	if resp.Data[4] != 0x20 || resp.Data[5] != 0x5F {
		t.Fatalf("text starts % X", resp.Data[4:8])
	}
	if !bytes.Equal(resp.Data[4+256:], p.Card.Photo) {
		t.Fatal("photo bytes changed")
	}

	expect(find, "AA AA AA 96 69 00 04 00 00 80 84")                        // read: must be lifted first
	expect(sel, "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C") // but it still lies there
	c.sim.Lift()
	expect(sel, "AA AA AA 96 69 00 04 00 00 81 85")
	expect(read, "AA AA AA 96 69 00 04 00 00 41 45")
	c.sim.Place(p.Card, p.Card.Photo)
	expect(find, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	expect(badCmd, "AA AA AA 96 69 00 04 00 00 21 25")
	// A request with a bad CHK is answered 10, as the module does.
	expect("AA AA AA 96 69 00 03 20 01 23", "AA AA AA 96 69 00 04 00 00 10 14")
	if got := c.ask(samID); len(got) != 7+3+16+1 {
		t.Fatalf("SAM ID answer % X", got)
	}
}

func TestFaults(t *testing.T) {
	c := newConv(t, quick())
	c.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultSAM})
	if got := c.ask(find); got[9] != 0x60 {
		t.Fatalf("SAM fault answered % X", got)
	}
	c.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultBadChecksumOnce})
	bad := c.ask(find)
	if _, err := idcard.ReadResponse(bytes.NewReader(bad)); !errors.Is(err, idcard.ErrFrameChecksum) {
		t.Fatalf("bad-checksum-once: %v", err)
	}
	if _, err := idcard.ReadResponse(bytes.NewReader(c.ask(find))); err != nil {
		t.Fatalf("the fault should clear after one answer: %v", err)
	}
	c.sim.SetFault(idcardsim.Fault{Kind: idcardsim.FaultGarbage})
	c.port.Write(unhex(t, find))
	raw := c.read(7 + 11)
	if bytes.HasPrefix(raw, unhex(t, "AA AA AA 96 69")) {
		t.Fatal("no garbage before the frame")
	}
	if resp, err := idcard.ReadResponse(bytes.NewReader(raw)); err != nil || resp.SW3 != 0x80 {
		t.Fatalf("frame after garbage: %v", err)
	}
}

func TestPersonas(t *testing.T) {
	ps := idcardsim.Personas()
	if len(ps) < 5 {
		t.Fatalf("%d personas", len(ps))
	}
	keys := map[string]bool{}
	types := map[string]bool{}
	for _, p := range ps {
		if keys[p.Key] || p.Label == "" {
			t.Errorf("persona %q: duplicate key or no label", p.Key)
		}
		keys[p.Key] = true
		types[p.Card.CardType+p.Card.CardVersion] = true
		if len(p.Card.Photo) != idcardsim.PhotoLen {
			t.Errorf("%s: photo of %d bytes", p.Key, len(p.Card.Photo))
		}
		if len(p.Card.IDNumber) == 18 && !idcard.ValidIDNumber(p.Card.IDNumber) {
			t.Errorf("%s: ID number fails its check digit", p.Key)
		}
		if p.Card.CardType != idcard.TypeForeignPermanent && !strings.HasPrefix(p.Card.Address, "河南省平顶山市卫东区") {
			t.Errorf("%s: address outside the hall's district", p.Key)
		}
		block, err := idcard.EncodeText(p.Card)
		if err != nil {
			t.Errorf("%s: %v", p.Key, err)
			continue
		}
		back, err := idcard.ParseText(block)
		if err != nil || back.IDNumber != p.Card.IDNumber {
			t.Errorf("%s: text block does not parse back: %v", p.Key, err)
		}
	}
	for _, want := range []string{"resident", "hmt_residence_permit", "foreign_permanent01", "foreign_permanent2023"} {
		if !types[want] {
			t.Errorf("no persona of type %s", want)
		}
	}
	if _, err := idcardsim.Open("", &idcardsim.Opts{Persona: "nobody"}); !errors.Is(err, idcardsim.ErrNoPersona) {
		t.Error("unknown persona accepted")
	}
}

func TestDelays(t *testing.T) {
	d := idcardsim.New(nil, nil).Delays()
	if d != (idcardsim.Delays{Find: 20 * time.Millisecond, Select: 20 * time.Millisecond, Read: 300 * time.Millisecond}) {
		t.Fatalf("default delays %+v", d)
	}
	if d := idcardsim.New(nil, quick()).Delays(); d != (idcardsim.Delays{}) {
		t.Fatalf("negative delays should be none: %+v", d)
	}
}

func TestRunEndsWhenPortCloses(t *testing.T) {
	sim, err := idcardsim.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(context.Background()) }()
	sim.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after Close: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after Close")
	}
}

func TestParseFault(t *testing.T) {
	cases := []struct {
		in   string
		want idcardsim.Fault
	}{
		{"none", idcardsim.Fault{}},
		{"garbage", idcardsim.Fault{Kind: idcardsim.FaultGarbage}},
		{"bad-checksum-once", idcardsim.Fault{Kind: idcardsim.FaultBadChecksumOnce}},
		{"silent", idcardsim.Fault{Kind: idcardsim.FaultSilent}},
		{"sam", idcardsim.Fault{Kind: idcardsim.FaultSAM}},
		{"slow", idcardsim.Fault{Kind: idcardsim.FaultSlow, Delay: time.Second}},
		{"slow=250ms", idcardsim.Fault{Kind: idcardsim.FaultSlow, Delay: 250 * time.Millisecond}},
		{"lift-mid-read", idcardsim.Fault{Kind: idcardsim.FaultLiftMidRead}},
		{"lift-mid-read=80", idcardsim.Fault{Kind: idcardsim.FaultLiftMidRead, SW3: 0x80}},
		{"late-once", idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Delay: idcardsim.DefaultLateDelay}},
		{"late-once=2s", idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Delay: 2 * time.Second}},
		{"late-once@select", idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Delay: idcardsim.DefaultLateDelay, Cmd: 0x20, Para: 0x02}},
		{"late-once=1s@read", idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Delay: time.Second, Cmd: 0x30, Para: 0x01}},
	}
	for _, tc := range cases {
		got, err := idcardsim.ParseFault(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "smoke", "slow=x", "lift-mid-read=zz", "late-once=", "late-once@door", "late-oncex", "silent=1"} {
		if _, err := idcardsim.ParseFault(in); !errors.Is(err, idcardsim.ErrBadFault) {
			t.Errorf("ParseFault(%q) accepted: %v", in, err)
		}
	}
}
