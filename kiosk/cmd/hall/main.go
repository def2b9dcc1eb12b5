package main

import (
	"context"
	"crypto/sha256"
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

	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/duty"
	"taxkiosk/kiosk/hall/pgstore"
	"taxkiosk/kiosk/hall/registry"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staffweb"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/seal"
	"taxkiosk/kiosk/txn"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hall:", err)
		os.Exit(1)
	}
}

const usage = "usage: hall serve --listen ADDR --data DIR [--db DSN] [--tls CERTS] [--counters ADDR] [--staff-listen ADDR] [--max-conns N] [--max-conns-per-source N] | hall count|list|alarms --data DIR [--db DSN] [--json] [--reveal] | hall evidence --data DIR [--db DSN] --kiosk ID --txn ID [--out FILE] | hall certs init|issue --dir CERTS [--hosts H,H] [--kiosk ID] | hall firmware publish|list --data DIR [FILE] | hall staff add|list|kiosk ..."

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	if args[0] == "certs" {
		return certsCmd(args[1:], stdout, stderr)
	}
	if args[0] == "firmware" {
		return firmwareCmd(args[1:], stdout, stderr)
	}
	if args[0] == "staff" {
		return staffCmd(args[1:], os.Stdin, stdout, stderr)
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
	kiosk := fs.String("kiosk", "", "kiosk id (evidence)")
	counters := fs.String("counters", "", "loopback address where the counters call tickets, plain HTTP (serve); empty: none")
	conns := fs.Int("max-conns", 4096, "connections open at once (serve); idle ones give way to new ones")
	perSource := fs.Int("max-conns-per-source", 64, "connections open at once from one address (serve)")
	txnID := fs.String("txn", "", "transaction id (evidence)")
	out := fs.String("out", "", "file to write the signed batch to, mode 0600; it holds personal data (evidence)")
	staffListen := fs.String("staff-listen", "", "address of the staff web pages, HTTPS with the hall's certificate from --tls (serve); empty: none")
	regFile := fs.String("registry", "", "taxpayer registry JSON (serve); empty: the demo registry matching the simulator personas")
	silent := fs.Duration("silent-after", 5*time.Minute, "a kiosk without a heartbeat this long is an alarm on the duty leader's board (serve)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("--data DIR is required")
	}
	if args[0] == "serve" && *tlsDir == "" && !loopback(*listen) {
		return fmt.Errorf("refusing to serve on %s without --tls: kiosks would send personal data in clear text and anyone could post batches; give --tls CERTS or listen on a loopback address", *listen)
	}
	if args[0] == "serve" && *staffListen != "" && *tlsDir == "" {
		return errors.New("--staff-listen needs --tls CERTS: staff pages are served over HTTPS with the hall's certificate only")
	}
	if args[0] == "serve" && *counters != "" && !loopback(*counters) {
		return fmt.Errorf("refusing to serve the counters on %s: calling tickets asks for no certificate, so it is served on a loopback address only", *counters)
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
		so := serveOpts{addr: *listen, counters: *counters, tls: cfg, conns: *conns, perSource: *perSource, staffAddr: *staffListen, firmware: firmwareDir(*data),
			silent: *silent, busDSN: *db, busSchema: *schema}
		if *staffListen != "" {
			if so.staffTLS, err = certs.StaffConfig(*tlsDir, nil); err != nil {
				return err
			}
			if so.staff, err = openStaff(ctx, *data, *db, *schema); err != nil {
				return err
			}
			defer so.staff.Close()
			if so.displayToken, err = displayToken(*data); err != nil {
				return err
			}
		}
		return serve(ctx, store, reg, so, stdout, stderr)
	case "count":
		n, err := store.Count(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, n)
		return nil
	case "list":
		return list(ctx, store, stdout, *asJSON, *reveal)
	case "alarms":
		return alarms(ctx, store, stdout, *asJSON)
	case "evidence":
		return evidence(ctx, store, stdout, *kiosk, *txnID, *out)
	}
	return errors.New(usage)
}

// loopback reports whether addr (host:port) names only this machine: a loopback IP or
// "localhost". An empty host listens on every interface, so it is not loopback.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// serveOpts are serve's flags besides the store and the registry.
type serveOpts struct {
	addr, counters   string
	tls              *tls.Config
	conns, perSource int
	firmware         string // the shelf of bundles served to the kiosks (hall firmware publish)
	// The staff pages: on staffAddr with staffTLS, over the staff store; none without an
	// address.
	staffAddr    string
	staffTLS     *tls.Config
	staff        staff.Store
	displayToken string
	// silent is FleetRules.SilentAfter; busDSN and busSchema, the PostgreSQL the staff
	// pages' bus spans hall processes on (none: the bus stays in this process). (duty-board)
	silent            time.Duration
	busDSN, busSchema string
}

func serve(ctx context.Context, store hall.Store, reg *registry.Registry, o serveOpts, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	// The connection limits, not the descriptor limit, are what bounds the hall: raise the
	// latter as far as allowed and keep the total well below it.
	if nofile, err := hall.RaiseFileLimit(); err != nil {
		log.Warn("open-file limit not raised", "err", err)
	} else if limit := int(min(nofile, 1<<20)) - 256; limit > 0 && o.conns > limit {
		log.Warn("connection limit lowered to the open-file limit", "conns", o.conns, "nofile", nofile)
		o.conns = limit
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	ln = hall.LimitListener(ln, o.conns, o.perSource)
	scheme := "http"
	if o.tls != nil {
		ln, scheme = tls.NewListener(ln, o.tls), "https"
	}
	hopts := &hall.Opts{Log: log, RequireKiosk: o.tls != nil, Registry: reg, Firmware: hall.Firmware{Dir: o.firmware},
		Fleet: hall.FleetRules{SilentAfter: o.silent}}
	var staffApp *staffweb.App
	if o.staffAddr != "" {
		bus, err := openBus(o.busDSN, o.busSchema, log)
		if err != nil {
			return err
		}
		if c, ok := bus.(io.Closer); ok {
			defer c.Close()
		}
		if staffApp, err = newStaffApp(o.staff, o.displayToken, staffweb.Opts{Log: log, Bus: bus}); err != nil {
			return err
		}
		hopts.Staff, hopts.Queue = staffApp.Link(), staffApp.Link()
		hopts.FleetChanged = duty.Publisher(bus)
	}
	h := hall.New(store, hopts)
	if staffApp != nil {
		registerDuty(staffApp, store, h)
	}
	go h.RunSweeps(ctx, max(time.Second, o.silent/10)) // silent kiosks show within a tenth of the quiet
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second, // also bounds the TLS handshake
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second, // a kiosk's kept-alive connection, between batches
	}
	servers := []*http.Server{srv}
	fmt.Fprintf(stdout, "hall: serving on %s://%s\n", scheme, ln.Addr())
	errc := make(chan error, 3)
	go func() { errc <- srv.Serve(ln) }()
	if o.counters != "" {
		cln, err := net.Listen("tcp", o.counters)
		if err != nil {
			srv.Close()
			<-errc
			return err
		}
		csrv := &http.Server{Handler: h.Counter(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
		servers = append(servers, csrv)
		fmt.Fprintf(stdout, "hall: counters call tickets on http://%s\n", cln.Addr())
		go func() { errc <- csrv.Serve(cln) }()
	}
	if staffApp != nil {
		sln, err := net.Listen("tcp", o.staffAddr)
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			for range servers {
				<-errc
			}
			return err
		}
		// The event streams outlive WriteTimeout: they set their own deadline per write.
		ssrv := &http.Server{Handler: staffApp, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
		ssrv.RegisterOnShutdown(staffApp.Stop)
		servers = append(servers, ssrv)
		fmt.Fprintf(stdout, "hall: staff pages on https://%s/\n", sln.Addr())
		fmt.Fprintf(stdout, "hall: hall display on https://%s/display/%s\n", sln.Addr(), o.displayToken)
		go func() { errc <- ssrv.Serve(tls.NewListener(sln, o.staffTLS)) }()
	}
	notifySystemd(log) // the listeners are open: connections queue until Serve takes them
	select {
	case err := <-errc:
		for _, s := range servers {
			s.Close()
		}
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		if serr := s.Shutdown(shut); serr != nil && err == nil { // lets batches in flight commit and answer
			err = serr
		}
	}
	for range servers {
		<-errc
	}
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
			l.Name, l.IDNumber = mask.Name(tp.Name), mask.ID(tp.IDNumber)
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

func alarms(ctx context.Context, store hall.Store, w io.Writer, asJSON bool) error {
	as, err := store.Alarms(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for _, a := range as {
		if asJSON {
			if err := enc.Encode(a); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%s %s %s: %s\n", a.At.Format(time.RFC3339), a.KioskID, a.Kind, a.Detail)
	}
	return nil
}

// evidence prints what proves that a kiosk sent a transaction: the batch's SHA-256, size and
// signature; with --out, the batch's bytes themselves (personal data: a 0600 file, never
// the terminal).
func evidence(ctx context.Context, store hall.Store, w io.Writer, kiosk, id, out string) error {
	if kiosk == "" || id == "" {
		return errors.New("--kiosk ID and --txn ID are required")
	}
	ev, err := store.Evidence(ctx, kiosk, id)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(ev.Body)
	fmt.Fprintf(w, "kiosk %s transaction %s: batch of %d bytes, sha256 %x, signature %q\n", kiosk, id, len(ev.Body), sum, ev.Signature)
	if out == "" {
		return nil
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(ev.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
		crt, key := mtls.KioskFiles(*kiosk)
		fmt.Fprintf(stdout, "hall: issued %s and %s; copy them with %s to the kiosk\n", crt, key, mtls.CACert)
		return nil
	}
	return errors.New(usage)
}
