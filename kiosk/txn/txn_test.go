package txn

import (
	"regexp"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张伟", "张*"},
		{"欧阳娜娜", "欧***"},
		{"ZHANG WEI", "Z**** W**"},
		{"", ""},
	} {
		if got := MaskName(c.in); got != c.want {
			t.Errorf("MaskName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := MaskID("41040219800101123X"); got != "4104**********123X" {
		t.Errorf("MaskID = %q", got)
	}
	if got := MaskID("1234"); got != "****" {
		t.Errorf("short MaskID = %q", got)
	}
	tp := &Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"}
	if s := tp.String(); strings.Contains(s, "伟") || strings.Contains(s, "19800101") {
		t.Errorf("Taxpayer.String leaks personal data: %q", s)
	}
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
