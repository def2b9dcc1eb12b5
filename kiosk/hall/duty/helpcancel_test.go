package duty

import (
	"context"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/txn"
)

// TestCancelledCallInTheLog (issue 12): a call the taxpayer withdrew at the kiosk is not
// counted open on the board, is listed 已取消 in the day's duty log, and the day's figures
// count the cancels the hall approved (a refused one withdrew nothing).
func TestCancelledCallInTheLog(t *testing.T) {
	f := newHallFixture(t)
	f.day(t)
	ctx := context.Background()
	at := f.base.Add(3 * time.Hour)
	if _, err := f.staff.AddHelpCall(ctx, staff.HelpCall{ID: "K1/h2", KioskID: "K1", Number: "00000012", CalledAt: at, State: staff.HelpWaiting}); err != nil {
		t.Fatal(err)
	}
	if _, err := staff.Cancel(ctx, f.staff, "K1/h2", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	cancels := []hall.Entry{
		entry("K1", "c1", txn.KindHelpCancel, at.Add(time.Minute), `{"call":"h2"}`, txn.Approved),
		entry("K1", "c2", txn.KindHelpCancel, at.Add(2*time.Minute), `{"call":"nope"}`, txn.Rejected),
	}
	for i := range cancels {
		cancels[i].ReceivedAt = at.Add(time.Minute)
	}
	if _, err := f.store.PutBatch(ctx, "K1", cancels); err != nil {
		t.Fatal(err)
	}
	c, _ := f.login(t, "duty1")
	if _, board := f.get(t, c, "/duty"); !strings.Contains(board, `id="help-open">1<`) {
		t.Error("the board counts the cancelled call open")
	}
	_, log := f.get(t, c, "/duty/log")
	if !strings.Contains(log, "已取消") {
		t.Errorf("the duty log does not list the cancelled call:\n%s", log)
	}
	f.get(t, c, "/duty?lang=en")
	_, csv := f.get(t, c, "/duty/log.csv")
	if !strings.Contains(csv, ",Calls cancelled,1,") || !strings.Contains(csv, ",Cancelled,") {
		t.Errorf("the day's figures count the cancels wrong:\n%s", csv)
	}
}
