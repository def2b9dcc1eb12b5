package main

import (
	"errors"
	"testing"
	"time"
)

func TestParseCPUWindow(t *testing.T) {
	for _, c := range []struct {
		in   string
		want cpuWindow
	}{
		{"/tmp/idle.pprof,30", cpuWindow{file: "/tmp/idle.pprof", length: 30 * time.Second}},
		{"idle.pprof,30,10", cpuWindow{file: "idle.pprof", length: 30 * time.Second, after: 10 * time.Second}},
		{"idle.pprof,0.5,0", cpuWindow{file: "idle.pprof", length: 500 * time.Millisecond}},
	} {
		got, err := parseCPUWindow(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseCPUWindow(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "idle.pprof", ",30", "idle.pprof,", "idle.pprof,0", "idle.pprof,-3", "idle.pprof,30s", "idle.pprof,30,x", "a,1,2,3"} {
		if _, err := parseCPUWindow(in); !errors.Is(err, errProfileSetting) {
			t.Errorf("parseCPUWindow(%q): %v, want errProfileSetting", in, err)
		}
	}
}
