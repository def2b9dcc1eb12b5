package idcard_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
)

// TestFaultNotices injects each simulator fault into a card read and checks what the
// taxpayer would be told (idcard.NoticeFor), and that once the fault clears the reader reads
// the right card again without being reopened. Unplug and replug is TestUnplugAndReplug,
// whose notice is checked here too.
func TestFaultNotices(t *testing.T) {
	// Generous: a normal answer must come well within it on a busy machine.
	const timeout = 800 * time.Millisecond
	cases := []struct {
		name  string
		fault idcardsim.Fault
		want  error  // nil: the driver rides out the fault and reads the card
		key   string // the notice for the error
	}{
		{"garbage before every answer", idcardsim.Fault{Kind: idcardsim.FaultGarbage}, nil, ""},
		{"bad checksum once", idcardsim.Fault{Kind: idcardsim.FaultBadChecksumOnce}, nil, ""},
		{"slow within the timeout", idcardsim.Fault{Kind: idcardsim.FaultSlow, Delay: 150 * time.Millisecond}, nil, ""},
		{"late answer once", idcardsim.Fault{Kind: idcardsim.FaultLateOnce, Delay: timeout + 300*time.Millisecond}, nil, ""},
		{"slower than the timeout", idcardsim.Fault{Kind: idcardsim.FaultSlow, Delay: timeout + 400*time.Millisecond}, idcard.ErrNoAnswer, "idcard.reader_offline"},
		{"silent", idcardsim.Fault{Kind: idcardsim.FaultSilent}, idcard.ErrNoAnswer, "idcard.reader_offline"},
		{"card lifted mid-read (41)", idcardsim.Fault{Kind: idcardsim.FaultLiftMidRead}, idcard.ErrCardLifted, "idcard.card_lifted"},
		{"card lifted mid-read (80)", idcardsim.Fault{Kind: idcardsim.FaultLiftMidRead, SW3: 0x80}, idcard.ErrCardLifted, "idcard.card_lifted"},
		{"SAM fault", idcardsim.Fault{Kind: idcardsim.FaultSAM}, idcard.ErrSAMSelfTest, "idcard.sam_fault"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rg := newRig(t, quickSim(), &idcard.Opts{CommandTimeout: timeout, ReadTimeout: timeout})
			ctx := ctxT(t)
			p := persona(t, "resident-male")
			rg.sim.Place(p.Card, p.Card.Photo)
			rg.sim.SetFault(tc.fault)
			card, err := rg.reader.ReadCard(ctx)
			if tc.want == nil {
				if err != nil || !reflect.DeepEqual(card, p.Card) {
					t.Fatalf("ReadCard = %v, %v; want the card", card, err)
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("ReadCard error %v, want %v", err, tc.want)
			}
			if k := idcard.NoticeFor(err).Key; err != nil && k != tc.key {
				t.Fatalf("notice %q, want %q (err %v)", k, tc.key, err)
			}

			rg.sim.SetFault(idcardsim.Fault{})
			rg.sim.Place(p.Card, p.Card.Photo) // a lifted card is placed again
			if card, err = rg.reader.ReadCard(ctx); err != nil || !reflect.DeepEqual(card, p.Card) {
				t.Fatalf("after the fault cleared: %v, %v", card, err)
			}
		})
	}
}

func TestUnplugNotice(t *testing.T) {
	rg := newRig(t, quickSim(), nil)
	rg.stop()
	var err error
	for i := 0; i < 5 && !errors.Is(err, idcard.ErrNoDevice); i++ {
		_, err = rg.reader.ReadCard(ctxT(t))
	}
	if k := idcard.NoticeFor(err).Key; !errors.Is(err, idcard.ErrNoDevice) || k != "idcard.reader_offline" {
		t.Fatalf("unplugged: %v, notice %q", err, k)
	}
}
