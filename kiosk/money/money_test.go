package money

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"0": "0.00", "32": "32.00", "476.6": "476.60", "1234.56": "1234.56", "-3.1": "-3.10", " 7.05 ": "7.05"} {
		a, err := Parse(in)
		if err != nil || a.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for _, in := range []string{"", ".5", "5.", "1.234", "1e3", "1,000", "abc", "--1", "+1", "1234567890123456"} {
		if _, err := Parse(in); !errors.Is(err, ErrBadAmount) {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestMulRate(t *testing.T) {
	for _, c := range []struct {
		a    string
		bp   int64
		want string
	}{{"100000.00", 100, "1000.00"}, {"0.50", 300, "0.02"}, {"0.49", 300, "0.01"}, {"333.33", 300, "10.00"}, {"-0.50", 300, "-0.02"}} {
		a, _ := Parse(c.a)
		if got := a.MulRate(c.bp).String(); got != c.want {
			t.Errorf("%s x %d bp = %s, want %s", c.a, c.bp, got, c.want)
		}
	}
}

func TestJSON(t *testing.T) {
	var v struct{ A Amount }
	if err := json.Unmarshal([]byte(`{"A":"12.3"}`), &v); err != nil || v.A != 1230 {
		t.Fatalf("%v %v", v, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":"12.30"}` {
		t.Fatalf("%s", b)
	}
}
