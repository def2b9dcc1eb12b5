package idcard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

// transcript is a port that expects exact request bytes and plays back the answers, and
// fails the test on a request out of turn or an expectation left unused.
type transcript struct {
	t       *testing.T
	steps   []step
	next    int
	pending bytes.Buffer
}

type step struct{ req, resp string }

func playback(t *testing.T, steps ...step) *transcript {
	tr := &transcript{t: t, steps: steps}
	t.Cleanup(func() {
		if tr.next != len(tr.steps) {
			t.Errorf("%d of %d exchanges unused, next expected % X", len(tr.steps)-tr.next, len(tr.steps), unhexT(t, tr.steps[tr.next].req))
		}
	})
	return tr
}

func (tr *transcript) Write(b []byte) (int, error) {
	if tr.next >= len(tr.steps) {
		tr.t.Fatalf("unexpected request % X", b)
	}
	if want := unhexT(tr.t, tr.steps[tr.next].req); !bytes.Equal(b, want) {
		tr.t.Fatalf("request % X, want % X", b, want)
	}
	tr.pending.Reset()
	tr.pending.Write(unhexT(tr.t, tr.steps[tr.next].resp))
	tr.next++
	return len(b), nil
}

func (tr *transcript) Read(b []byte) (int, error) {
	if tr.pending.Len() == 0 {
		return 0, serialport.ErrTimeout
	}
	return tr.pending.Read(b)
}

func unhexT(t *testing.T, s string) []byte {
	t.Helper()
	var out []byte
	for _, f := range bytes.Fields([]byte(s)) {
		var v byte
		for _, c := range f {
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | (c - '0')
			case c >= 'A' && c <= 'F':
				v = v<<4 | (c - 'A' + 10)
			default:
				t.Fatalf("bad hex %q", f)
			}
		}
		out = append(out, v)
	}
	return out
}

const (
	reqFind   = "AA AA AA 96 69 00 03 20 01 22"
	reqSelect = "AA AA AA 96 69 00 03 20 02 21"
	reqRead   = "AA AA AA 96 69 00 03 30 01 32"
	ansFound  = "AA AA AA 96 69 00 04 00 00 9F 9B"
	ansOK     = "AA AA AA 96 69 00 04 00 00 90 94"
	ansNoCard = "AA AA AA 96 69 00 04 00 00 80 84"
)

func TestTranscriptModuleSawBadChecksum(t *testing.T) {
	tr := playback(t,
		step{reqFind, "AA AA AA 96 69 00 04 00 00 10 14"}, // module: our frame arrived garbled
		step{reqFind, ansNoCard},
	)
	r, _ := idcard.New(tr, nil)
	if _, err := r.ReadCard(context.Background()); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("got %v", err)
	}
}

func TestTranscriptReadAnswerLengthsDisagree(t *testing.T) {
	// A 1295-byte read answer (the right shape) whose length words claim 01 00 text and
	// 04 01 photo: 1285 bytes that the 1284 after the length words cannot hold.
	data := make([]byte, 1284)
	copy(data, []byte{0x01, 0x00, 0x04, 0x01})
	tr := playback(t,
		step{reqFind, ansFound},
		step{reqSelect, ansOK},
		step{reqRead, fmt.Sprintf("% X", idcard.EncodeResponse(0, 0, 0x90, data))},
	)
	r, _ := idcard.New(tr, nil)
	if _, err := r.ReadCard(context.Background()); !errors.Is(err, idcard.ErrBadText) {
		t.Fatalf("got %v", err)
	}
}

func TestTranscriptShortReadAnswerIsNotTheAnswer(t *testing.T) {
	// A success answer of 8 data bytes cannot answer 30 01 (which carries 1284): it is taken
	// for a stale frame, and with no retries the read ends without an answer, never as a
	// card with a bad text block.
	tr := playback(t,
		step{reqFind, ansFound},
		step{reqSelect, ansOK},
		step{reqRead, "AA AA AA 96 69 00 0C 00 00 90 01 00 04 00 00 00 00 00 99"},
	)
	r, _ := idcard.New(tr, &idcard.Opts{ReadTimeout: 200 * time.Millisecond, QuietGap: time.Millisecond, Retries: -1})
	if _, err := r.ReadCard(context.Background()); !errors.Is(err, idcard.ErrNoAnswer) {
		t.Fatalf("got %v, want ErrNoAnswer", err)
	}
}

func TestTranscriptStaleAnswersSkipped(t *testing.T) {
	// Late answers left on the line by earlier requests arrive ahead of the real ones: a
	// find's 9F or 80 while select waits, a select's bare 90 while the text+photo read or a
	// find waits. Each is told apart by its shape: the card read is the right one, and the
	// card lying on the reader is not reported lifted.
	p, _ := idcardsim.PersonaByKey("resident-female")
	text, err := idcard.EncodeText(p.Card)
	if err != nil {
		t.Fatal(err)
	}
	data := append([]byte{0x01, 0x00, 0x04, 0x00}, text...)
	data = append(data, make([]byte, 1024)...)
	tr := playback(t,
		step{reqFind, ansFound},
		step{reqSelect, ansFound + " " + ansOK},
		step{reqRead, ansOK + " " + fmt.Sprintf("% X", idcard.EncodeResponse(0, 0, 0x90, data))},
		step{reqFind, ansOK + " " + ansNoCard},                                                   // a select's 90 is no "card found"
		step{reqSelect, ansNoCard + " AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C"}, // find's late 80 first
	)
	r, _ := idcard.New(tr, nil)
	got, err := r.ReadCard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.IDNumber != p.Card.IDNumber || len(got.Photo) != 1024 {
		t.Fatalf("wrong card: %v", got)
	}
	if on, err := r.Present(context.Background()); err != nil || !on {
		t.Fatalf("Present = %v, %v; want true (select with eight zero bytes)", on, err)
	}
}

func TestTranscriptPresence(t *testing.T) {
	tr := playback(t,
		step{reqFind, ansNoCard},
		step{reqSelect, ansOK}, // read before, still lying there
		step{reqFind, ansNoCard},
		step{reqSelect, "AA AA AA 96 69 00 04 00 00 81 85"},
		step{reqFind, ansFound},
	)
	r, _ := idcard.New(tr, nil)
	for _, want := range []bool{true, false, true} {
		if on, err := r.Present(context.Background()); err != nil || on != want {
			t.Fatalf("Present = %v, %v; want %v", on, err, want)
		}
	}
}

func TestTranscriptUnknownStatus(t *testing.T) {
	tr := playback(t, step{"AA AA AA 96 69 00 03 11 FF ED", "AA AA AA 96 69 00 04 00 00 55 51"})
	r, _ := idcard.New(tr, nil)
	err := r.SAMStatus(context.Background())
	var se *idcard.StatusError
	if !errors.Is(err, idcard.ErrUnknownStatus) || !errors.As(err, &se) || se.SW3 != 0x55 {
		t.Fatalf("got %v", err)
	}
}

// The answers of a CVR-100/SS628-class module, byte for byte as the Android CardInfo serial
// class shows them (../shared/PROTOCOLS.md): find pads 9F with four zero bytes, select pads
// 90 with eight, and the failures carry no data.
const (
	cvrFound        = "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"
	cvrNoCard       = "AA AA AA 96 69 00 04 00 00 80 84"
	cvrSelected     = "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C"
	cvrSelectFailed = "AA AA AA 96 69 00 04 00 00 81 85"
	cvrReadFailed   = "AA AA AA 96 69 00 04 00 00 41 45"
	cvrReadPrefix   = "AA AA AA 96 69 05 08 00 00 90"
)

// cvrReadAnswer is the 1,295-byte text+photo answer for a persona's card.
func cvrReadAnswer(t *testing.T, key string) (idcardsim.Persona, string) {
	t.Helper()
	p, _ := idcardsim.PersonaByKey(key)
	text, err := idcard.EncodeText(p.Card)
	if err != nil {
		t.Fatal(err)
	}
	data := append([]byte{0x01, 0x00, 0x04, 0x00}, text...)
	data = append(data, p.Card.Photo...)
	frame := idcard.EncodeResponse(0, 0, 0x90, data)
	if len(frame) != 1295 || !bytes.HasPrefix(frame, unhexT(t, cvrReadPrefix)) {
		t.Fatalf("read answer is %d bytes starting % X, want 1295 starting %s", len(frame), frame[:10], cvrReadPrefix)
	}
	return p, fmt.Sprintf("% X", frame)
}

func TestTranscriptCVR100(t *testing.T) {
	p, read := cvrReadAnswer(t, "resident-male")
	tr := playback(t,
		step{reqFind, cvrNoCard},
		step{reqFind, cvrFound},
		step{reqSelect, cvrSelected},
		step{reqRead, read},
		step{reqFind, cvrNoCard}, // read once: find fails until the card is placed again
		step{reqSelect, cvrSelected},
		step{reqFind, cvrNoCard},
		step{reqSelect, cvrSelectFailed}, // lifted
	)
	r, _ := idcard.New(tr, nil)
	ctx := context.Background()
	if _, err := r.ReadCard(ctx); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("empty reader: got %v, want ErrNoCard", err)
	}
	got, err := r.ReadCard(ctx)
	if err != nil {
		t.Fatalf("card on a CVR-100: %v", err)
	}
	if got.IDNumber != p.Card.IDNumber || got.Name != p.Card.Name || len(got.Photo) != 1024 {
		t.Fatalf("wrong card: %v", got)
	}
	for _, want := range []bool{true, false} {
		if on, err := r.Present(ctx); err != nil || on != want {
			t.Fatalf("Present = %v, %v; want %v", on, err, want)
		}
	}
}

func TestTranscriptCVR100Failures(t *testing.T) {
	tr := playback(t,
		step{reqFind, cvrFound},
		step{reqSelect, cvrSelectFailed}, // lifted between find and select
		step{reqFind, cvrFound},
		step{reqSelect, cvrSelected},
		step{reqRead, cvrReadFailed}, // the read failed
		step{reqSelect, cvrSelected}, // and the card still lies there: not lifted
	)
	r, _ := idcard.New(tr, &idcard.Opts{Retries: -1})
	ctx := context.Background()
	if _, err := r.ReadCard(ctx); !errors.Is(err, idcard.ErrCardLifted) {
		t.Fatalf("select failed: got %v, want ErrCardLifted", err)
	}
	_, err := r.ReadCard(ctx)
	var se *idcard.StatusError
	if !errors.As(err, &se) || se.SW3 != 0x41 || errors.Is(err, idcard.ErrCardLifted) {
		t.Fatalf("read failed with the card still there: got %v, want SW3 41, not lifted", err)
	}
}

// The simulator is the fake for a CVR-100: by default it must send the same bytes over a
// real pty; Bare leaves the padding out.
func TestSimAnswersLikeCVR100(t *testing.T) {
	_, read := cvrReadAnswer(t, "resident-male")
	for _, tc := range []struct {
		bare            bool
		found, selected string
	}{
		{false, cvrFound, cvrSelected},
		{true, ansFound, ansOK},
	} {
		link := filepath.Join(t.TempDir(), "ttyIDCARD")
		opts := quickSim()
		opts.Bare, opts.Persona = tc.bare, "resident-male"
		_, stop := startSim(t, link, opts)
		port, err := serialport.Open(link, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range []struct{ req, want string }{
			{reqFind, tc.found},
			{reqSelect, tc.selected},
			{reqRead, read},
			{reqFind, cvrNoCard}, // read once: find fails until the card is placed again
		} {
			want := unhexT(t, ex.want)
			if _, err := port.Write(unhexT(t, ex.req)); err != nil {
				t.Fatal(err)
			}
			got := readN(t, port, len(want))
			if !bytes.Equal(got, want) {
				t.Errorf("bare=%v: %s answered % X, want %s", tc.bare, ex.req, got[:min(len(got), 20)], ex.want[:min(len(ex.want), 60)])
			}
		}
		port.Close()
		stop()
	}
}

// readN reads n bytes from a port whose reads time out, within the tests' patience.
func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	deadline := time.Now().Add(patience)
	for len(out) < n && time.Now().Before(deadline) {
		k, err := r.Read(buf[:n-len(out)])
		out = append(out, buf[:k]...)
		if err != nil && !errors.Is(err, serialport.ErrTimeout) {
			t.Fatalf("read: %v", err)
		}
	}
	return out
}
