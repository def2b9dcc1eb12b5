package terminal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/demo"
	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/terminal"
	"taxkiosk/kiosk/terminal/terminaltest"
)

// TestHeartbeatReachesTheHall: the assembled kiosk tells its hall (mutual TLS, signed) how
// it is, its devices, paper and certificate included, follows the printer running out of
// paper, and keeps the hall's notices for its idle screen.
func TestHeartbeatReachesTheHall(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	k := terminaltest.Start(t, terminaltest.Options{
		Before: func(d *demo.Demo) {
			n := hall.StoredNotice{Notice: hallapi.Notice{ID: "n1", Title: hallapi.Text{ZH: "元旦假期办税安排"},
				Start: now.Add(-time.Hour), End: now.Add(time.Hour)}}
			if err := d.Hall.Fleet().PutNotice(ctx, n); err != nil {
				t.Fatal(err)
			}
		},
		Tune: func(o *terminal.Opts) { o.HeartbeatEvery, o.Version = 100*time.Millisecond, "0.1.9-test" },
	})
	beat := func() (hallapi.Heartbeat, bool) {
		bs, err := k.Demo.Hall.Fleet().Beats(ctx)
		if err != nil || len(bs) != 1 {
			return hallapi.Heartbeat{}, false
		}
		return bs[0].Heartbeat, true
	}
	wait := func(what string, ok func(hallapi.Heartbeat) bool) hallapi.Heartbeat {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if hb, got := beat(); got && ok(hb) {
				return hb
			}
			time.Sleep(20 * time.Millisecond)
		}
		hb, _ := beat()
		t.Fatalf("no heartbeat with %s; last %+v", what, hb)
		return hb
	}
	hb := wait("the printer's paper known", func(hb hallapi.Heartbeat) bool { return hb.Paper == hallapi.PaperOK })
	if hb.KioskID != "TEST-01" || hb.State != hallapi.StateInService || hb.Version != "0.1.9-test" || len(hb.Devices) < 3 ||
		hb.CertExpiry.Before(now) || hb.PaperLeft <= 0 {
		t.Fatalf("heartbeat %+v", hb)
	}
	if err := k.Demo.SetPaper("end"); err != nil {
		t.Fatal(err)
	}
	wait("paper out", func(hb hallapi.Heartbeat) bool { return hb.Paper == hallapi.PaperOut })
	// The duty leader sees it on the demo's staff pages.
	board := staffLogin(t, k.Demo, "duty").page("/duty")
	for _, want := range []string{`data-kiosk="TEST-01" data-state="in_service"`, "1号自助办税终端", "缺纸", "打印机缺纸", "0.1.9-test"} {
		if !strings.Contains(board, want) {
			t.Errorf("the duty board lacks %q", want)
		}
	}
	if k.Term.Notices() == nil {
		t.Fatal("no notices cache")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		ns, _, err := k.Term.Notices().Current(time.Now())
		if err == nil && len(ns) == 1 && ns[0].Title.ZH == "元旦假期办税安排" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notices on the kiosk: %+v %v", ns, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
