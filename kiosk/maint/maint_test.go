package maint

import (
	"strings"
	"testing"
	"time"
)

func TestPINHashes(t *testing.T) {
	h, err := HashPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "246810") || !strings.HasPrefix(h, "scrypt$32768$8$1$") {
		t.Fatalf("hash %q", h)
	}
	other, _ := HashPIN("135791")
	if !VerifyPIN([]string{other, h}, "246810") || VerifyPIN([]string{h}, "246811") || VerifyPIN(nil, "246810") {
		t.Fatal("verification wrong")
	}
	h2, _ := HashPIN("246810")
	if h2 == h {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
	for _, bad := range []string{"12345", "1234567890123", "12a456", ""} {
		if _, err := HashPIN(bad); err != ErrPIN {
			t.Errorf("HashPIN(%q) = %v", bad, err)
		}
	}
	if err := ValidateHashes([]string{h, "md5$abc"}); err == nil {
		t.Fatal("a foreign hash passed validation")
	}
	if VerifyPIN([]string{"scrypt$2$1$1$AAAA$AAAA"}, "246810") {
		t.Fatal("a weak or malformed hash matched")
	}
}

// TestLockoutSchedule: five wrong PINs lock for a minute, the next five for two, then four;
// a right PIN clears the count.
func TestLockoutSchedule(t *testing.T) {
	var l Lockout
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	for round, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		for i := 1; i <= FailuresPerLock; i++ {
			if w := l.Wait(now); w != 0 {
				t.Fatalf("round %d try %d: locked for %v before the fifth failure", round, i, w)
			}
			got := l.Fail(now)
			if i < FailuresPerLock && got != 0 {
				t.Fatalf("round %d: locked after %d failures", round, i)
			}
			if i == FailuresPerLock && got != want {
				t.Fatalf("round %d: lock %v, want %v", round, got, want)
			}
		}
		if w := l.Wait(now.Add(want - time.Second)); w != time.Second {
			t.Fatalf("round %d: %v left a second before the end", round, w)
		}
		now = now.Add(want)
		if l.Wait(now) != 0 {
			t.Fatalf("round %d: still locked at the end", round)
		}
	}
	l.Succeed()
	if l.Failures() != 0 || l.Fail(now) != 0 {
		t.Fatal("a right PIN did not clear the count")
	}
	var m Lockout
	for i := 0; i < 200; i++ {
		m.Fail(now)
	}
	if w := m.Wait(now); w != MaxLock {
		t.Fatalf("lock grew past the cap: %v", w)
	}
}

func TestCardAllowList(t *testing.T) {
	const tech = "410403196804153016"
	h, err := HashCard(tech)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, tech) || strings.Contains(h, tech[6:14]) {
		t.Fatalf("the number shows in its hash: %q", h)
	}
	if !VerifyCard([]string{h}, tech) || VerifyCard([]string{h}, "410403199208182025") {
		t.Fatal("card verification wrong")
	}
	// A card entry never opens the PIN pad's way in, nor a PIN entry the card's.
	pin, _ := HashPIN("246810")
	if VerifyPIN([]string{h}, tech) || VerifyCard([]string{pin}, "246810") {
		t.Fatal("card and PIN hashes are interchangeable")
	}
	for _, bad := range []string{"", "12345", "41040319680415301x", "4104031968041530160"} {
		if _, err := HashCard(bad); err != ErrCardNumber {
			t.Errorf("HashCard(%q) = %v", bad, err)
		}
	}
	if _, err := HashCard("CAN410080052601"); err != nil {
		t.Errorf("a foreigner's permanent residence number refused: %v", err)
	}
}
