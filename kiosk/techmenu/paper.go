package techmenu

import (
	"context"
	"log/slog"
	"time"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
	"taxkiosk/kiosk/tech"
)

// Printer is the receipt printer as the paper counter wraps it (*escpos.Printer).
type Printer interface {
	Print(ctx context.Context, job *escpos.Job) (*escpos.JobResult, error)
	Status(ctx context.Context) (escpos.Status, error)
	DeviceStatus() device.Status
}

// PaperCounter is the printer as the desk and the menu's pages use it: every job that
// printed advances the paper counter in the journal, and the first near-end seen on a roll,
// whether in a job's result or in a status poll, teaches the counter how much a roll gives.
type PaperCounter struct {
	Printer
	journal *journal.Journal
	log     *slog.Logger
}

// NewPaperCounter wraps p so that what it prints is counted in j; log (nil: slog.Default())
// gets a counter that cannot be written.
func NewPaperCounter(p Printer, j *journal.Journal, log *slog.Logger) *PaperCounter {
	if log == nil {
		log = slog.Default()
	}
	return &PaperCounter{Printer: p, journal: j, log: log}
}

func (p *PaperCounter) Print(ctx context.Context, job *escpos.Job) (*escpos.JobResult, error) {
	res, err := p.Printer.Print(ctx, job)
	if err == nil && res != nil && res.State == escpos.JobPrinted {
		p.count(1, res.NearEnd)
	}
	return res, err
}

func (p *PaperCounter) Status(ctx context.Context) (escpos.Status, error) {
	st, err := p.Printer.Status(ctx)
	if err == nil && st.Paper == escpos.PaperNearEnd {
		p.count(0, true)
	}
	return st, err
}

func (p *PaperCounter) count(n int, nearEnd bool) {
	if _, err := p.journal.CountPrinted(n, nearEnd); err != nil {
		// A counter that cannot be written must not fail a receipt that printed.
		p.log.Warn("techmenu: paper counter", "err", err)
	}
}

// paper is the counter as the journal keeps it.
func (p *PaperCounter) paper() (journal.Paper, error) { return p.journal.Paper() }

// replaced starts the count of a new roll.
func (p *PaperCounter) replaced(at time.Time) (journal.Paper, error) {
	return p.journal.PaperReplaced(at)
}

// Consumables is the paper counter with the estimate of receipts left on the roll.
func (m *Menu) Consumables() tech.Consumables {
	p, err := m.p.Printer.paper()
	if err != nil {
		m.log.Warn("techmenu: paper counter", "err", err)
	}
	c := tech.Consumables{Printed: p.Printed, ReplacedAt: p.ReplacedAt, PerRoll: m.settingsNow().Printer.PerRoll()}
	if p.PerRoll > 0 {
		c.PerRoll, c.Learned = p.PerRoll, true
	}
	c.Left = max(0, c.PerRoll-c.Printed)
	return c
}

// PaperReplaced resets the paper counter for a new roll and records it for the hall.
func (m *Menu) PaperReplaced(ctx context.Context) error {
	before, _ := m.p.Printer.paper()
	if _, err := m.p.Printer.replaced(m.opts.Now()); err != nil {
		return err
	}
	m.p.Desk.Audit(ctx, "paper_replaced", map[string]any{"printed_before": before.Printed})
	return nil
}
