package journal_test

import (
	"fmt"
	"os"
	"path/filepath"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/journal"
)

// A job is recorded before it is sent and finished with the printer's answer; a failed,
// reprintable job waits in Unprinted until it is printed again.
func Example() {
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	j, err := journal.Open(filepath.Join(dir, "journal.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()

	doc := (&escpos.Document{}).Title("办税回执").Pair("纳税人", "张*").Cut()
	job := &escpos.Job{ID: "TX-0001", Doc: doc}
	if err := j.Record(job); err != nil {
		fmt.Println(err)
		return
	}
	// The printer ran out of paper half-way (as escpos.Printer.Print reports it).
	res := &escpos.JobResult{ID: job.ID, State: escpos.JobFailed, Bytes: 128, Reprintable: true, Err: escpos.ErrPaperOut}
	j.Finish(job.ID, journal.ResultOf(res, res.Err))

	unprinted, _ := j.Unprinted()
	for _, e := range unprinted {
		fmt.Println(e.ID, e.State, e.Reason, e.Reprintable, e.Attempts)
	}
	// Output:
	// TX-0001 failed printer.paper_out true 1
}
