package netcheck_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/boltstore"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/mtls"
	"taxkiosk/kiosk/netcheck"
	"taxkiosk/kiosk/seal"
)

func hallHandler(t *testing.T, requireKiosk bool) http.Handler {
	t.Helper()
	key, _ := seal.NewKey(bytes.Repeat([]byte{9}, seal.KeySize))
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "hall.db"), &boltstore.Opts{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return hall.New(store, &hall.Opts{RequireKiosk: requireKiosk})
}

func TestPlainHall(t *testing.T) {
	ts := httptest.NewServer(hallHandler(t, false))
	defer ts.Close()
	r := netcheck.Check(context.Background(), ts.URL, nil)
	if !r.Reachable || r.ErrorKey != "" || r.TLS || r.RoundTrip <= 0 || !r.SkewKnown {
		t.Fatalf("report %+v", r)
	}
	if !r.HallCertExpires.IsZero() || !r.KioskCertExpires.IsZero() {
		t.Fatalf("certificates over plain http: %+v", r)
	}
	// The kiosk and this hall share a clock: the skew is within the Date header's second.
	if d := time.Duration(r.ClockSkew); d < -time.Second || d > time.Second {
		t.Fatalf("skew %s against a hall on the same clock", d)
	}
}

// TestMutualTLSHall checks a hall that requires kiosk certificates, made as `hall certs
// init|issue` makes them.
func TestMutualTLSHall(t *testing.T) {
	dir := t.TempDir()
	if err := certs.Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := certs.Issue(dir, "K001", nil); err != nil {
		t.Fatal(err)
	}
	srv, err := certs.ServerConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hallHandler(t, true))
	ts.TLS = srv
	ts.StartTLS()
	defer ts.Close()
	client, _, err := mtls.ClientConfig(dir, "K001")
	if err != nil {
		t.Fatal(err)
	}
	r := netcheck.Check(context.Background(), ts.URL, &netcheck.Opts{TLS: client})
	if !r.Reachable || !r.TLS || r.ErrorKey != "" {
		t.Fatalf("report %+v", r)
	}
	leaf := srv.Certificates[0].Leaf
	if leaf == nil {
		t.Fatal("server certificate without leaf")
	}
	if !r.HallCertExpires.Equal(leaf.NotAfter) {
		t.Errorf("hall certificate expires %v, want %v", r.HallCertExpires, leaf.NotAfter)
	}
	if r.KioskCertExpires.IsZero() || !r.KioskCertExpires.After(time.Now()) {
		t.Errorf("kiosk certificate expires %v", r.KioskCertExpires)
	}

	// A kiosk that does not trust the hall's CA, and one without a client certificate.
	for name, cfg := range map[string]*tls.Config{
		"unknown CA":            {MinVersion: tls.VersionTLS13},
		"no client certificate": {RootCAs: client.RootCAs, MinVersion: tls.VersionTLS13},
	} {
		r := netcheck.Check(context.Background(), ts.URL, &netcheck.Opts{TLS: cfg})
		if r.Reachable || r.ErrorKey != netcheck.KeyTLS {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestClockSkew(t *testing.T) {
	hallNow := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", hallNow.Format(http.TimeFormat))
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer ts.Close()
	kioskNow := hallNow.Add(-90 * time.Second) // the kiosk's clock is slow
	r := netcheck.Check(context.Background(), ts.URL, &netcheck.Opts{Now: func() time.Time { return kioskNow }})
	if !r.SkewKnown || time.Duration(r.ClockSkew) != -90*time.Second {
		t.Fatalf("skew %s known %v, want -1m30s", r.ClockSkew, r.SkewKnown)
	}
	if !r.CheckedAt.Equal(kioskNow) {
		t.Fatalf("checked at %v", r.CheckedAt)
	}
}

func TestRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	r := netcheck.Check(context.Background(), "http://"+addr, nil)
	if r.Reachable || r.ErrorKey != netcheck.KeyRefused || r.Error == "" || r.SkewKnown {
		t.Fatalf("report %+v", r)
	}
}

// TestTimeout: a hall that accepts the connection and never answers.
func TestTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	r := netcheck.Check(context.Background(), "http://"+ln.Addr().String(), &netcheck.Opts{Timeout: 300 * time.Millisecond})
	ln.Close()
	<-done
	for _, c := range held {
		c.Close()
	}
	if r.Reachable || r.ErrorKey != netcheck.KeyTimeout {
		t.Fatalf("report %+v", r)
	}
	// The caller's own deadline, passed already, counts the same.
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if r := netcheck.Check(ctx, "http://127.0.0.1:1", nil); r.ErrorKey != netcheck.KeyTimeout {
		t.Fatalf("cancelled: %+v", r)
	}
}

func TestBadStatusAndURL(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	r := netcheck.Check(context.Background(), ts.URL, nil)
	if r.Reachable || r.ErrorKey != netcheck.KeyError || !strings.Contains(r.Error, "404") || !r.SkewKnown {
		t.Fatalf("404: %+v", r)
	}
	for _, u := range []string{"", "ftp://hall", "http://", "::"} {
		if r := netcheck.Check(context.Background(), u, nil); r.Reachable || r.ErrorKey != netcheck.KeyError {
			t.Errorf("%q: %+v", u, r)
		}
	}
}

func TestDNS(t *testing.T) {
	// .invalid never resolves (RFC 2606); without a resolver the lookup fails as DNS too.
	r := netcheck.Check(context.Background(), "http://hall.invalid:8600", nil)
	if r.Reachable || r.ErrorKey != netcheck.KeyDNS {
		t.Fatalf("report %+v", r)
	}
}
