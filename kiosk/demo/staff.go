package demo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hall/duty"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/hall/staff/boltstaff"
	"taxkiosk/kiosk/hall/staffweb"
)

// StaffPassword is every demo staff account's password.
const StaffPassword = "demo-staff-2026"

// StaffAccounts are the demo's staff accounts, one per role: name -> role. The counter
// clerk calls to counter 3.
var StaffAccounts = []struct {
	Name string
	Role staff.Role
}{{"seat", staff.RoleSeat}, {"counter3", staff.RoleCounter}, {"duty", staff.RoleDuty}, {"admin", staff.RoleAdmin}}

// startStaff opens the hall's staff pages on a loopback port over HTTPS (the demo CA's
// directory holds their ECDSA certificate), with the demo accounts, and returns the link
// the hall passes help calls and tickets through.
func (d *Demo) startStaff(hallDir string, hallKey []byte) (*staffweb.Link, error) {
	st, err := boltstaff.Open(filepath.Join(hallDir, "hall-staff.db"))
	if err != nil {
		return nil, err
	}
	d.staffStore = st
	ctx := context.Background()
	var hash string
	for _, a := range StaffAccounts {
		if _, err := st.Account(ctx, a.Name); err == nil {
			continue
		}
		if hash == "" {
			// The demo's password is printed for all to read: its hash needs no strength,
			// and every kiosk test starts a demo, so it is made cheaply, once.
			if hash, err = staff.PasswordHash(StaffPassword, staff.HashParams{MemoryKiB: 256, Time: 1, Threads: 1}); err != nil {
				return nil, err
			}
		}
		acc := staff.Account{Name: a.Name, Role: a.Role, Hash: hash, Created: time.Now().UTC()}
		if a.Role == staff.RoleCounter {
			acc.Counter = 3
		}
		if err := st.AddAccount(ctx, acc); err != nil && !errors.Is(err, staff.ErrExists) {
			return nil, err
		}
	}
	if err := st.PutKiosk(ctx, staff.Kiosk{ID: d.KioskID, Name: "1号自助办税终端", Place: "自助办税区"}); err != nil {
		return nil, err
	}
	token := staffweb.DisplayToken(hallKey)
	app, err := staffweb.New(staffweb.Opts{Store: st, Log: d.log, DisplayToken: token})
	if err != nil {
		return nil, err
	}
	staffweb.RegisterSeat(app)
	staffweb.RegisterCounters(app)
	// The duty leader's board over the demo hall's store (duty-board); the hall tells it of
	// every heartbeat through the app's bus (Opts.FleetChanged, in Start).
	(&duty.Pages{Src: d.store, Rules: hall.FleetRules{}.WithDefaults()}).Register(app)
	d.staffBus = app.Bus()
	tlsConf, err := certs.StaffConfig(d.CertsDir, nil)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d.staffHTTP = &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	d.staffHTTP.RegisterOnShutdown(app.Stop)
	d.StaffURL = "https://" + ln.Addr().String() + "/"
	d.DisplayURL = d.StaffURL + "display/" + token
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := d.staffHTTP.Serve(tls.NewListener(ln, tlsConf)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("demo: staff pages stopped", "err", err)
		}
	}()
	var names []string
	for _, a := range StaffAccounts {
		names = append(names, fmt.Sprintf("%s (%s)", a.Name, a.Role))
	}
	d.log.Info("demo: staff pages "+d.StaffURL+" (trust "+filepath.Join(d.CertsDir, certs.StaffCACert)+" or accept the warning); hall display "+d.DisplayURL,
		"accounts", strings.Join(names, ", "), "password", StaffPassword, "counter", 3)
	return app.Link(), nil
}

// closeStaff stops the staff pages and closes their store.
func (d *Demo) closeStaff() error {
	if d.staffHTTP != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		d.staffHTTP.Shutdown(ctx)
		cancel()
	}
	if d.staffStore != nil {
		return d.staffStore.Close()
	}
	return nil
}
