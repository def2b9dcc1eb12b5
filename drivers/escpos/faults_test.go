package escpos_test

import (
	"testing"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
)

// TestFaultMessages injects each simulator fault into a print job and checks what the
// taxpayer would be told (escpos.MessageKey), whether the job may be printed again, and that
// the printer prints the same job once the fault is cleared. Unplug and replug is
// TestUnplugReplug.
func TestFaultMessages(t *testing.T) {
	cases := []struct {
		name        string
		opts        *escpos.Opts
		inject      func(*escpossim.Server)
		clear       func(*escpossim.Server)
		key         string // "" means the job prints despite the fault
		reprintable bool
		sentSome    bool // part of the job reached the printer before the fault
	}{
		{name: "garbage status bytes",
			inject: func(s *escpossim.Server) { s.SetFault(escpossim.Fault{Kind: escpossim.FaultGarbage}) },
			clear:  func(s *escpossim.Server) { s.SetFault(escpossim.Fault{}) },
			key:    "printer.hw_error"},
		{name: "silent printer", opts: &escpos.Opts{StatusTimeout: 300 * time.Millisecond},
			inject: func(s *escpossim.Server) { s.SetFault(escpossim.Fault{Kind: escpossim.FaultSilent}) },
			clear:  func(s *escpossim.Server) { s.SetFault(escpossim.Fault{}) },
			key:    "printer.offline"},
		{name: "slow status answers",
			inject: func(s *escpossim.Server) {
				s.SetFault(escpossim.Fault{Kind: escpossim.FaultSlow, Delay: 150 * time.Millisecond})
			},
			clear: func(s *escpossim.Server) { s.SetFault(escpossim.Fault{}) }},
		{name: "paper out mid-job",
			inject: func(s *escpossim.Server) {
				s.SetFault(escpossim.Fault{Kind: escpossim.FaultPaperOutAfter, Bytes: 300})
			},
			clear: func(s *escpossim.Server) { s.SetPaper(escpossim.PaperOK) },
			key:   "printer.paper_out", reprintable: true, sentSome: true},
		{name: "cover opened mid-job",
			inject: func(s *escpossim.Server) {
				s.SetFault(escpossim.Fault{Kind: escpossim.FaultCoverOpenAfter, Bytes: 300})
			},
			clear: func(s *escpossim.Server) { s.SetCover(false) },
			key:   "printer.cover_open", reprintable: true, sentSome: true},
		{name: "cover open before the job",
			inject: func(s *escpossim.Server) { s.SetCover(true) },
			clear:  func(s *escpossim.Server) { s.SetCover(false) },
			key:    "printer.cover_open"},
		{name: "paper out before the job",
			inject: func(s *escpossim.Server) { s.SetPaper(escpossim.PaperEnd) },
			clear:  func(s *escpossim.Server) { s.SetPaper(escpossim.PaperOK) },
			key:    "printer.paper_out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.opts)
			job := &escpos.Job{ID: "T-fault", Doc: receipt()}
			tc.inject(r.srv)
			res, err := r.p.Print(ctx(t), job)
			if got := escpos.MessageKey(err); got != tc.key {
				t.Fatalf("message key %q, want %q (err %v)", got, tc.key, err)
			}
			if res == nil {
				t.Fatal("nil result")
			}
			if tc.key == "" {
				if res.State != escpos.JobPrinted {
					t.Fatalf("result %+v", res)
				}
				return
			}
			if res.State != escpos.JobFailed || res.Reprintable != tc.reprintable || (res.Bytes > 0) != tc.sentSome {
				t.Fatalf("result %+v, want failed, reprintable=%t, bytes sent=%t", res, tc.reprintable, tc.sentSome)
			}
			tc.clear(r.srv)
			res, err = r.p.Print(ctx(t), job)
			if err != nil || res.State != escpos.JobPrinted {
				t.Fatalf("after clearing the fault: %+v, %v", res, err)
			}
			got := r.srv.Receipts()
			if last := got[len(got)-1]; !last.Cut || last.Text != job.Doc.Text(escpos.Columns80) {
				t.Fatalf("the printed job is not whole: %+v", last)
			}
		})
	}
}
