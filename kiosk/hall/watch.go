package hall

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"slices"
	"sync"
	"time"

	"taxkiosk/kiosk/hallapi"
)

// Limits bounds what a kiosk may ask about people. A zero field takes its default.
type Limits struct {
	// SessionAge is how far a payment's card read may lie from the payment, either way (both
	// by the kiosk's clock). Zero: 30 minutes.
	SessionAge time.Duration
	// KioskLookups is how many lookups one kiosk may make per minute. Zero: 12 (one person
	// every five seconds, far above what a queue at one kiosk allows).
	KioskLookups int
	// PersonLookups is how many lookups about one ID number all kiosks together may make per
	// hour. Zero: 10.
	PersonLookups int
	// ManyPeople is how many distinct ID numbers one kiosk may look up per hour before an
	// alarm. Zero: 30.
	ManyPeople int
	// IdleLookups is how many of one kiosk's lookups within an hour may be followed, for an
	// hour, by no transaction of that person before an alarm. Zero: 10.
	IdleLookups int
}

func (l Limits) withDefaults() Limits {
	if l.SessionAge <= 0 {
		l.SessionAge = 30 * time.Minute
	}
	if l.KioskLookups <= 0 {
		l.KioskLookups = 12
	}
	if l.PersonLookups <= 0 {
		l.PersonLookups = 10
	}
	if l.ManyPeople <= 0 {
		l.ManyPeople = 30
	}
	if l.IdleLookups <= 0 {
		l.IdleLookups = 10
	}
	return l
}

// watchWindow is the window of the per-person limit and of the alarms.
const watchWindow = time.Hour

// watch is the hall's memory of who asked about whom, for rate limits and alarms. It keeps
// ID numbers only as keyed hashes (the key is random per process and never stored), so that
// it holds no personal data, and it forgets what is older than an hour.
type watch struct {
	mu     sync.Mutex
	key    [32]byte
	lim    Limits
	kiosks map[string]*kioskWatch
	people map[string][]time.Time // hashed ID number -> lookups within the window
	swept  time.Time              // when people and kiosks were last swept whole
}

type kioskWatch struct {
	// sessions are the card sessions seen, by SAM id and card read time: each is one card,
	// so one person (hashed ID number), seen last at the hall's time.
	sessions map[sessionKey]seenSession
	latest   time.Time            // the latest card read time seen, by the kiosk's clock
	lookups  []time.Time          // within the last minute
	people   map[string]time.Time // hashed ID number -> last lookup within the window
	waiting  map[string]time.Time // hashed ID number -> a lookup not yet followed by a transaction
	idle     []time.Time          // lookups that waited the window for nothing, within the window
	alarmed  map[string]time.Time // alarm kind -> when last raised, to raise each once per window
	lastSeen time.Time
}

func newWatch(l Limits) *watch {
	w := &watch{lim: l.withDefaults(), kiosks: map[string]*kioskWatch{}, people: map[string][]time.Time{}}
	if _, err := rand.Read(w.key[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return w
}

func (w *watch) hash(idNumber string) string {
	m := hmac.New(sha256.New, w.key[:])
	m.Write([]byte(idNumber))
	return string(m.Sum(nil))
}

func (w *watch) kiosk(id string, now time.Time) *kioskWatch {
	k := w.kiosks[id]
	if k == nil {
		k = &kioskWatch{sessions: map[sessionKey]seenSession{}, people: map[string]time.Time{}, waiting: map[string]time.Time{}, alarmed: map[string]time.Time{}}
		w.kiosks[id] = k
	}
	k.lastSeen = now
	return k
}

// since drops the times before from.
func since(ts []time.Time, from time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(from) {
		i++
	}
	return ts[i:]
}

type sessionKey struct {
	sam    string
	readAt int64 // card read time, Unix nanoseconds by the kiosk's clock
}

type seenSession struct {
	person string // hashed ID number
	seen   time.Time
}

func keyOf(s hallapi.Session) sessionKey {
	return sessionKey{sam: s.SAMID, readAt: s.CardReadAt.UnixNano()}
}

// lookup decides whether kiosk may look up idNumber now in card session sess; limited says
// what refused it: "session" (a session another person's card opened, or one older than
// the kiosk's latest: a replay), "kiosk" or "person" (a rate). alarms are what the lookup
// showed, each kind raised at most once per window per kiosk.
//
// Session times are the kiosk's clock and are compared only with each other, never with
// the hall's: a kiosk whose clock drifted is still served.
func (w *watch) lookup(kiosk, idNumber string, sess hallapi.Session, now time.Time) (limited string, alarms []Alarm) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.hash(idNumber)
	k := w.kiosk(kiosk, now)
	w.forget(k, now)
	w.people[h] = since(w.people[h], now.Add(-watchWindow))
	raise := func(kind, detail string) { alarms = append(alarms, k.raise(kiosk, kind, detail, now)...) }
	sk := keyOf(sess)
	if seen, ok := k.sessions[sk]; ok && seen.person != h {
		raise(AlarmNoSession, "one card session used to look up another person")
		return "session", alarms
	} else if !ok && sess.CardReadAt.Before(k.latest) {
		raise(AlarmNoSession, "a card session older than the kiosk's latest: replayed or forged")
		return "session", alarms
	}
	k.sessions[sk] = seenSession{person: h, seen: now}
	if sess.CardReadAt.After(k.latest) {
		k.latest = sess.CardReadAt
	}
	if len(k.idle) >= w.lim.IdleLookups {
		raise(AlarmIdleLookups, fmt.Sprintf("%d lookups within %v followed by no transaction of the person", len(k.idle), watchWindow))
	}
	switch {
	case len(k.lookups) >= w.lim.KioskLookups:
		raise(AlarmRateLimited, fmt.Sprintf("more than %d lookups per minute from this kiosk", w.lim.KioskLookups))
		return "kiosk", alarms
	case len(w.people[h]) >= w.lim.PersonLookups:
		raise(AlarmRateLimited, fmt.Sprintf("more than %d lookups per hour about one person", w.lim.PersonLookups))
		return "person", alarms
	}
	k.lookups = append(k.lookups, now)
	w.people[h] = append(w.people[h], now)
	k.people[h] = now
	if _, ok := k.waiting[h]; !ok {
		k.waiting[h] = now
	}
	if len(k.people) > w.lim.ManyPeople {
		raise(AlarmManyPeople, fmt.Sprintf("%d distinct ID numbers within %v", len(k.people), watchWindow))
	}
	return "", alarms
}

// refused records that kiosk asked without a valid session: an alarm, once per window.
func (w *watch) refused(kiosk, detail string, now time.Time) []Alarm {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.kiosk(kiosk, now).raise(kiosk, AlarmNoSession, detail, now)
}

// raise is an alarm of kind unless one was raised within the window.
func (k *kioskWatch) raise(kiosk, kind, detail string, now time.Time) []Alarm {
	if at, ok := k.alarmed[kind]; ok && now.Sub(at) < watchWindow {
		return nil
	}
	k.alarmed[kind] = now
	return []Alarm{{At: now, KioskID: kiosk, Kind: kind, Detail: detail}}
}

// otherPerson reports whether kiosk's card session sess was seen in a lookup about
// someone other than the holder of idNumber.
func (w *watch) otherPerson(kiosk string, sess hallapi.Session, idNumber string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := w.kiosks[kiosk]
	if k == nil {
		return false
	}
	seen, ok := k.sessions[keyOf(sess)]
	return ok && seen.person != w.hash(idNumber)
}

// transaction notes that kiosk sent a transaction of the holder of idNumber: the lookups
// about them were not idle.
func (w *watch) transaction(kiosk, idNumber string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if k := w.kiosks[kiosk]; k != nil {
		delete(k.waiting, w.hash(idNumber))
	}
}

// forget drops what fell out of the windows; a lookup that waited the whole window for a
// transaction becomes idle. Kiosks and people not seen for a window are dropped whole.
func (w *watch) forget(k *kioskWatch, now time.Time) {
	k.lookups = since(k.lookups, now.Add(-time.Minute))
	for sk, seen := range k.sessions {
		if now.Sub(seen.seen) >= watchWindow {
			delete(k.sessions, sk)
		}
	}
	for h, at := range k.people {
		if now.Sub(at) >= watchWindow {
			delete(k.people, h)
		}
	}
	for h, at := range k.waiting {
		if now.Sub(at) >= watchWindow {
			delete(k.waiting, h)
			k.idle = append(k.idle, at.Add(watchWindow))
		}
	}
	slices.SortFunc(k.idle, time.Time.Compare)
	k.idle = since(k.idle, now.Add(-watchWindow))
	if now.Sub(w.swept) < time.Minute {
		return
	}
	w.swept = now
	for h, ts := range w.people {
		if ts = since(ts, now.Add(-watchWindow)); len(ts) == 0 {
			delete(w.people, h)
		} else {
			w.people[h] = ts
		}
	}
	for id, o := range w.kiosks {
		if o != k && now.Sub(o.lastSeen) >= 2*watchWindow {
			delete(w.kiosks, id)
		}
	}
}
