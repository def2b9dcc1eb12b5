package control

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// FuzzRequest feeds request lines to the code the socket runs for each connection: whatever
// arrives, the answer is one JSON object, and personal data leaves unmasked only for an
// export that asked for it.
func FuzzRequest(f *testing.F) {
	f.Add(`{"op":"outbox.status"}`)
	f.Add(`{"op":"outbox.list","state":"queued","limit":1}`)
	f.Add(`{"op":"outbox.export","reveal":true}`)
	f.Add(`{"op":"outbox.list","reveal":true}`)
	f.Add(`{"op":"sync.now"}`)
	f.Add(`{"op":`)
	dir := f.TempDir()
	key, err := seal.LoadOrCreateKey(filepath.Join(dir, "seal.key"))
	if err != nil {
		f.Fatal(err)
	}
	ob, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Opts{KioskID: "K001", Key: key})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ob.Close() })
	tp := persona
	if _, err := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn, Taxpayer: &tp}); err != nil {
		f.Fatal(err)
	}
	h := Kiosk{Outbox: ob, Sync: &fakeSync{}}
	f.Fuzz(func(t *testing.T, line string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var req Request
		var resp Response
		if err := json.Unmarshal([]byte(line), &req); err != nil {
			resp = Response{Error: err.Error()}
		} else {
			resp = Handle(ctx, h, req)
		}
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		revealed := req.Op == OpExport && req.Reveal && resp.Error == ""
		if !revealed && strings.Contains(string(out), persona.IDNumber) {
			t.Fatalf("%q answered the ID number unmasked: %s", line, out)
		}
		if resp.Error != "" && (resp.Status != nil || resp.Records != nil) {
			t.Fatalf("%q: an error answer carries data: %s", line, out)
		}
	})
}
