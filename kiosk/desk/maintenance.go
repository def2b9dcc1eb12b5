package desk

import (
	"context"
	"errors"
	"time"

	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/txn"
)

var (
	// ErrSessionActive: maintenance waits until the taxpayer at the kiosk has finished;
	// a session in progress is never cut off.
	ErrSessionActive = errors.New("desk: a taxpayer is being served")
	// ErrWrongPIN: the PIN matched no technician.
	ErrWrongPIN = errors.New("desk: wrong PIN")
	// ErrNoPINs: no technician PIN is configured; maintenance is only open from kioskctl.
	ErrNoPINs = errors.New("desk: no technician PIN configured")
	// ErrUnknownCard: the card placed at the PIN pad is not on the technicians' allow list.
	ErrUnknownCard = errors.New("desk: card not on the technicians' allow list")
)

// LockedError: too many wrong PINs; entry is refused for Wait.
type LockedError struct{ Wait time.Duration }

func (e *LockedError) Error() string { return "desk: maintenance entry locked for " + e.Wait.String() }

// EnterMaintenance takes the kiosk out of taxpayer service for a technician with a right
// PIN. Every attempt, right or wrong, is an audit transaction for the hall.
func (d *Desk) EnterMaintenance(ctx context.Context, pin, via string) error {
	now := d.opts.Now()
	if w := d.lockout.Wait(now); w > 0 {
		return &LockedError{Wait: w}
	}
	if len(d.opts.TechnicianPINs) == 0 {
		return ErrNoPINs
	}
	if !maint.VerifyPIN(d.opts.TechnicianPINs, pin) {
		lock := d.lockout.Fail(now)
		d.audit(ctx, "failed_pin", map[string]any{"via": via, "failures": d.lockout.Failures(), "locked_for": lock.String()})
		if lock > 0 {
			return &LockedError{Wait: lock}
		}
		return ErrWrongPIN
	}
	return d.enterMaintenance(ctx, map[string]any{"via": via})
}

// EnterMaintenanceAs takes the kiosk out of taxpayer service for a technician who proved who
// they are elsewhere: kioskctl over the control socket, which only root or the kiosk's own
// user can open. Audited like every entry.
func (d *Desk) EnterMaintenanceAs(ctx context.Context, via string) error {
	return d.enterMaintenance(ctx, map[string]any{"via": via})
}

// enterMaintenance takes the kiosk out of taxpayer service once a technician has proved who
// they are; detail goes into the audit record.
func (d *Desk) enterMaintenance(ctx context.Context, detail map[string]any) error {
	if d.sess.Active() {
		return ErrSessionActive
	}
	d.lockout.Succeed()
	d.awaitTech.Store(false)
	d.maint.Store(true)
	d.audit(ctx, "enter", detail)
	d.tower.update(func(t *towerState) { t.maint = true })
	d.emit(MaintenanceChanged{On: true})
	return nil
}

// ExitMaintenance returns the kiosk to taxpayer service.
func (d *Desk) ExitMaintenance(ctx context.Context) {
	if !d.maint.Swap(false) {
		return
	}
	d.audit(ctx, "exit", nil)
	d.tower.update(func(t *towerState) { t.maint = false })
	d.emit(MaintenanceChanged{On: false})
}

// InMaintenance reports whether the kiosk is out of taxpayer service for a technician.
func (d *Desk) InMaintenance() bool { return d.maint.Load() }

// Audit records a technician's action (a test print, an export) for the hall.
func (d *Desk) Audit(ctx context.Context, action string, detail map[string]any) {
	d.audit(ctx, action, detail)
}

func (d *Desk) audit(ctx context.Context, action string, detail map[string]any) {
	d.log.Info("desk: technician", "action", action)
	d.accept(ctx, txn.KindAudit, nil, map[string]any{"action": action, "detail": detail}) // logs a failure
}
