package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
	"time"
)

// ConnTimeout is how long a client may take to send its request and read the answer.
const ConnTimeout = time.Minute

// maxRequest bounds a request line; requests are a few dozen bytes.
const maxRequest = 64 << 10

// Serve listens on the unix socket at path and answers requests with h until ctx ends, then
// waits for the exchanges in flight, removes the socket and returns ctx's error. A stale
// socket file (left by a kiosk that died) is replaced; one another process still serves is
// not (ErrInUse), nor is a path that is not a socket.
func Serve(ctx context.Context, path string, h Handler) error {
	ln, err := listen(path)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	conns := make(map[net.Conn]struct{})
	var mu sync.Mutex
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.SetDeadline(time.Now()) // wake a slow client's exchange; its handler finishes
		}
		mu.Unlock()
	})
	defer stop()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			ln.Close()
			wg.Wait()
			return fmt.Errorf("control: accept: %w", err)
		}
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			serveConn(ctx, c, h)
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func listen(path string) (*net.UnixListener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("%w: %s exists and is not a socket", ErrInUse, path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("%w: %s", ErrInUse, path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("control: stale socket: %w", err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control: listen: %w", err)
	}
	// The data directory is 0700 already; the socket itself is narrowed too before anything
	// is answered, so a wider directory does not widen access.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control: socket mode: %w", err)
	}
	return ln, nil
}

func serveConn(ctx context.Context, c net.Conn, h Handler) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(ConnTimeout))
	if ctx.Err() != nil { // Serve is stopping and may have woken this connection already
		return
	}
	enc := json.NewEncoder(c)
	if err := checkPeer(c); err != nil {
		enc.Encode(Response{Error: err.Error()})
		return
	}
	r := bufio.NewReader(&limited{c, maxRequest})
	line, err := r.ReadBytes('\n')
	if err != nil {
		enc.Encode(Response{Error: fmt.Sprintf("%v: no request line: %v", ErrBadRequest, err)})
		return
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		enc.Encode(Response{Error: fmt.Sprintf("%v: %v", ErrBadRequest, err)})
		return
	}
	enc.Encode(Handle(ctx, h, req))
}

// limited stops reading after n bytes so a client cannot make the kiosk buffer without end.
type limited struct {
	c net.Conn
	n int
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("%w: request longer than %d bytes", ErrBadRequest, maxRequest)
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.c.Read(p)
	l.n -= n
	return n, err
}

// peerAllowed is the rule checkPeer applies: the kiosk's own user, or root.
func peerAllowed(uid uint32) bool {
	return uid == uint32(os.Getuid()) || uid == 0
}
