package serialport

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestLineSurvivesReplug unplugs the device (closes the pty) and plugs a new one in at the
// same configured path: the Line reports the absence and then carries bytes again.
func TestLineSurvivesReplug(t *testing.T) {
	link := filepath.Join(t.TempDir(), "ttyREADER")
	pty, err := NewPty(link)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLine(link, &Opts{ReadTimeout: 100 * time.Millisecond})
	l.RetryEvery = 10 * time.Millisecond
	defer l.Close()

	if _, err := l.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	pty.Close()
	var absent error
	for i := 0; i < 20 && absent == nil; i++ {
		_, err := l.Read(make([]byte, 1))
		if errors.Is(err, ErrGone) || errors.Is(err, ErrNoDevice) {
			absent = err
		}
	}
	if absent == nil {
		t.Fatal("unplugged device never reported as absent")
	}

	pty2, err := NewPty(link)
	if err != nil {
		t.Fatal(err)
	}
	defer pty2.Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, err := l.Write([]byte("b")); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("replugged device not reopened: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1)
	if _, err := pty2.Master.Read(buf); err != nil || buf[0] != 'b' {
		t.Fatalf("replugged device got %q, %v", buf, err)
	}
	if l.Opens() != 2 {
		t.Fatalf("Opens = %d, want 2", l.Opens())
	}
}
