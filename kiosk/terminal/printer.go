package terminal

import (
	"context"
	"log/slog"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
)

// countingPrinter is the printer as the desk and the technician's pages use it: every job
// that printed advances the paper counter, and the first near-end seen on a roll, whether in
// a job's result or in a status poll, teaches the counter how much a roll gives.
type countingPrinter struct {
	*escpos.Printer
	journal *journal.Journal
	log     *slog.Logger
}

func (p countingPrinter) Print(ctx context.Context, job *escpos.Job) (*escpos.JobResult, error) {
	res, err := p.Printer.Print(ctx, job)
	if err == nil && res != nil && res.State == escpos.JobPrinted {
		p.count(1, res.NearEnd)
	}
	return res, err
}

func (p countingPrinter) Status(ctx context.Context) (escpos.Status, error) {
	st, err := p.Printer.Status(ctx)
	if err == nil && st.Paper == escpos.PaperNearEnd {
		p.count(0, true)
	}
	return st, err
}

func (p countingPrinter) count(n int, nearEnd bool) {
	if _, err := p.journal.CountPrinted(n, nearEnd); err != nil {
		// A counter that cannot be written must not fail a receipt that printed.
		p.log.Warn("terminal: paper counter", "err", err)
	}
}
