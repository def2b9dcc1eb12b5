package duty

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/txn"
)

// Source is what the duty pages read: the hall's store with its duty side. Both of the
// hall's stores (boltstore, pgstore) are one.
type Source interface {
	hall.Fleet
	// Alarms are the hall's stored alarms (sequence gaps and repeats, lookups), oldest first.
	Alarms(ctx context.Context) ([]hall.Alarm, error)
}

// Alarm is one thing on the duty leader's alarm list, whichever part of the hall raised it:
// an incident derived from heartbeats (out of service, paper out, backlog, certificate,
// silent), a tamper transaction, or a stored alarm (sequence gap or repeat, lookups).
type Alarm struct {
	ID      string // "i:" incident id, "t:" kiosk/transaction, "a:" a hash of the stored alarm
	KioskID string
	Kind    string // hall.Alarm... of either kind
	Detail  string
	At      time.Time // when it began
	End     time.Time // an incident that ended; zero while it lasts and for the others
	Lasting bool      // an incident not yet ended
	Ack     *hall.Ack // nil until acknowledged
}

// Pending reports whether the alarm still wants the duty leader: not acknowledged.
func (a Alarm) Pending() bool { return a.Ack == nil }

// alarmID names a stored alarm: it has no id of its own, and its fields do not change.
func alarmID(a hall.Alarm) string {
	h := sha256.Sum256([]byte(a.At.UTC().Format(time.RFC3339Nano) + "\x00" + a.KioskID + "\x00" + a.Kind + "\x00" + a.Detail))
	return "a:" + hex.EncodeToString(h[:9])
}

// TamperID names the alarm of a tamper transaction.
func TamperID(kiosk, txnID string) string { return "t:" + kiosk + "/" + txnID }

// Alarms gathers the alarms since from (and every incident still lasting), with their
// acknowledgements: lasting and unacknowledged first, then newest first. tampers are the
// tamper_alarm transactions of the period (from Between).
func Alarms(ctx context.Context, src Source, from time.Time, entries []hall.Entry) ([]Alarm, error) {
	incs, err := src.Incidents(ctx, from)
	if err != nil {
		return nil, err
	}
	stored, err := src.Alarms(ctx)
	if err != nil {
		return nil, err
	}
	acks, err := src.Acks(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*hall.Ack, len(acks))
	for i := range acks {
		byID[acks[i].AlarmID] = &acks[i]
	}
	var out []Alarm
	for _, inc := range incs {
		out = append(out, Alarm{ID: "i:" + inc.ID, KioskID: inc.KioskID, Kind: inc.Kind, Detail: inc.Detail,
			At: inc.Start, End: inc.End, Lasting: inc.Open()})
	}
	for _, e := range entries {
		if e.Txn.Kind == txn.KindTamper {
			out = append(out, Alarm{ID: TamperID(e.Txn.KioskID, e.Txn.ID), KioskID: e.Txn.KioskID, Kind: hall.AlarmTamper,
				Detail: tamperDetail(e), At: e.Txn.CreatedAt})
		}
	}
	for _, a := range stored {
		if a.At.Before(from) {
			continue
		}
		out = append(out, Alarm{ID: alarmID(a), KioskID: a.KioskID, Kind: a.Kind, Detail: a.Detail, At: a.At})
	}
	for i := range out {
		out[i].Ack = byID[out[i].ID]
	}
	rank := func(a Alarm) int { // unacknowledged before acknowledged; lasting first within each
		r := 0
		if !a.Pending() {
			r += 2
		}
		if !a.Lasting {
			r++
		}
		return r
	}
	slices.SortStableFunc(out, func(a, b Alarm) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return b.At.Compare(a.At)
	})
	return out, nil
}

// tamperDetail is what a tamper transaction says, never anything personal: "door_open", or
// "door_open_session" when a taxpayer was being served (the pages word it, duty.tamper.*).
func tamperDetail(e hall.Entry) string {
	var b struct {
		Session bool `json:"session"`
	}
	json.Unmarshal(e.Txn.Body, &b)
	if b.Session {
		return "door_open_session"
	}
	return "door_open"
}

// Known reports whether id names one of alarms.
func Known(alarms []Alarm, id string) bool {
	return slices.ContainsFunc(alarms, func(a Alarm) bool { return a.ID == id })
}
