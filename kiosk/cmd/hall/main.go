package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/pgstore"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hall:", err)
		os.Exit(1)
	}
}

const usage = "usage: hall serve --listen ADDR --data DIR [--db DSN] [--tls CERTS] | hall count|list --data DIR [--db DSN] [--json] [--reveal] | hall certs init|issue --dir CERTS [--hosts H,H] [--kiosk ID]"

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	if args[0] == "certs" {
		return certsCmd(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("hall "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory (key, and the bbolt database without --db)")
	db := fs.String("db", "", "PostgreSQL DSN (postgres://user@host/db); empty: bbolt in --data")
	schema := fs.String("db-schema", "hall", "PostgreSQL schema for the tables (with --db)")
	listen := fs.String("listen", "127.0.0.1:8600", "address to serve on (serve)")
	asJSON := fs.Bool("json", false, "one JSON object per line (list)")
	reveal := fs.Bool("reveal", false, "show personal data unmasked (list)")
	tlsDir := fs.String("tls", "", "certs directory: serve HTTPS and require kiosk certificates (serve)")
	regFile := fs.String("registry", "", "taxpayer registry JSON (serve); empty: the demo registry matching the simulator personas")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("--data DIR is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, err := openStore(ctx, *data, *db, *schema)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "serve":
		var cfg *tls.Config
		if *tlsDir != "" {
			if cfg, err = certs.ServerConfig(*tlsDir); err != nil {
				return err
			}
		}
		reg := registry.Demo()
		if *regFile != "" {
			if reg, err = registry.Load(*regFile); err != nil {
				return err
			}
		}
		return serve(ctx, store, reg, *listen, cfg, stdout, stderr)
	case "count":
		n, err := store.Count(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, n)
		return nil
	case "list":
		return list(ctx, store, stdout, *asJSON, *reveal)
	}
	return errors.New(usage)
}

func openStore(ctx context.Context, dir, dsn, schema string) (hall.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, err := seal.LoadOrCreateKey(filepath.Join(dir, "hall.key"))
	if err != nil {
		return nil, err
	}
	if dsn != "" {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return pgstore.Open(ctx, dsn, &pgstore.Opts{Key: key, Schema: schema})
	}
	return boltstore.Open(filepath.Join(dir, "hall.db"), &boltstore.Opts{Key: key})
}

func serve(ctx context.Context, store hall.Store, reg *registry.Registry, addr string, cfg *tls.Config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if cfg != nil {
		ln, scheme = tls.NewListener(ln, cfg), "https"
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv := &http.Server{
		Handler:           hall.New(store, &hall.Opts{Log: log, RequireKiosk: cfg != nil, Registry: reg}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
	}
	fmt.Fprintf(stdout, "hall: serving on %s://%s\n", scheme, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	notifySystemd(log) // the listener is open: connections queue until Serve takes them
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shut) // lets batches in flight commit and answer
	<-errc
	fmt.Fprintln(stdout, "hall: stopped")
	return err
}

type listed struct {
	KioskID    string     `json:"kiosk_id"`
	ID         string     `json:"id"`
	Seq        uint64     `json:"seq"`
	Kind       txn.Kind   `json:"kind"`
	CreatedAt  time.Time  `json:"created_at"`
	ReceivedAt time.Time  `json:"received_at"`
	Cursor     uint64     `json:"cursor"`
	Result     txn.Result `json:"result"`
	Name       string     `json:"name,omitempty"`
	IDNumber   string     `json:"id_number,omitempty"`
}

func list(ctx context.Context, store hall.Store, w io.Writer, asJSON, reveal bool) error {
	es, err := store.List(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for _, e := range es {
		l := listed{KioskID: e.Txn.KioskID, ID: e.Txn.ID, Seq: e.Txn.Seq, Kind: e.Txn.Kind,
			CreatedAt: e.Txn.CreatedAt, ReceivedAt: e.ReceivedAt, Cursor: e.Cursor, Result: e.Result}
		if tp := e.Txn.Taxpayer; tp != nil {
			l.Name, l.IDNumber = txn.MaskName(tp.Name), txn.MaskID(tp.IDNumber)
			if reveal {
				l.Name, l.IDNumber = tp.Name, tp.IDNumber
			}
		}
		if asJSON {
			if err := enc.Encode(l); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%s seq=%d id=%s kind=%s result=%s/%s taxpayer=%q\n",
			l.KioskID, l.Seq, l.ID, l.Kind, l.Result.State, l.Result.Code, l.Name+" "+l.IDNumber)
	}
	return nil
}

func certsCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("hall certs "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "certs directory")
	hosts := fs.String("hosts", "127.0.0.1,::1,localhost", "names and addresses of the hall (init)")
	kiosk := fs.String("kiosk", "", "kiosk id (issue)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("--dir CERTS is required")
	}
	switch args[0] {
	case "init":
		if err := certs.Init(*dir, &certs.Opts{Hosts: strings.Split(*hosts, ",")}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "hall: CA and server certificate in %s; keep %s offline\n", *dir, certs.CAKey)
		return nil
	case "issue":
		if err := certs.Issue(*dir, *kiosk, nil); err != nil {
			return err
		}
		crt, key := certs.KioskFiles(*kiosk)
		fmt.Fprintf(stdout, "hall: issued %s and %s; copy them with %s to the kiosk\n", crt, key, certs.CACert)
		return nil
	}
	return errors.New(usage)
}
