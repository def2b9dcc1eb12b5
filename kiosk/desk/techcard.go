package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/mask"
	"taxkiosk/kiosk/maint"
)

// AwaitTechnician tells the desk the PIN pad is open (on) or closed: while it is, an ID card
// placed on the reader is a technician's, and one on the allow list opens maintenance
// instead of the PIN. No taxpayer session starts from a card placed meanwhile.
func (d *Desk) AwaitTechnician(on bool) {
	d.awaitTech.Store(on)
}

// technicianCard checks a card placed at the PIN pad against the allow list. A refused card
// counts as a wrong PIN towards the lockout, once per placing.
func (d *Desk) technicianCard(ctx context.Context, card *idcard.Card) {
	seen := cardTag(card)
	masked := mask.ID(card.IDNumber)
	ok := len(d.opts.TechnicianCards) > 0 && seen != d.techSeen && maint.VerifyCard(d.opts.TechnicianCards, card.IDNumber)
	wipe(card)
	if seen == d.techSeen {
		return // the refused card still lies there
	}
	now := d.clock.Now()
	if w := d.lockout.Wait(now); w > 0 {
		d.techSeen = seen
		d.emit(TechnicianRefused{Err: &LockedError{Wait: w}})
		return
	}
	if !ok {
		d.techSeen = seen
		lock := d.lockout.Fail(now)
		d.audit(ctx, "failed_card", map[string]any{"card": masked, "failures": d.lockout.Failures(), "locked_for": lock.String()})
		var err error = ErrUnknownCard
		if lock > 0 {
			err = &LockedError{Wait: lock}
		}
		d.emit(TechnicianRefused{Err: err})
		return
	}
	if err := d.enterMaintenance(ctx, map[string]any{"via": "card", "card": masked}); err != nil {
		d.emit(TechnicianRefused{Err: err})
		return
	}
	d.techSeen = seen // left on the reader after maintenance, it is not a taxpayer's card
}

// cardTag tells one card from another without keeping its number.
func cardTag(c *idcard.Card) string {
	sum := sha256.Sum256([]byte(c.IDNumber))
	return hex.EncodeToString(sum[:])
}

// wipe overwrites what a card read holds, for a card that starts no session.
func wipe(c *idcard.Card) {
	clear(c.Photo)
	*c = idcard.Card{}
}
