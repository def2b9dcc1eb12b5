package hall

import (
	"container/list"
	"net"
	"sync"
	"syscall"
)

// LimitListener bounds the connections ln hands out: at most perSource open at once from
// one IP address, and at most total in all. A connection above its source's limit is
// closed as soon as it is accepted. At the total, a new connection takes the place of the
// oldest one the server has not yet answered anything on (an idle or half-open connection:
// no TLS handshake, no request), which is closed; if every connection has been answered,
// the new one is closed instead. So a client that opens thousands of idle connections
// neither exhausts the hall's file descriptors nor keeps a kiosk out: the kiosk's
// connection displaces an idle one. Connections answered and then left idle are the
// http.Server's IdleTimeout's to close.
func LimitListener(ln net.Listener, total, perSource int) net.Listener {
	return &limitListener{Listener: ln, total: total, perSource: perSource, bySource: map[string]int{}, fresh: list.New()}
}

type limitListener struct {
	net.Listener
	total, perSource int

	mu       sync.Mutex
	open     int
	bySource map[string]int
	fresh    *list.List // *limitConn not yet written to, oldest first
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		src := sourceOf(c)
		l.mu.Lock()
		if l.bySource[src] >= l.perSource {
			l.mu.Unlock()
			c.Close()
			continue
		}
		var evict *limitConn
		if l.open >= l.total {
			front := l.fresh.Front()
			if front == nil {
				l.mu.Unlock()
				c.Close()
				continue
			}
			evict = front.Value.(*limitConn)
			l.fresh.Remove(front)
			evict.elem = nil
		}
		lc := &limitConn{Conn: c, l: l, src: src}
		lc.elem = l.fresh.PushBack(lc)
		l.open++
		l.bySource[src]++
		l.mu.Unlock()
		if evict != nil {
			evict.Close() // gives back its place: open is at the total again
		}
		return lc, nil
	}
}

func sourceOf(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

type limitConn struct {
	net.Conn
	l        *limitListener
	src      string
	elem     *list.Element // in l.fresh until the server first writes; l.mu guards it
	answered sync.Once
	closed   sync.Once
}

// Write marks the connection answered: the server wrote a TLS ServerHello or a response,
// so the client completed a handshake or a request. It is no longer evicted for others.
func (c *limitConn) Write(p []byte) (int, error) {
	c.answered.Do(func() {
		c.l.mu.Lock()
		if c.elem != nil {
			c.l.fresh.Remove(c.elem)
			c.elem = nil
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Write(p)
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.closed.Do(func() {
		c.l.mu.Lock()
		if c.elem != nil {
			c.l.fresh.Remove(c.elem)
			c.elem = nil
		}
		c.l.open--
		if c.l.bySource[c.src]--; c.l.bySource[c.src] <= 0 {
			delete(c.l.bySource, c.src)
		}
		c.l.mu.Unlock()
	})
	return err
}

// RaiseFileLimit raises this process's soft limit on open files to its hard limit, so that
// the connection limits, not the descriptor limit, are what bounds the hall; it returns
// the limit in force.
func RaiseFileLimit() (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, err
	}
	if r.Cur < r.Max {
		r.Cur = r.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
			return 0, err
		}
	}
	return r.Cur, nil
}
