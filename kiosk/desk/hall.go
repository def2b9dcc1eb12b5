package desk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"taxkiosk/kiosk/hallapi"
)

// EnterpriseLookup is the hall's answer a taxpayer waits for at the kiosk: whom they may act
// for. Offline, the desk goes on without it: the cache answers, or the taxpayer types a
// credit code.
type EnterpriseLookup interface {
	Lookup(ctx context.Context, idNumber string, sess hallapi.Session) ([]hallapi.Enterprise, error)
}

// hallAsk bounds a question to the hall asked while a taxpayer waits.
const hallAsk = 5 * time.Second

// EnterpriseCache keeps what the hall last said each person may act for, for use while the
// hall cannot be reached (package entcache).
type EnterpriseCache interface {
	Put(idNumber string, list []hallapi.Enterprise, at time.Time) error
	Get(idNumber string) (list []hallapi.Enterprise, at time.Time, ok bool, err error)
}

// enterprises is what the hall said the current taxpayer may act for; dropped with the
// session. cachedAt is non-zero when the list came from the cache. card names the session
// to the hall (lookups and payments carry it); sam is the reader's SAM id, read once.
type enterprises struct {
	mu       sync.Mutex
	list     []hallapi.Enterprise
	cachedAt time.Time
	card     hallapi.Session
	sam      string
}

// samReader is a card reader that can report its security module's id (drivers/idcard).
type samReader interface {
	SAMID(ctx context.Context) (string, []byte, error)
}

// beginSession notes the card session the hall will be told about: the card read now, by
// the reader's SAM. The SAM id is asked once; a reader that cannot tell it leaves it empty,
// and the hall then refuses lookups (the cache answers) and payments.
func (d *Desk) beginSession(ctx context.Context) {
	d.ents.mu.Lock()
	sam := d.ents.sam
	d.ents.mu.Unlock()
	if sr, ok := d.reader.(samReader); ok && sam == "" {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		if text, _, err := sr.SAMID(sctx); err == nil {
			sam = text
		} else {
			d.log.Warn("desk: reader's SAM id not read", "err", err)
		}
		cancel()
	}
	d.ents.mu.Lock()
	d.ents.sam, d.ents.card = sam, hallapi.Session{CardReadAt: d.clock.Now().UTC(), SAMID: sam}
	d.ents.mu.Unlock()
}

// CardSession is the current card session as the hall is told about it: lookups and
// payments carry it, and the hall answers only within it.
func (d *Desk) CardSession() hallapi.Session { return d.ents.cardSession() }

func (e *enterprises) cardSession() hallapi.Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.card
}

func (e *enterprises) set(l []hallapi.Enterprise, cachedAt time.Time) {
	e.mu.Lock()
	e.list, e.cachedAt = l, cachedAt
	e.mu.Unlock()
}

func (e *enterprises) get() ([]hallapi.Enterprise, time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.list, e.cachedAt
}

// lookupEnterprises asks the hall, in the background, whom the taxpayer may act for, and
// keeps the answer for when the hall cannot be reached; then the cache answers instead.
func (d *Desk) lookupEnterprises(ctx context.Context, idNumber string) {
	if d.opts.Hall == nil && d.opts.Enterprises == nil {
		return
	}
	go func() {
		list, cachedAt, err := d.askHallOrCache(ctx, idNumber)
		if err != nil {
			d.log.Info("desk: enterprises not looked up; the taxpayer may type a credit code", "err", err)
			return
		}
		if !d.sess.Active() {
			return // the taxpayer left meanwhile
		}
		d.ents.set(list, cachedAt)
		d.emit(EnterprisesLoaded{Count: len(list), CachedAt: cachedAt})
	}()
}

func (d *Desk) askHallOrCache(ctx context.Context, idNumber string) ([]hallapi.Enterprise, time.Time, error) {
	// A hall the sync loop already found down is not asked again: the taxpayer would wait
	// the whole timeout for what the cache answers at once.
	st := d.uplink.Status()
	err := errors.New("desk: no hall configured")
	if d.opts.Hall != nil {
		err = fmt.Errorf("desk: hall unreachable: %s", st.LastError)
	}
	if d.opts.Hall != nil && (st.Online || st.Failures == 0) {
		ctx, cancel := context.WithTimeout(ctx, hallAsk)
		var list []hallapi.Enterprise
		list, err = d.opts.Hall.Lookup(ctx, idNumber, d.ents.cardSession())
		cancel()
		if err == nil {
			if d.opts.Enterprises != nil {
				if perr := d.opts.Enterprises.Put(idNumber, list, d.clock.Now()); perr != nil {
					d.log.Warn("desk: enterprise cache not updated", "err", perr)
				}
			}
			return list, time.Time{}, nil
		}
	}
	if d.opts.Enterprises == nil {
		return nil, time.Time{}, err
	}
	list, at, ok, cerr := d.opts.Enterprises.Get(idNumber)
	switch {
	case cerr != nil:
		return nil, time.Time{}, errors.Join(err, cerr)
	case !ok:
		return nil, time.Time{}, fmt.Errorf("%w; nothing cached", err)
	}
	return list, at, nil
}

// Enterprises lists whom the current taxpayer may act for, as the hall said; empty when
// neither the hall nor the cache answered, or not yet.
func (d *Desk) Enterprises() []hallapi.Enterprise {
	if !d.sess.Active() {
		return nil
	}
	list, _ := d.ents.get()
	return list
}

// EnterprisesCachedAt is when the hall gave the enterprise list shown now, when it came from
// the kiosk's cache because the hall could not be reached; zero for a live answer.
func (d *Desk) EnterprisesCachedAt() time.Time {
	_, at := d.ents.get()
	if at.IsZero() {
		return at
	}
	return at.In(d.opts.Location) // as the receipts show times
}

// RefreshEnterprises asks the hall again whom the taxpayer acts for (after a return the hall
// accepted with tax payable, so that the payment screens list what it now owes) and keeps the
// answer for the session. live is false when the hall could not be asked: a cached list
// predates what was just filed, so it is neither kept nor returned.
func (d *Desk) RefreshEnterprises(ctx context.Context) (list []hallapi.Enterprise, live bool) {
	tp, ok := d.sess.Taxpayer()
	if !ok {
		return nil, false
	}
	list, cachedAt, err := d.askHallOrCache(ctx, tp.IDNumber)
	if err != nil || !cachedAt.IsZero() {
		return nil, false
	}
	d.ents.set(list, cachedAt)
	return list, true
}
