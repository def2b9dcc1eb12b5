package boltstaff

import (
	"path/filepath"
	"testing"

	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/stafftest"
)

func TestStoreSuite(t *testing.T) {
	stafftest.Run(t, func(t *testing.T) staff.Store {
		s, err := Open(filepath.Join(t.TempDir(), "staff.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}

func TestOpenHeldFileRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(path); err == nil {
		t.Fatal("a file held by another store opened")
	}
}
