package scannersim

import (
	"bytes"
	"testing"
)

// TestTriggerAcrossWrites feeds a trigger command cut in two, as a UART delivers it, and
// checks that the held code goes out once, after the whole command.
func TestTriggerAcrossWrites(t *testing.T) {
	var line bytes.Buffer
	on, off := []byte{0x16, 0x54, 0x0D}, []byte{0x16, 0x55, 0x0D}
	s := New(&line, &Opts{Suffix: "\r\n", Command: true, TriggerOn: on, TriggerOff: off})
	if err := s.Scan([]byte("CODE1")); err != nil {
		t.Fatal(err)
	}
	if line.Len() != 0 || s.Held() != 1 {
		t.Fatalf("sent %q before a trigger", line.Bytes())
	}
	if err := s.receive([]byte{0x00, 0x16}); err != nil {
		t.Fatal(err)
	}
	if line.Len() != 0 {
		t.Fatal("half a command triggered the engine")
	}
	if err := s.receive([]byte{0x54, 0x0D}); err != nil {
		t.Fatal(err)
	}
	if got := line.String(); got != "CODE1\r\n" {
		t.Fatalf("engine sent %q", got)
	}
	if s.Armed() {
		t.Fatal("session still open after a decode")
	}
	if err := s.receive(append(append([]byte(nil), on...), off...)); err != nil {
		t.Fatal(err)
	}
	if s.Armed() {
		t.Fatal("TriggerOff after TriggerOn left the engine armed")
	}
	tr := s.Triggers()
	if len(tr) != 3 || !bytes.Equal(tr[0], on) || !bytes.Equal(tr[1], on) || !bytes.Equal(tr[2], off) {
		t.Fatalf("triggers % X", tr)
	}
}

func TestFaults(t *testing.T) {
	var line bytes.Buffer
	s := New(&line, nil)
	if err := s.Garbage(1000); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(line.Bytes(), "\r\n") || line.Len() != 1000 {
		t.Fatalf("garbage of %d bytes holds a suffix byte", line.Len())
	}
	line.Reset()
	if err := s.Overlong(5000); err != nil {
		t.Fatal(err)
	}
	if line.Len() != 5001 || !bytes.HasSuffix(line.Bytes(), []byte("\r")) {
		t.Fatalf("overlong: %d bytes", line.Len())
	}
}

func TestSamples(t *testing.T) {
	labels := map[string]bool{}
	for _, s := range SampleCodes() {
		if len(s.Payload) == 0 || labels[s.Label] {
			t.Fatalf("sample %q empty or repeated", s.Label)
		}
		labels[s.Label] = true
	}
	if got := string(ReceiptCode("K1", "T1")); got != "TK1:K1:T1" {
		t.Fatalf("ReceiptCode = %q", got)
	}
}
