package creditcode

import (
	"errors"
	"strings"
	"testing"

	"taxkiosk/kiosk/creditcode/creditcodetest"
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

// TestPublishedCodes checks real enterprises' codes, published by others, one for each of the
// 31 check characters (creditcodetest.Published says where each comes from): a wrong weight or
// a wrong alphabet turns some of them down.
func TestPublishedCodes(t *testing.T) {
	checks := map[byte]bool{}
	for _, code := range creditcodetest.Published {
		if err := Check(code); err != nil {
			t.Errorf("Check(%s) = %v", code, err)
		}
		if c, err := CheckChar(code[:Len-1]); err != nil || c != code[Len-1] {
			t.Errorf("CheckChar(%s) = %c, %v; published %c", code[:Len-1], c, err, code[Len-1])
		}
		checks[code[Len-1]] = true
	}
	if len(checks) != len(Alphabet) {
		t.Fatalf("the published codes cover %d of the %d check characters", len(checks), len(Alphabet))
	}
	// An early pilot's code that fails the standard's check (hutool's CreditCodeUtilTest).
	if err := Check("91350211M00013FA1N"); !errors.Is(err, ErrCheck) {
		t.Fatalf("pilot code: %v, want ErrCheck", err)
	}
}

// FuzzCheck compares Check with creditcodetest.Valid, a formulation written apart from it
// (weights computed, characters valued by range, the check verified as a sum 0 mod 31).
func FuzzCheck(f *testing.F) {
	for _, code := range creditcodetest.Published {
		f.Add(code)
	}
	f.Add("91350100M000100Y43")
	f.Add("91350211M00013FA1N")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Check(s) == nil, creditcodetest.Valid(s); got != want {
			t.Fatalf("Check(%q) accepts=%v, the independent formulation %v", s, got, want)
		}
		// Any 17 characters of the alphabet have exactly one check character.
		if len(s) >= Len-1 {
			var b strings.Builder
			for i := 0; i < Len-1; i++ {
				b.WriteByte(Alphabet[int(s[i])%len(Alphabet)])
			}
			first := b.String()
			c, err := CheckChar(first)
			if err != nil || !creditcodetest.Valid(first+string(c)) {
				t.Fatalf("CheckChar(%q) = %c, %v: not valid to the independent formulation", first, c, err)
			}
		}
	})
}
