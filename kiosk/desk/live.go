package desk

import (
	"sync"
	"time"

	"taxkiosk/kiosk/policy"
)

// Live are the settings a technician may change while the kiosk runs, without a restart:
// they take effect with the next taxpayer action (the idle timeout at once, for the session
// in progress too).
type Live struct {
	IdleTimeout time.Duration // zero keeps the current one
	SyncWait    time.Duration // how long a receipt waits for the hall's acknowledgement
	HallName    string        // printed on receipts
	Policy      policy.Policy // what may be accepted while the hall cannot be reached
}

// live holds the current Live values; Opts gives the first ones.
type live struct {
	mu       sync.Mutex
	syncWait time.Duration
	hallName string
	policy   policy.Policy
}

// Reconfigure applies new live settings. The caller validates them first (config.Validate).
func (d *Desk) Reconfigure(l Live) {
	if l.IdleTimeout > 0 {
		d.sess.SetTimeout(l.IdleTimeout)
	}
	d.live.mu.Lock()
	d.live.syncWait, d.live.hallName, d.live.policy = l.SyncWait, l.HallName, l.Policy
	d.live.mu.Unlock()
	d.log.Info("desk: settings applied", "idle_timeout", l.IdleTimeout, "sync_wait", l.SyncWait)
	d.emit(ServicesChanged{}) // the policy may change what is offered now
}

func (d *Desk) syncWait() time.Duration {
	d.live.mu.Lock()
	defer d.live.mu.Unlock()
	return d.live.syncWait
}

func (d *Desk) hallName() string {
	d.live.mu.Lock()
	defer d.live.mu.Unlock()
	return d.live.hallName
}

func (d *Desk) policy() policy.Policy {
	d.live.mu.Lock()
	defer d.live.mu.Unlock()
	return d.live.policy
}
