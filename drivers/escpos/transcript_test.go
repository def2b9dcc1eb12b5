package escpos_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/serialport"
)

// step is one exchange of a transcript: the bytes the driver must write, and what the
// printer answers.
type step struct {
	write []byte
	reply []byte
}

// transcript is a port that plays a recorded conversation and fails the test on any
// write it did not expect, or, at cleanup, on expectations left unused.
type transcript struct {
	t     *testing.T
	mu    sync.Mutex
	steps []step
	in    []byte
}

func newTranscript(t *testing.T, steps ...step) *transcript {
	tr := &transcript{t: t, steps: steps}
	t.Cleanup(func() {
		if len(tr.steps) > 0 {
			t.Errorf("%d expected exchanges unused, next write % x", len(tr.steps), tr.steps[0].write)
		}
	})
	return tr
}

func (tr *transcript) Write(b []byte) (int, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.steps) == 0 || !bytes.Equal(b, tr.steps[0].write) {
		want := []byte(nil)
		if len(tr.steps) > 0 {
			want = tr.steps[0].write
		}
		tr.t.Errorf("driver wrote % x, transcript expects % x", b, want)
		return 0, errors.New("unexpected write")
	}
	tr.in = append(tr.in, tr.steps[0].reply...)
	tr.steps = tr.steps[1:]
	return len(b), nil
}

func (tr *transcript) Read(b []byte) (int, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.in) == 0 {
		return 0, serialport.ErrTimeout
	}
	n := copy(b, tr.in)
	tr.in = tr.in[n:]
	return n, nil
}

func statusSteps(a1, a2, a3, a4 byte) []step {
	return []step{
		{[]byte{0x10, 0x04, 0x01}, []byte{a1}},
		{[]byte{0x10, 0x04, 0x02}, []byte{a2}},
		{[]byte{0x10, 0x04, 0x03}, []byte{a3}},
		{[]byte{0x10, 0x04, 0x04}, []byte{a4}},
	}
}

func TestTranscriptPrint(t *testing.T) {
	job := "\x1b\x40\x1c\x26" + "\xd4\xf6\xd6\xb5\xcb\xb0\x0a" + "\x1d\x56\x42\x00"
	var steps []step
	steps = append(steps, statusSteps(0x12, 0x12, 0x12, 0x12)...)
	steps = append(steps, step{write: []byte(job)})
	steps = append(steps, statusSteps(0x12, 0x12, 0x12, 0x1e)...) // near end after the job
	p, err := escpos.New(newTranscript(t, steps...), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Print(context.Background(), &escpos.Job{ID: "T", Doc: new(escpos.Document).Paragraph("增值税").Cut()})
	if err != nil || res.State != escpos.JobPrinted || !res.NearEnd || res.Bytes != len(job) {
		t.Fatalf("Print = %+v, %v", res, err)
	}
}

// At paper end the conversation stops after the status query: no job byte is written.
func TestTranscriptPaperEndSendsNothing(t *testing.T) {
	p, err := escpos.New(newTranscript(t, statusSteps(0x3a, 0x32, 0x12, 0x7e)...), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Print(context.Background(), &escpos.Job{Doc: new(escpos.Document).Paragraph("x").Cut()})
	if !errors.Is(err, escpos.ErrPaperOut) || res.Bytes != 0 {
		t.Fatalf("Print = %+v, %v", res, err)
	}
}

// An automatic status block arriving before an answer is consumed, not taken for it.
func TestTranscriptSkipsASB(t *testing.T) {
	steps := statusSteps(0x12, 0x12, 0x12, 0x12)
	steps[0].reply = []byte{0x38, 0x00, 0x00, 0x00, 0x12}
	p, err := escpos.New(newTranscript(t, steps...), nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Status(context.Background())
	if err != nil || !st.Online || st.CoverOpen {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}
