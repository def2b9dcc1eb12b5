package hallsync

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/outbox"
)

// Report gathers what the kiosk says of itself in a heartbeat beyond its outbox: its
// state and reason, devices, paper, software version and certificate expiry. It is made at
// assembly (package terminal) from the desk and the devices; the Beacon fills in the kiosk
// id, the time and the outbox's backlog.
type Report func() hallapi.Heartbeat

// NoticeCache keeps the hall's announcements for the idle screen (package notices).
type NoticeCache interface {
	SetNotices(ns []hallapi.Notice, at time.Time) error
}

// BeaconOpts configures a Beacon. A nil *BeaconOpts means all defaults.
type BeaconOpts struct {
	Every          time.Duration                        // between heartbeats; zero: 30 s
	NoticesEvery   time.Duration                        // between reads of the notices; zero: 5 min
	RequestTimeout time.Duration                        // bound on one HTTP call; zero: 10 s
	Now            func() time.Time                     // zero: time.Now
	After          func(time.Duration) <-chan time.Time // zero: time.After
	Log            *slog.Logger                         // zero: no logging
}

// Beacon is the sync loop's second voice: every BeaconOpts.Every it tells the hall how the
// kiosk is (POST /v1/heartbeat), and every NoticesEvery it reads the hall's announcements
// (GET /v1/notices) into the NoticeCache. It runs beside the Syncer and never touches the
// outbox's records: a heartbeat that fails is not resent (the next one says more), and the
// hall marks a kiosk whose heartbeats stop as silent.
type Beacon struct {
	ob     *outbox.Outbox
	c      *hallapi.Client
	report Report
	cache  NoticeCache
	o      BeaconOpts

	mu       sync.Mutex
	lastBeat time.Time // the last heartbeat the hall answered
	lastErr  string
}

// NewBeacon makes a Beacon; report and cache may be nil (a bare heartbeat; no notices).
func NewBeacon(ob *outbox.Outbox, c *hallapi.Client, report Report, cache NoticeCache, opts *BeaconOpts) *Beacon {
	var o BeaconOpts
	if opts != nil {
		o = *opts
	}
	if o.Every <= 0 {
		o.Every = 30 * time.Second
	}
	if o.NoticesEvery <= 0 {
		o.NoticesEvery = 5 * time.Minute
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	return &Beacon{ob: ob, c: c, report: report, cache: cache, o: o}
}

// String is safe for logs.
func (b *Beacon) String() string { return "hallsync.Beacon(" + b.c.String() + ")" }

// Run beats and reads notices until ctx ends, and returns ctx's error. It starts with both,
// so that a kiosk that has just started shows up on the board at once.
func (b *Beacon) Run(ctx context.Context) error {
	var lastNotices time.Time
	for {
		if err := b.beatOnce(ctx); err != nil {
			b.logf("heartbeat failed", "err", err)
		}
		if b.cache != nil && (lastNotices.IsZero() || b.o.Now().Sub(lastNotices) >= b.o.NoticesEvery) {
			if err := b.noticesOnce(ctx); err != nil {
				b.logf("notices not read", "err", err)
			} else {
				lastNotices = b.o.Now()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-b.o.After(b.o.Every):
		}
	}
}

// Heartbeat is the heartbeat the kiosk would send now.
func (b *Beacon) Heartbeat() hallapi.Heartbeat {
	var hb hallapi.Heartbeat
	if b.report != nil {
		hb = b.report()
	}
	if hb.State == "" {
		hb.State = hallapi.StateInService
	}
	if hb.Paper == "" {
		hb.Paper = hallapi.PaperUnknown
	}
	if hb.Devices == nil {
		hb.Devices = []hallapi.DeviceHealth{}
	}
	st := b.ob.Stats()
	hb.KioskID, hb.SentAt = b.ob.KioskID(), b.o.Now().UTC()
	hb.Backlog, hb.OldestSeconds = st.Pending(), int64(st.OldestQueued/time.Second)
	return hb
}

// beatOnce sends one heartbeat.
func (b *Beacon) beatOnce(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, b.o.RequestTimeout)
	defer cancel()
	_, err := b.c.SendHeartbeat(rctx, b.Heartbeat())
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.lastErr = err.Error()
		return err
	}
	b.lastBeat, b.lastErr = b.o.Now(), ""
	return nil
}

// noticesOnce reads the hall's notices into the cache.
func (b *Beacon) noticesOnce(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, b.o.RequestTimeout)
	defer cancel()
	ns, err := b.c.Notices(rctx, b.ob.KioskID())
	if err != nil {
		return err
	}
	return b.cache.SetNotices(ns, b.o.Now())
}

// LastBeat is when the hall last answered a heartbeat (zero: never), and why the last one
// failed ("" when it did not).
func (b *Beacon) LastBeat() (time.Time, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastBeat, b.lastErr
}

func (b *Beacon) logf(msg string, args ...any) {
	if b.o.Log != nil {
		b.o.Log.Info("beacon: "+msg, args...)
	}
}
