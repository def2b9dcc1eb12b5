package hall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// MaxIDLen bounds a transaction id. A kiosk's ids are UUIDs (36 bytes); the bound leaves room
// for other kiosks' schemes and keeps ids far below what a store key may hold.
const MaxIDLen = 128

var (
	errTooLarge = errors.New("hall: body above the limit")
	errTooMany  = errors.New("hall: too many transactions")
)

// readLimited reads at most limit bytes of body; one more is errTooLarge. The buffer starts at
// the announced length (itself at most limit), so an honest body is read without regrowing.
func readLimited(body io.Reader, announced, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if announced > 0 && announced <= limit {
		buf.Grow(int(announced) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// decodeBatch reads a batch's kiosk id and its transactions, raw, stopping at the
// (max+1)th transaction: a batch of a million empty objects is refused after max+1 of them,
// without a Txn made for any. The raw bytes are kept so that readTxn sees what was sent.
func decodeBatch(body []byte, max int) (hallapi.Batch, []json.RawMessage, error) {
	var b hallapi.Batch
	var raws []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return b, nil, fmt.Errorf("hall: batch is not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return b, nil, err
		}
		// Keys match as encoding/json matches them (case-insensitively, the last of a
		// repeated key winning), so that the hall reads a batch as a kiosk's encoder meant it.
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "kiosk_id"):
			if err := dec.Decode(&b.KioskID); err != nil {
				return b, nil, err
			}
			if strings.ContainsRune(b.KioskID, utf8.RuneError) {
				return b, nil, fmt.Errorf("hall: kiosk id is not UTF-8")
			}
		case strings.EqualFold(key, "txns"):
			raws = nil
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				if tok == nil && err == nil {
					continue // "txns": null
				}
				return b, nil, fmt.Errorf("hall: txns is not a list")
			}
			for dec.More() {
				if len(raws) == max {
					return b, nil, errTooMany
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return b, nil, err
				}
				raws = append(raws, raw)
			}
			if _, err := dec.Token(); err != nil {
				return b, nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return b, nil, err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return b, nil, err
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) != 0 {
		return b, nil, fmt.Errorf("hall: data after the batch")
	}
	return b, raws, nil
}

// readTxn decodes one transaction of kiosk, or says why it is refused for good. Text that is
// not UTF-8 is refused, never rewritten: encoding/json would turn it into U+FFFD, and the id
// the hall stored and answered with would not be the one the kiosk holds. The refusal then
// names the transaction by its index in the batch only.
func readTxn(raw json.RawMessage, kiosk string) (txn.Txn, *hallapi.Rejection) {
	var t txn.Txn
	if !utf8.Valid(raw) {
		return t, &hallapi.Rejection{Code: hallapi.CodeInvalidText, Message: "transaction is not valid UTF-8"}
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, &hallapi.Rejection{Code: hallapi.CodeInvalidTxn, Message: "malformed transaction"}
	}
	if rewritten(t) {
		// A JSON escape of half a surrogate pair decodes to U+FFFD as well.
		return t, &hallapi.Rejection{Code: hallapi.CodeInvalidText, Message: "transaction text is not valid UTF-8"}
	}
	switch {
	case t.ID == "":
		return t, &hallapi.Rejection{Code: hallapi.CodeInvalidTxn, Message: "transaction without id"}
	case len(t.ID) > MaxIDLen:
		return t, &hallapi.Rejection{Code: hallapi.CodeInvalidTxn, Message: fmt.Sprintf("transaction id longer than %d bytes", MaxIDLen)}
	case t.KioskID != "" && t.KioskID != kiosk:
		return t, &hallapi.Rejection{ID: t.ID, Code: hallapi.CodeInvalidTxn, Message: "transaction of another kiosk"}
	}
	t.KioskID = kiosk
	return t, nil
}

// rewritten reports whether decoding put U+FFFD in place of bad text in a field the hall
// keeps or answers with.
func rewritten(t txn.Txn) bool {
	fields := []string{t.ID, t.KioskID, string(t.Kind)}
	if tp := t.Taxpayer; tp != nil {
		fields = append(fields, tp.Name, tp.IDNumber, tp.CardType, tp.Address)
	}
	for _, f := range fields {
		if strings.ContainsRune(f, utf8.RuneError) {
			return true
		}
	}
	return false
}
