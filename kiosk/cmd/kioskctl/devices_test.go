package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/kiosk/journal"
)

func TestIDCardSAMID(t *testing.T) {
	link, _ := sim(t, "idcard")
	out, code := ctl(t, "idcard", "samid", "--port", link, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	// The simulator's sample SAM id, printed as HslCommunication's SAMSerial prints it.
	if got["sam_id"] != "05.01-20104333-000005678-121287829" || got["raw"] != "050001008dc432012e16000095b43a07" {
		t.Fatalf("samid %v", got)
	}
	out, code = ctl(t, "idcard", "samid", "--port", link)
	if code != 0 || !strings.Contains(out, "sam_id  05.01-20104333-000005678-121287829") || !strings.Contains(out, "05 00 01 00 8d c4") {
		t.Fatalf("text: exit %d: %s", code, out)
	}
}

// journalWith makes DIR/journal.db as a kiosk leaves it: T1 printed, T2 failed at paper end.
func journalWith(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	j, err := journal.Open(filepath.Join(dir, "journal.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, id := range []string{"T1", "T2"} {
		doc := testReceipt(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		if err := j.Record(&escpos.Job{ID: id, Doc: doc}); err != nil {
			t.Fatal(err)
		}
	}
	j.Finish("T1", journal.Result{State: journal.Printed, Bytes: 900})
	j.Finish("T2", journal.Result{State: journal.Failed, Reason: "printer.paper_out", Reprintable: true, Bytes: 256})
	return dir
}

func journalEntries(t *testing.T, out string) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	m := map[string]map[string]any{}
	for _, e := range list {
		m[e["id"].(string)] = e
	}
	return m
}

func TestPrinterJournal(t *testing.T) {
	dir := journalWith(t)
	out, code := ctl(t, "printer", "journal", "--data", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	all := journalEntries(t, out)
	if len(all) != 2 || all["T1"]["state"] != "printed" || all["T2"]["state"] != "failed" || all["T2"]["reason"] != "printer.paper_out" {
		t.Fatalf("journal: %s", out)
	}
	if _, ok := all["T1"]["Doc"]; ok {
		t.Fatal("the listing spills the receipt")
	}
	out, _ = ctl(t, "printer", "journal", "--data", dir, "--json", "--failed")
	if f := journalEntries(t, out); len(f) != 1 || f["T2"] == nil {
		t.Fatalf("--failed: %s", out)
	}
	out, code = ctl(t, "printer", "journal", "--data", dir)
	if code != 0 || !strings.Contains(out, "T2") || !strings.Contains(out, "printer.paper_out") {
		t.Fatalf("table: exit %d: %s", code, out)
	}

	// While the kiosk holds the file, say so instead of hanging or failing obscurely.
	j, err := journal.Open(filepath.Join(dir, "journal.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, code = ctl(t, "printer", "journal", "--data", dir)
	j.Close()
	if code != exitNotReady || !strings.Contains(out, "the kiosk is running: stop it or use its control socket") {
		t.Fatalf("locked: exit %d: %s", code, out)
	}
	if out, code = ctl(t, "printer", "journal", "--data", t.TempDir()); code != exitNotReady || !strings.Contains(out, "no printer journal") {
		t.Fatalf("no journal: exit %d: %s", code, out)
	}
}

func TestPrinterReprint(t *testing.T) {
	dir := journalWith(t)
	link, say := sim(t, "printer")
	say("paper end")
	out, code := ctl(t, "printer", "reprint", "T2", "--data", dir, "--port", link)
	if code != exitNotReady || !strings.Contains(out, "paper end") {
		t.Fatalf("reprint at paper end: exit %d: %s", code, out)
	}
	say("paper ok")
	out, code = ctl(t, "printer", "reprint", "T2", "--data", dir, "--port", link, "--json")
	if code != 0 {
		t.Fatalf("reprint: exit %d: %s", code, out)
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err, out)
	}
	// Recorded once by the kiosk, once for the refused reprint, once for this one.
	if e["state"] != "printed" || e["attempts"] != float64(3) || e["bytes"].(float64) < 100 {
		t.Fatalf("after reprint: %s", out)
	}
	out, _ = ctl(t, "printer", "journal", "--data", dir, "--json", "--failed")
	if f := journalEntries(t, out); len(f) != 0 {
		t.Fatalf("still to print: %s", out)
	}
	if out, code = ctl(t, "printer", "reprint", "T9", "--data", dir, "--port", link); code != exitFailed || !strings.Contains(out, "no job") {
		t.Fatalf("unknown id: exit %d: %s", code, out)
	}
	if _, code = ctl(t, "printer", "reprint", "--data", dir, "--port", link); code != exitUsage {
		t.Fatalf("no id: exit %d", code)
	}
}

func TestGPIOWithoutPins(t *testing.T) {
	// The test machine has no GPIO17: the command must say so and exit 3, not panic or hang.
	out, code := ctl(t, "gpio", "read", "--presence", "GPIO17", "--json")
	if code != exitNotReady || !strings.Contains(out, "GPIO17") {
		t.Fatalf("gpio read: exit %d: %s", code, out)
	}
	out, code = ctl(t, "gpio", "set", "tower", "blink", "--tower", "GPIO23", "--for", "1s")
	if code != exitNotReady || !strings.Contains(out, "GPIO23") {
		t.Fatalf("gpio set: exit %d: %s", code, out)
	}
	for _, args := range [][]string{
		{"gpio", "read"},
		{"gpio", "set", "tower", "purple", "--tower", "GPIO23"},
		{"gpio", "set", "tower", "on"},
		{"gpio", "read", "--presence", "GPIO17", "--active-low", "sideways"},
	} {
		if out, code := ctl(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, out)
		}
	}
}

func TestIDCardReadEveryCardType(t *testing.T) {
	link, say := sim(t, "idcard")
	for _, p := range idcardsim.Personas() {
		if r := say("place " + p.Key); !strings.HasPrefix(r, "ok") {
			t.Fatal(r)
		}
		out, code := ctl(t, "idcard", "read", "--port", link, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", p.Key, code, out)
		}
		var card map[string]any
		if err := json.Unmarshal([]byte(out), &card); err != nil {
			t.Fatalf("%s: %v: %s", p.Key, err, out)
		}
		if card["card_type"] != p.Card.CardType || card["id_number"] != p.Card.IDNumber || card["name"] != p.Card.Name ||
			card["card_version"] != nilIfEmpty(p.Card.CardVersion) {
			t.Errorf("%s: read %v", p.Key, card)
		}
		say("lift")
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
