package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadAmount is returned for text that is not an amount in yuan with at most two decimals.
var ErrBadAmount = errors.New("money: not an amount in yuan")

// Amount is a sum of money in fen.
type Amount int64

// Yuan makes an Amount of whole yuan.
func Yuan(y int64) Amount { return Amount(y * 100) }

// Parse reads "0", "32", "476.6", "1234.56" or "-3.10". More than two decimals, exponents,
// separators or anything else is ErrBadAmount.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") || len(whole) > 15 {
		return 0, fmt.Errorf("%w: %q", ErrBadAmount, s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%w: %q", ErrBadAmount, s)
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	a := Amount(w*100 + f)
	if neg {
		a = -a
	}
	return a, nil
}

// String prints yuan with two decimals: "476.60".
func (a Amount) String() string {
	sign := ""
	v := int64(a)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MulRate multiplies by a rate given in basis points (1% = 100) and rounds half away from
// zero to the fen, as tax is rounded on returns.
func (a Amount) MulRate(bp int64) Amount {
	p := int64(a) * bp
	q, r := p/10000, p%10000
	if r >= 5000 {
		q++
	} else if r <= -5000 {
		q--
	}
	return Amount(q)
}

func (a Amount) MarshalJSON() ([]byte, error) { return []byte(`"` + a.String() + `"`), nil }

func (a *Amount) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBadAmount, b)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
