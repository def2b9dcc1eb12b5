package desk

import (
	"context"
	"fmt"
	"slices"

	"taxkiosk/kiosk/txn"
)

// RatingReasons are the quick reasons a taxpayer may tick beside a rating, by key; the
// screen shows rate.reason.<key>.
var ratingReasons = []string{"easy", "fast", "clear", "slow", "hard", "device"}

// RatingReasons lists the quick reasons in screen order.
func RatingReasons() []string { return slices.Clone(ratingReasons) }

// ErrBadRating is returned for a level outside 1..5 or an unknown reason.
var ErrBadRating = fmt.Errorf("desk: rating must be 1 to 5 with known reasons")

// RatingBody is what a rating records: the level, the quick reasons and the kind of service
// rated. It is anonymous as the screen promises: no Taxpayer, and nothing that leads to one
// (no transaction id, no time finer than the transaction's own), so the hall can count
// ratings per service and kiosk, never per person.
type RatingBody struct {
	Level   int      `json:"level"`
	Reasons []string `json:"reasons"`
	Service txn.Kind `json:"service,omitempty"`
}

// Rate records the taxpayer's rating of a visit that ended with a service of kind service
// as an anonymous transaction of its own.
func (d *Desk) Rate(ctx context.Context, level int, reasons []string, service txn.Kind) error {
	if level < 1 || level > 5 {
		return ErrBadRating
	}
	for _, r := range reasons {
		if !slices.Contains(ratingReasons, r) {
			return ErrBadRating
		}
	}
	_, err := d.accept(ctx, txn.KindRating, nil, RatingBody{Level: level, Reasons: reasons, Service: service})
	return err
}
