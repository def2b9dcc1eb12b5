package jsontime_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"taxkiosk/kiosk/jsontime"
)

func TestDurationJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{`"60s"`, time.Minute},
		{`"1m30s"`, 90 * time.Second},
		{`"72h"`, 72 * time.Hour},
		{`"-2s"`, -2 * time.Second},
		{`"0s"`, 0},
	} {
		var d jsontime.Duration
		if err := json.Unmarshal([]byte(c.in), &d); err != nil || d.Std() != c.want {
			t.Errorf("%s: %v, %v; want %v", c.in, d, err, c.want)
		}
		back, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var again jsontime.Duration
		if err := json.Unmarshal(back, &again); err != nil || again != d {
			t.Errorf("%s round trip: %s -> %v, %v", c.in, back, again, err)
		}
	}
}

func TestDurationRefused(t *testing.T) {
	for _, in := range []string{`60`, `null1`, `true`, `{}`} {
		var d jsontime.Duration
		if err := json.Unmarshal([]byte(in), &d); !errors.Is(err, jsontime.ErrNotString) && in != `null1` {
			t.Errorf("%s: %v, want ErrNotString", in, err)
		} else if err == nil {
			t.Errorf("%s accepted as %v", in, d)
		}
	}
	for _, in := range []string{`"sixty"`, `"60"`, `""`} {
		d := jsontime.Duration(time.Second)
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s accepted as %v", in, d)
		} else if d != jsontime.Duration(time.Second) {
			t.Errorf("%s: refused but changed the value to %v", in, d)
		}
	}
}

func ExampleDuration() {
	b, _ := json.Marshal(struct {
		Idle jsontime.Duration `json:"idle_timeout"`
	}{jsontime.Duration(90 * time.Second)})
	fmt.Println(string(b))
	// Output: {"idle_timeout":"1m30s"}
}
