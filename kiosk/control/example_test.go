package control_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/outbox"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

func ExampleClient_List() {
	dir, _ := os.MkdirTemp("", "control")
	defer os.RemoveAll(dir)
	key, _ := seal.LoadOrCreateKey(filepath.Join(dir, "seal.key"))
	ob, _ := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Opts{KioskID: "K001", Key: key})
	defer ob.Close()
	ob.Enqueue(context.Background(), txn.Txn{Kind: txn.KindVATReturn,
		Taxpayer: &txn.Taxpayer{Name: "张伟", IDNumber: "41040219800101123X"}})

	// The kiosk serves its outbox on a socket in its data directory...
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error)
	sock := filepath.Join(dir, "control.sock")
	go func() { served <- control.Serve(ctx, sock, control.Kiosk{Outbox: ob}) }()

	// ...and kioskctl asks it.
	c := &control.Client{Path: sock}
	var items []control.Item
	var err error
	for range 100 {
		if items, err = c.List(context.Background(), txn.Queued, 10); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond) // the socket appears once Serve listens
	}
	for _, it := range items {
		fmt.Println(it.Seq, it.State, it.Taxpayer.Name, it.Taxpayer.IDNumber)
	}
	stop()
	fmt.Println(<-served)
	// Output:
	// 1 queued 张* 4104**********123X
	// context canceled
}
