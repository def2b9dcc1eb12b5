package desk

import (
	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
)

// Journal is the printer journal as the desk uses it: every receipt is recorded before it is
// sent, so one lost to paper out or a crash can be printed again (package history).
type Journal interface {
	Record(job *escpos.Job) error
	Finish(id string, res journal.Result) error
	Get(id string) (*journal.Entry, error)
}
