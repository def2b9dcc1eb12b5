package update

import "taxkiosk/kiosk/tech"

// Board is the store's state for the technician (tech.Firmware), with the last n steps.
func (s *Slots) Board(n int) tech.Firmware {
	f := tech.Firmware{Sequence: s.Current(), Pending: s.Pending()}
	if _, until, on := s.OnTrial(); on {
		f.Trial, f.TrialUntil = true, until
	}
	es, _ := s.Entries()
	if len(es) > n {
		es = es[len(es)-n:]
	}
	for _, e := range es {
		f.Steps = append(f.Steps, tech.FirmwareStep{At: e.At, Step: string(e.Step), Sequence: e.Sequence,
			Version: e.Version, Reason: e.Reason, Detail: e.Detail})
	}
	return f
}
