package pgpool

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
)

// ErrDial: a connection could not be made (the database is down, refused the login...).
var ErrDial = errors.New("pgpool: cannot connect")

// DefaultConns is the pool's size when the caller names none.
const DefaultConns = 4

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ValidSchema reports whether name may be used as a schema: the stores write it into their
// SQL, so only a plain lower-case identifier is taken.
func ValidSchema(name string) bool { return schemaName.MatchString(name) }

// Pool lends connections to one database.
type Pool struct {
	cfg  *pgx.ConnConfig
	idle chan *pgx.Conn // idle connections, and nil tokens for connections not yet dialled
}

// New is a pool of conns connections (DefaultConns when conns ≤ 0) to dsn
// ("postgres://user@host/db"); nothing is dialled yet.
func New(dsn string, conns int) (*Pool, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("dsn: %w", err)
	}
	if conns <= 0 {
		conns = DefaultConns
	}
	p := &Pool{cfg: cfg, idle: make(chan *pgx.Conn, conns)}
	for range conns {
		p.idle <- nil
	}
	return p, nil
}

// String names the database for logs: no password.
func (p *Pool) String() string {
	return fmt.Sprintf("%s@%s:%d/%s", p.cfg.User, p.cfg.Host, p.cfg.Port, p.cfg.Database)
}

// With lends a connection to fn, dialling it on first use and dropping it if it broke or was
// left busy. fn's error passes through; a failure to connect is ErrDial.
func (p *Pool) With(ctx context.Context, fn func(*pgx.Conn) error) error {
	var c *pgx.Conn
	select {
	case c = <-p.idle:
	case <-ctx.Done():
		return ctx.Err()
	}
	if c == nil || c.IsClosed() {
		var err error
		if c, err = pgx.ConnectConfig(ctx, p.cfg); err != nil {
			p.idle <- nil
			return fmt.Errorf("%w: %w", ErrDial, err)
		}
	}
	err := fn(c)
	if c.IsClosed() || c.PgConn().IsBusy() {
		c.Close(context.Background())
		c = nil
	}
	p.idle <- c
	return err
}

// Close closes every idle connection. Calls in flight keep theirs until they return it.
func (p *Pool) Close() error {
	var errs []error
	for range cap(p.idle) {
		select {
		case c := <-p.idle:
			if c != nil {
				errs = append(errs, c.Close(context.Background()))
			}
		default:
		}
	}
	return errors.Join(errs...)
}
