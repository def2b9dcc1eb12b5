package hallsync

// Settled returns a channel closed once the hall has answered transaction id (acknowledged
// it, or refused it) and the answer is committed to the outbox, and a function that stops
// waiting. A receipt waits on it for the word "delivered" instead of asking the outbox over
// and over. An answer that came before Settled was called is not signalled: the caller reads
// the outbox once after calling it.
func (s *Syncer) Settled(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	if s.settled == nil {
		s.settled = map[string][]chan struct{}{}
	}
	s.settled[id] = append(s.settled[id], ch)
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		waiting := s.settled[id]
		for i, c := range waiting {
			if c == ch {
				waiting = append(waiting[:i], waiting[i+1:]...)
				break
			}
		}
		if len(waiting) == 0 {
			delete(s.settled, id)
		} else {
			s.settled[id] = waiting
		}
	}
}

// answered signals the waiters of ids, once their answers are committed.
func (s *Syncer) answered(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		for _, ch := range s.settled[id] {
			close(ch)
		}
		delete(s.settled, id)
	}
}
