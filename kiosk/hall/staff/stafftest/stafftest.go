package stafftest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"taxkiosk/kiosk/hall/staff"
)

var t0 = time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC) // 09:00 in the hall

// CheapHash is a password hash made with small argon2id costs, so that tests that make
// many accounts do not spend the machine's memory; the password is "correct horse".
var CheapHash = cheapHash()

func cheapHash() string {
	h, err := staff.PasswordHash("correct horse", staff.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		panic(err)
	}
	return h
}

// Run runs the suite; open returns a new, empty store for each subtest (closed in t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) staff.Store) {
	ctx := context.Background()
	t.Run("Accounts", func(t *testing.T) {
		s := open(t)
		a := staff.Account{Name: "王芳", Role: staff.RoleSeat, Hash: CheapHash, Created: t0}
		if err := s.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAccount(ctx, a); !errors.Is(err, staff.ErrExists) {
			t.Fatalf("second add: %v", err)
		}
		if err := s.AddAccount(ctx, staff.Account{Name: "c1", Role: staff.RoleCounter, Hash: CheapHash}); !errors.Is(err, staff.ErrInvalid) {
			t.Fatalf("counter clerk without a counter: %v", err)
		}
		if err := s.AddAccount(ctx, staff.Account{Name: "c1", Role: staff.RoleCounter, Counter: 3, Hash: CheapHash}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Account(ctx, "王芳")
		if err != nil || got.Role != staff.RoleSeat || !staff.CheckPassword(got.Hash, "correct horse") || !got.Created.Equal(t0) {
			t.Fatalf("Account = %+v, %v", got, err)
		}
		if _, err := s.Account(ctx, "nobody"); !errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("unknown account: %v", err)
		}
		as, err := s.Accounts(ctx)
		if err != nil || len(as) != 2 || as[0].Name != "c1" {
			t.Fatalf("Accounts = %+v, %v", as, err)
		}
		// Failures counted atomically: twenty concurrent failures are twenty.
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.UpdateAccount(ctx, "c1", func(a *staff.Account) error { a.Failures++; return nil }); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if a, _ := s.Account(ctx, "c1"); a.Failures != 20 {
			t.Fatalf("failures = %d, want 20", a.Failures)
		}
		boom := errors.New("boom")
		if _, err := s.UpdateAccount(ctx, "c1", func(a *staff.Account) error { a.Failures = 0; return boom }); !errors.Is(err, boom) {
			t.Fatalf("aborted update: %v", err)
		}
		if a, _ := s.Account(ctx, "c1"); a.Failures != 20 {
			t.Fatalf("an aborted update was stored: %d", a.Failures)
		}
		if _, err := s.UpdateAccount(ctx, "c1", func(a *staff.Account) error { a.Counter = 0; return nil }); !errors.Is(err, staff.ErrInvalid) {
			t.Fatalf("update to an invalid account: %v", err)
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		s := open(t)
		se := staff.Session{ID: "abc", Account: "王芳", CSRF: "x", Created: t0, Expires: t0.Add(time.Hour)}
		if err := s.PutSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, "abc")
		if err != nil || got.Account != "王芳" || got.CSRF != "x" || !got.Expires.Equal(se.Expires) {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		// A later session clears the expired ones.
		if err := s.PutSession(ctx, staff.Session{ID: "def", Account: "王芳", Created: t0.Add(2 * time.Hour), Expires: t0.Add(3 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "abc"); !errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("expired session kept: %v", err)
		}
		if err := s.DeleteSession(ctx, "def"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "def"); !errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		s := open(t)
		for i := range 5 {
			if err := s.Audit(ctx, staff.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Who: "王芳", Action: fmt.Sprint("a", i)}); err != nil {
				t.Fatal(err)
			}
		}
		log, err := s.AuditLog(ctx, 3)
		if err != nil || len(log) != 3 || log[0].Action != "a4" || log[2].Action != "a2" || log[0].Who != "王芳" {
			t.Fatalf("AuditLog = %+v, %v", log, err)
		}
	})
	t.Run("HelpCalls", func(t *testing.T) {
		s := open(t)
		if err := s.PutKiosk(ctx, staff.Kiosk{ID: "K1", Name: "1号机", Place: "东侧自助区"}); err != nil {
			t.Fatal(err)
		}
		if ks, err := s.Kiosks(ctx); err != nil || len(ks) != 1 || ks[0].Place != "东侧自助区" {
			t.Fatalf("Kiosks = %+v, %v", ks, err)
		}
		c := staff.HelpCall{ID: "K1/h1", KioskID: "K1", CalledAt: t0, Source: "button", Service: "vat_return", MaskedName: "张*"}
		for i, want := range []bool{true, false} {
			if added, err := s.AddHelpCall(ctx, c); err != nil || added != want {
				t.Fatalf("add %d: %v %v", i, added, err)
			}
		}
		if _, err := s.AddHelpCall(ctx, staff.HelpCall{ID: "K2/h1", KioskID: "K2", CalledAt: t0.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.Accept(ctx, s, "K1/h1", "王芳", t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.Accept(ctx, s, "K1/h1", "李强", t0.Add(40*time.Second)); !errors.Is(err, staff.ErrState) {
			t.Fatalf("second accept: %v", err)
		}
		if _, err := staff.Resolve(ctx, s, "K2/h1", "王芳", "x", t0); !errors.Is(err, staff.ErrState) {
			t.Fatalf("resolve before accept: %v", err)
		}
		got, err := staff.Resolve(ctx, s, "K1/h1", "王芳", "已指导完成申报", t0.Add(5*time.Minute))
		if err != nil || got.State != staff.HelpResolved || got.AcceptedBy != "王芳" || got.Note != "已指导完成申报" || got.MaskedName != "张*" {
			t.Fatalf("resolved = %+v, %v", got, err)
		}
		last, err := s.LatestHelpCall(ctx, "K1")
		if err != nil || last.State != staff.HelpResolved {
			t.Fatalf("LatestHelpCall = %+v, %v", last, err)
		}
		if _, err := s.LatestHelpCall(ctx, "K9"); !errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("LatestHelpCall of a silent kiosk: %v", err)
		}
		// Since after both: only the unresolved one.
		cs, err := s.HelpCalls(ctx, t0.Add(time.Hour))
		if err != nil || len(cs) != 1 || cs[0].ID != "K2/h1" {
			t.Fatalf("HelpCalls(later) = %+v, %v", cs, err)
		}
		cs, err = s.HelpCalls(ctx, t0)
		if err != nil || len(cs) != 2 || cs[0].ID != "K1/h1" {
			t.Fatalf("HelpCalls(t0) = %+v, %v", cs, err)
		}
		f := staff.Figures(cs, staff.Day(t0))
		if f.Calls != 2 || f.Accepted != 1 || f.Resolved != 1 || f.MeanToAccept != 30*time.Second || f.MeanToResolve != 5*time.Minute {
			t.Fatalf("Figures = %+v", f)
		}
	})
	t.Run("HelpCancelled", func(t *testing.T) {
		s := open(t)
		// K1's first call is withdrawn while waiting, its second after a seat took it; K2's
		// is resolved before its cancel arrives.
		for _, c := range []staff.HelpCall{
			{ID: "K1/h1", KioskID: "K1", Number: "00000007", CalledAt: t0},
			{ID: "K1/h2", KioskID: "K1", Number: "00000009", CalledAt: t0.Add(2 * time.Minute)},
			{ID: "K2/h1", KioskID: "K2", Number: "00000003", CalledAt: t0.Add(time.Minute)},
		} {
			if _, err := s.AddHelpCall(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		got, err := staff.Cancel(ctx, s, "K1/h1", t0.Add(20*time.Second))
		if err != nil || got.State != staff.HelpCancelled || !got.CancelledAt.Equal(t0.Add(20*time.Second)) || got.Number != "00000007" || got.Open() {
			t.Fatalf("cancelled = %+v, %v", got, err)
		}
		if again, err := staff.Cancel(ctx, s, "K1/h1", t0.Add(time.Minute)); err != nil || !again.CancelledAt.Equal(got.CancelledAt) {
			t.Fatalf("the cancel resent = %+v, %v", again, err)
		}
		if _, err := staff.Accept(ctx, s, "K1/h1", "王芳", t0.Add(30*time.Second)); !errors.Is(err, staff.ErrState) {
			t.Fatalf("accepting a cancelled call: %v", err)
		}
		if _, err := staff.Accept(ctx, s, "K1/h2", "王芳", t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if c, err := staff.Cancel(ctx, s, "K1/h2", t0.Add(4*time.Minute)); err != nil || c.State != staff.HelpCancelled || c.AcceptedBy != "王芳" {
			t.Fatalf("cancelled after the accept = %+v, %v", c, err)
		}
		if _, err := staff.Accept(ctx, s, "K2/h1", "李强", t0.Add(90*time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.Resolve(ctx, s, "K2/h1", "李强", "", t0.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.Cancel(ctx, s, "K2/h1", t0.Add(6*time.Minute)); !errors.Is(err, staff.ErrState) {
			t.Fatalf("cancelling a resolved call: %v", err)
		}
		if _, err := staff.Cancel(ctx, s, "K9/h1", t0); !errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("cancelling a call never made: %v", err)
		}
		// A cancelled call is closed: it leaves the open list like a resolved one.
		if cs, err := s.HelpCalls(ctx, t0.Add(time.Hour)); err != nil || len(cs) != 0 {
			t.Fatalf("HelpCalls(later) = %+v, %v", cs, err)
		}
		cs, err := s.HelpCalls(ctx, t0)
		if err != nil || len(cs) != 3 {
			t.Fatalf("HelpCalls(t0) = %+v, %v", cs, err)
		}
		if f := staff.Figures(cs, staff.Day(t0)); f.Calls != 3 || f.Cancelled != 2 || f.Resolved != 1 || f.Accepted != 2 {
			t.Fatalf("Figures = %+v", f)
		}
	})
	t.Run("Queue", func(t *testing.T) {
		s := open(t)
		d := staff.Day(t0)
		for i, want := range []string{"A001", "A002", "A003"} {
			tk, ahead, err := s.TakeTicket(ctx, staff.Ticket{Day: d, Business: "filing", IssuedAt: t0})
			if err != nil || tk.Number != want || ahead != i {
				t.Fatalf("take %d = %+v ahead %d, %v", i, tk, ahead, err)
			}
		}
		if tk, _, err := s.TakeTicket(ctx, staff.Ticket{Day: d, Business: "invoice"}); err != nil || tk.Number != "B001" {
			t.Fatalf("invoice ticket = %+v, %v", tk, err)
		}
		if _, _, err := s.TakeTicket(ctx, staff.Ticket{Day: d, Business: "lunch"}); !errors.Is(err, staff.ErrInvalid) {
			t.Fatalf("unknown business: %v", err)
		}
		// Two counters call at once: never the same ticket.
		var wg sync.WaitGroup
		got := make([]string, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := s.CallNext(ctx, d, "filing", i+1, "c", t0.Add(time.Duration(i)*time.Second))
				if err != nil {
					t.Error(err)
				}
				got[i] = tk.Number
			}()
		}
		wg.Wait()
		if got[0] == got[1] || got[0] == "A003" || got[1] == "A003" {
			t.Fatalf("two counters called %v", got)
		}
		q, err := s.Queue(ctx, d, 10)
		if err != nil || q.Waiting["filing"] != 1 || q.Waiting["invoice"] != 1 || len(q.Called) != 2 {
			t.Fatalf("Queue = %+v, %v", q, err)
		}
		first := got[0]
		if _, err := staff.Recall(ctx, s, d, first, 2, t0.Add(time.Minute)); !errors.Is(err, staff.ErrState) {
			t.Fatalf("recall by another counter: %v", err)
		}
		rc, err := staff.Recall(ctx, s, d, first, 1, t0.Add(time.Minute))
		if err != nil || rc.Calls != 2 {
			t.Fatalf("recall = %+v, %v", rc, err)
		}
		if q, _ := s.Queue(ctx, d, 1); len(q.Called) != 1 || q.Called[0].Number != first {
			t.Fatalf("latest call after recall = %+v", q.Called)
		}
		if _, err := staff.Skip(ctx, s, d, first, 1); err != nil {
			t.Fatal(err)
		}
		if q, _ := s.Queue(ctx, d, 10); len(q.Called) != 1 {
			t.Fatalf("skipped ticket still shown: %+v", q.Called)
		}
		if tk, err := s.CallNext(ctx, d, "filing", 1, "c", t0.Add(2*time.Minute)); err != nil || tk.Number != "A003" {
			t.Fatalf("third call = %+v, %v", tk, err)
		}
		if _, err := s.CallNext(ctx, d, "filing", 1, "c", t0); !errors.Is(err, staff.ErrEmpty) {
			t.Fatalf("empty queue: %v", err)
		}
		if _, err := s.CallNext(ctx, "2026-01-01", "filing", 1, "c", t0); !errors.Is(err, staff.ErrEmpty) {
			t.Fatalf("a day without tickets: %v", err)
		}
		// The next day starts at 1 again.
		if tk, _, err := s.TakeTicket(ctx, staff.Ticket{Day: staff.Day(t0.Add(24 * time.Hour)), Business: "filing"}); err != nil || tk.Number != "A001" {
			t.Fatalf("next day = %+v, %v", tk, err)
		}
	})
}
