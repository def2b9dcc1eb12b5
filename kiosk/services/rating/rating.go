package rating

import (
	"context"
	"errors"
	"slices"

	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// ErrBadRating is returned for a level outside 1..5 or an unknown reason.
var ErrBadRating = errors.New("rating: must be 1 to 5 with known reasons")

// Counter is the front desk as ratings use it.
type Counter interface {
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
}

// reasons are the quick reasons a taxpayer may tick beside a rating, by key; the screen shows
// rate.reason.<key>.
var reasons = []string{"easy", "fast", "clear", "slow", "hard", "device"}

// Reasons lists the quick reasons in screen order.
func Reasons() []string { return slices.Clone(reasons) }

// Body is what a rating records: the level, the quick reasons and the kind of service rated.
// No Taxpayer, no transaction id, no time finer than the transaction's own.
type Body struct {
	Level   int      `json:"level"`
	Reasons []string `json:"reasons"`
	Service txn.Kind `json:"service,omitempty"`
}

// Service records ratings.
type Service struct{ c Counter }

// New is the rating service over counter c.
func New(c Counter) *Service { return &Service{c: c} }

// Rate records the rating of a visit that ended with a service of kind service.
func (s *Service) Rate(ctx context.Context, level int, why []string, service txn.Kind) error {
	if level < 1 || level > 5 {
		return ErrBadRating
	}
	for _, r := range why {
		if !slices.Contains(reasons, r) {
			return ErrBadRating
		}
	}
	_, err := s.c.Submit(ctx, counter.Submission{Kind: txn.KindRating, Always: true, Body: Body{Level: level, Reasons: why, Service: service}})
	return err
}
