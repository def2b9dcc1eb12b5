package pgbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"taxkiosk/kiosk/hall/staff"
)

// Message is one note on the Bus.
type Message = staff.Message

// maxNotify is what a notification may carry: PostgreSQL refuses 8000 bytes and more.
const maxNotify = 7999

// subBuffer is how many messages a slow subscriber may have waiting before it loses some.
const subBuffer = 64

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,50}$`)

// Bus is a staff.Bus on PostgreSQL LISTEN/NOTIFY. It is safe for concurrent use.
type Bus struct {
	cfg     *pgx.ConnConfig
	channel string
	self    string // this process's tag on what it sends
	log     *slog.Logger

	pubMu sync.Mutex
	pub   *pgx.Conn // dialled on first Publish, again after it broke

	mu     sync.Mutex
	subs   map[*sub]struct{}
	closed bool

	cancel context.CancelFunc
	done   chan struct{}
	ready  chan struct{} // closed once the first LISTEN succeeded
	once   sync.Once
}

var _ staff.Bus = (*Bus)(nil)

type sub struct {
	topics map[string]bool
	ch     chan Message
}

// wire is a notification's payload.
type wire struct {
	From    string `json:"f"`
	Topic   string `json:"t"`
	Payload []byte `json:"p"`
}

// Open connects to the database of dsn and listens on schema's channel; log may be nil.
// It returns once the listener has started trying; Ready says when it listens.
func Open(dsn, schema string, log *slog.Logger) (*Bus, error) {
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("%w: schema name %q", ErrConfig, schema)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: dsn: %w", ErrConfig, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var tag [8]byte
	rand.Read(tag[:])
	ctx, cancel := context.WithCancel(context.Background())
	b := &Bus{cfg: cfg, channel: "hall_bus_" + schema, self: hex.EncodeToString(tag[:]), log: log,
		subs: map[*sub]struct{}{}, cancel: cancel, done: make(chan struct{}), ready: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.listen(ctx)
	}()
	return b, nil
}

// String is safe for logs: no password.
func (b *Bus) String() string {
	return fmt.Sprintf("pgbus(%s@%s:%d/%s %s)", b.cfg.User, b.cfg.Host, b.cfg.Port, b.cfg.Database, b.channel)
}

// Ready is closed once the Bus listens for the other processes.
func (b *Bus) Ready() <-chan struct{} { return b.ready }

// Publish delivers payload to this process's subscribers of topic at once and sends it to
// the other processes. The local delivery happens even when the database cannot be
// reached; the error then says the others were not told.
func (b *Bus) Publish(topic string, payload []byte) error {
	msg, err := json.Marshal(wire{From: b.self, Topic: topic, Payload: payload})
	if err != nil {
		return err
	}
	if len(msg) > maxNotify {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(msg))
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	b.deliver(Message{Topic: topic, Payload: payload})
	return b.notify(string(msg))
}

// notify sends one notification on the publishing connection.
func (b *Bus) notify(msg string) error {
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if b.pub == nil || b.pub.IsClosed() {
		c, err := pgx.ConnectConfig(ctx, b.cfg)
		if err != nil {
			return fmt.Errorf("pgbus: publish: %w", err)
		}
		b.pub = c
	}
	if _, err := b.pub.Exec(ctx, "SELECT pg_notify($1, $2)", b.channel, msg); err != nil {
		b.pub.Close(context.Background())
		b.pub = nil
		return fmt.Errorf("pgbus: publish: %w", err)
	}
	return nil
}

// Subscribe delivers the messages of topics until cancel is called, which closes the
// channel. A subscriber that does not keep up loses messages rather than slowing others.
func (b *Bus) Subscribe(topics ...string) (<-chan Message, func()) {
	s := &sub{topics: map[string]bool{}, ch: make(chan Message, subBuffer)}
	for _, t := range topics {
		s.topics[t] = true
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			if _, ok := b.subs[s]; ok {
				delete(b.subs, s)
				close(s.ch)
			}
			b.mu.Unlock()
		})
	}
}

func (b *Bus) deliver(m Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if !s.topics[m.Topic] {
			continue
		}
		select {
		case s.ch <- Message{Topic: m.Topic, Payload: append([]byte(nil), m.Payload...)}:
		default: // a stalled page: it re-reads the store on its next message
		}
	}
}

// resync tells every subscriber, once per topic it follows, that notes may have been lost.
func (b *Bus) resync() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		for t := range s.topics {
			select {
			case s.ch <- Message{Topic: t}:
			default:
			}
		}
	}
}

// listen keeps a connection listening on the channel until ctx ends.
func (b *Bus) listen(ctx context.Context) {
	wait := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := b.listenOnce(ctx, func() {
			wait = 100 * time.Millisecond
			if first {
				first = false
				b.once.Do(func() { close(b.ready) })
			} else {
				b.resync()
			}
		})
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("pgbus: listener lost; dialling again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listenOnce dials, listens, calls listening, and hands every notification of another
// process to the subscribers until the connection breaks or ctx ends.
func (b *Bus) listenOnce(ctx context.Context, listening func()) error {
	c, err := pgx.ConnectConfig(ctx, b.cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var w wire
		if json.Unmarshal([]byte(n.Payload), &w) != nil || w.From == b.self {
			continue
		}
		b.deliver(Message{Topic: w.Topic, Payload: w.Payload})
	}
}

// Close stops listening, closes every subscription and the connections.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.ch)
	}
	b.mu.Unlock()
	b.cancel()
	<-b.done
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	if b.pub != nil {
		return b.pub.Close(context.Background())
	}
	return nil
}
