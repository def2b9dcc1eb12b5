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

// Rate records the taxpayer's rating of the visit as a transaction of its own. It is
// anonymous: no Taxpayer, only the transaction it follows, so the hall can relate a poor
// rating to what happened.
func (d *Desk) Rate(ctx context.Context, level int, reasons []string, after string) error {
	if level < 1 || level > 5 {
		return ErrBadRating
	}
	for _, r := range reasons {
		if !slices.Contains(ratingReasons, r) {
			return ErrBadRating
		}
	}
	_, err := d.accept(ctx, txn.KindRating, nil, struct {
		Level   int      `json:"level"`
		Reasons []string `json:"reasons"`
		After   string   `json:"after_txn,omitempty"`
	}{level, reasons, after})
	return err
}
