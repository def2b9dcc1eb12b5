package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// send posts one transaction of kiosk k as its outbox would and returns the hall's result.
func send(t *testing.T, k *hallapi.Client, kiosk string, tx txn.Txn) txn.Result {
	t.Helper()
	tx.KioskID, tx.CreatedAt = kiosk, time.Now().UTC()
	resp, err := k.SendBatch(context.Background(), hallapi.Batch{KioskID: kiosk, Txns: []txn.Txn{tx}})
	if err != nil || len(resp.Accepted) != 1 || len(resp.Results) != 1 {
		t.Fatalf("%s %s: %+v %v", kiosk, tx.Kind, resp, err)
	}
	return resp.Results[0].Result
}

func cancelBody(call string) json.RawMessage {
	b, _ := json.Marshal(hallapi.HelpCancelBody{Call: call})
	return b
}

// TestHelpCancelReachesTheSeat (issue 12): the seat's page shows a call under the number
// the kiosk's screen gave (its receipt number); the kiosk's cancel, sent as its outbox
// sends every transaction, takes the call off the open list live and shows it as 已取消
// among the day's closed calls with the day's cancelled count; a cancel from another kiosk
// naming that kiosk's call is refused and leaves the call waiting.
func TestHelpCancelReachesTheSeat(t *testing.T) {
	h := startHall(t)
	if err := certs.Issue(h.certDir, "K002", nil); err != nil {
		t.Fatal(err)
	}
	kcfg, key, err := certs.ClientConfig(h.certDir, "K002")
	if err != nil {
		t.Fatal(err)
	}
	other := &hallapi.Client{BaseURL: h.api, HTTP: &http.Client{Transport: &http.Transport{TLSClientConfig: kcfg}, Timeout: 10 * time.Second}, SigningKey: key}
	seat := staffLogin(t, h, "王芳")
	changes := seat.events(t, "/seat")

	h.pressHelp(t, "help-1", 7)
	within(t, changes, "help", "the call")
	row := regexp.MustCompile(`(?s)<tr class="call" data-id="K001/help-1" data-state="waiting">.*?</tr>`)
	live := seat.get(t, "/seat?fragment=live")
	if r := row.FindString(live); !strings.Contains(r, txn.ReceiptNumber(7)) {
		t.Fatalf("the waiting call does not show the kiosk's number %s:\n%s", txn.ReceiptNumber(7), live)
	}

	// Another kiosk names K001's call: refused, the call waits on.
	if r := send(t, other, "K002", txn.Txn{ID: "cancel-x", Seq: 1, Kind: txn.KindHelpCancel, Body: cancelBody("help-1")}); r.State != txn.Rejected || r.Code != hallapi.ResultUnknownCall {
		t.Fatalf("K002 cancelling K001's call: %+v", r)
	}
	if !row.MatchString(seat.get(t, "/seat?fragment=live")) {
		t.Fatal("another kiosk's cancel touched the call")
	}

	if r := send(t, h.kiosk, "K001", txn.Txn{ID: "cancel-1", Seq: 8, Kind: txn.KindHelpCancel, Body: cancelBody("help-1")}); r.State != txn.Approved || r.Code != hallapi.ResultCallCancelled {
		t.Fatalf("K001 cancelling its call: %+v", r)
	}
	within(t, changes, "help", "the cancel")
	live = seat.get(t, "/seat?fragment=live")
	if strings.Contains(live, `class="call" data-id="K001/help-1"`) {
		t.Fatalf("the cancelled call is still open on the seat's page:\n%s", live)
	}
	closed := regexp.MustCompile(`(?s)<tr class="closed" data-id="K001/help-1" data-state="cancelled">.*?</tr>`).FindString(live)
	if !strings.Contains(closed, "已取消") || !strings.Contains(closed, txn.ReceiptNumber(7)) {
		t.Fatalf("the cancelled call is not listed as 已取消 with its number:\n%s", live)
	}
	if !regexp.MustCompile(`id="fig-cancelled"><b>1</b>`).MatchString(live) {
		t.Fatalf("the day's figures count no cancelled call:\n%s", live)
	}
	if st, err := h.kiosk.Help(context.Background(), "K001"); err != nil || st.State != hallapi.HelpCancelled {
		t.Fatalf("the kiosk's view of its cancelled call: %+v %v", st, err)
	}

	// Called and cancelled while the link was down: both arrive in one batch, the call is
	// stored first and the cancel closes it.
	help, _ := json.Marshal(hallapi.HelpBody{Source: "button"})
	now := time.Now().UTC()
	resp, err := h.kiosk.SendBatch(context.Background(), hallapi.Batch{KioskID: "K001", Txns: []txn.Txn{
		{ID: "help-3", Seq: 9, KioskID: "K001", Kind: txn.KindHelpRequest, CreatedAt: now, Body: help},
		{ID: "cancel-3", Seq: 10, KioskID: "K001", Kind: txn.KindHelpCancel, CreatedAt: now, Body: cancelBody("help-3")},
	}})
	if err != nil || len(resp.Accepted) != 2 || len(resp.Results) != 2 || resp.Results[1].Result.Code != hallapi.ResultCallCancelled {
		t.Fatalf("a call and its cancel in one batch: %+v %v", resp, err)
	}
	live = seat.get(t, "/seat?fragment=live")
	if strings.Contains(live, `class="call" data-id="K001/help-3"`) || !strings.Contains(live, `data-id="K001/help-3" data-state="cancelled"`) {
		t.Fatalf("the call cancelled in its own batch:\n%s", live)
	}
}
