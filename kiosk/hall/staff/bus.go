package staff

import "sync"

// Bus carries "something changed" notes between the parts of the hall and every page open
// in a browser, across hall processes when the implementation spans them (PostgreSQL
// LISTEN/NOTIFY). A payload is small (an id, a counter number): pages read what changed
// from the Store, so a lost or coalesced note costs a refresh, never data. Topics are the
// Topic... constants.
type Bus interface {
	// Publish sends payload to every subscriber of topic, this process's and others'.
	Publish(topic string, payload []byte) error
	// Subscribe delivers the messages of the topics until cancel is called. A subscriber
	// that does not keep up loses messages rather than slowing the publisher.
	Subscribe(topics ...string) (msgs <-chan Message, cancel func())
}

// Message is one note on the Bus.
type Message struct {
	Topic   string
	Payload []byte
}

// Topics.
const (
	TopicHelp  = "help"  // a help call arrived or changed; payload: its id
	TopicQueue = "queue" // a ticket was issued, called, recalled or skipped; payload: its number
)

// MemBus is a Bus inside one process.
type MemBus struct {
	mu   sync.Mutex
	subs map[*memSub]struct{}
}

type memSub struct {
	topics map[string]bool
	ch     chan Message
}

// subBuffer is how many messages a slow subscriber may have waiting before it loses some.
const subBuffer = 64

// NewMemBus makes an empty in-process bus.
func NewMemBus() *MemBus { return &MemBus{subs: map[*memSub]struct{}{}} }

// Publish never blocks and never fails.
func (b *MemBus) Publish(topic string, payload []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if !s.topics[topic] {
			continue
		}
		select {
		case s.ch <- Message{Topic: topic, Payload: append([]byte(nil), payload...)}:
		default: // a stalled page: it re-reads the store on its next message
		}
	}
	return nil
}

// Subscribe implements Bus. The channel is closed by cancel.
func (b *MemBus) Subscribe(topics ...string) (<-chan Message, func()) {
	s := &memSub{topics: map[string]bool{}, ch: make(chan Message, subBuffer)}
	for _, t := range topics {
		s.topics[t] = true
	}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.ch)
		})
	}
}
