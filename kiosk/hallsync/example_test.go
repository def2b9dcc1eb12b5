package hallsync_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/storetest"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/hallsync"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

// The kiosk's demo wiring: an in-process hall, the outbox, and the sync loop between them.
func ExampleSyncer() {
	dir, _ := os.MkdirTemp("", "hallsync-example")
	defer os.RemoveAll(dir)
	hallKey, _ := seal.LoadOrCreateKey(filepath.Join(dir, "hall.key"))
	store, _ := boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: hallKey})
	defer store.Close()
	srv := httptest.NewServer(hall.New(store, nil))
	defer srv.Close()

	kioskKey, _ := seal.LoadOrCreateKey(filepath.Join(dir, "kiosk.key"))
	ob, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Opts{KioskID: "K001", Key: kioskKey})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ob.Close()
	s := hallsync.New(ob, &hallapi.Client{BaseURL: srv.URL}, nil)
	s.Start()
	defer s.Halt()

	t, _ := ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn,
		Taxpayer: &txn.Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"}, Body: []byte(storetest.ZeroReturn)})
	for i := 0; i < 3000; i++ { // the loop wakes on Enqueue; no call is needed to send
		if r, _ := ob.Get(t.ID); r.State.Done() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r, _ := ob.Get(t.ID)
	n, _ := store.Count(context.Background())
	fmt.Println(r.State, r.Result.Code, "stored at hall:", n)
	// Output: approved accepted stored at hall: 1
}
