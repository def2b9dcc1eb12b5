package desk

import (
	"context"

	"taxkiosk/kiosk/maint"
	"taxkiosk/kiosk/txn"
)

// EnterMaintenance takes the kiosk out of taxpayer service for a technician with a right
// PIN. Every attempt, right or wrong, is an audit transaction for the hall.
func (d *Desk) EnterMaintenance(ctx context.Context, pin, via string) error {
	now := d.clock.Now()
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
		return &WrongPINError{Left: maint.FailuresPerLock - d.lockout.Failures()%maint.FailuresPerLock}
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
	d.record(ctx, txn.KindAudit, nil, map[string]any{"action": action, "detail": detail}) // logs a failure
}
