package serialport

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"
)

func TestPtyRoundTrip(t *testing.T) {
	pty, err := NewPty(filepath.Join(t.TempDir(), "ttySIM0"))
	if err != nil {
		t.Fatal(err)
	}
	defer pty.Close()
	port, err := Open(pty.Path(), &Opts{Baud: 115200, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()

	// Every byte value must cross unchanged: the protocols are binary.
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	if _, err := pty.Master.Write(all); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 0, 256)
	buf := make([]byte, 64)
	for len(got) < len(all) {
		n, err := port.Read(buf)
		if err != nil {
			t.Fatalf("read after %d bytes: %v", len(got), err)
		}
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, all) {
		t.Fatalf("driver side got %x", got)
	}

	if _, err := port.Write(all); err != nil {
		t.Fatal(err)
	}
	back := make([]byte, 256)
	if _, err := io.ReadFull(pty.Master, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, all) {
		t.Fatalf("simulator side got %x", back)
	}
}

func TestReadTimeoutAndGone(t *testing.T) {
	pty, err := NewPty("")
	if err != nil {
		t.Fatal(err)
	}
	port, err := Open(pty.SlavePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	if _, err := port.Read(make([]byte, 8)); !errors.Is(err, ErrTimeout) {
		t.Fatalf("idle line: got %v, want ErrTimeout", err)
	}
	pty.Close()
	if _, err := port.Read(make([]byte, 8)); !errors.Is(err, ErrGone) {
		t.Fatalf("after hang-up: got %v, want ErrGone", err)
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nothing"), nil); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("got %v, want ErrNoDevice", err)
	}
}
