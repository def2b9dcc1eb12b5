package creditcode

import (
	"errors"
	"testing"
)

// The example from the protocol notes: 91350100M000100Y4 -> sum 1640 -> 1640 mod 31 = 28 -> 3.
func TestCheckCharFromTheStandard(t *testing.T) {
	c, err := CheckChar("91350100M000100Y4")
	if err != nil || c != '3' {
		t.Fatalf("CheckChar = %c, %v; want 3", c, err)
	}
	if err := Check("91350100M000100Y43"); err != nil {
		t.Fatal(err)
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		code string
		want error
	}{
		{"91350100M000100Y43", nil},
		{"91350100M000100Y44", ErrCheck},
		{"91350100M000100Y4", ErrLength},
		{"91350100M000100YI3", ErrChar}, // I is never used
		{"91350100m000100Y43", ErrChar}, // lower case is not normalized here
	} {
		if err := Check(c.code); !errors.Is(err, c.want) {
			t.Errorf("Check(%q) = %v, want %v", c.code, err, c.want)
		}
	}
	if got := Normalize(" 9135 0100m000100y43 "); got != "91350100M000100Y43" {
		t.Fatalf("Normalize = %q", got)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		err := Check(s)
		if err == nil {
			// every valid code recomputes to itself
			c, _ := CheckChar(s[:Len-1])
			if c != s[Len-1] {
				t.Fatalf("accepted %q with check %c", s, c)
			}
		}
	})
}
