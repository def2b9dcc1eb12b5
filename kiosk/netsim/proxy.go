package netsim

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to one connection.
type Fault string

const (
	Pass         Fault = "pass"          // forward both ways untouched
	Refuse       Fault = "refuse"        // reset at once
	DropResponse Fault = "drop_response" // forward the request, lose the answer
	Truncate     Fault = "truncate"      // forward the answer's header and half its body
	Error5xx     Fault = "5xx"           // answer 503 without forwarding
)

// Faults are probabilities per new connection, each in [0, 1], summing to at most 1; the
// rest passes. The zero Faults passes everything.
type Faults struct {
	Refuse, DropResponse, Truncate, Error5xx float64
	Delay                                    time.Duration // holds back every answer; zero: none
	Seed                                     uint64        // for the random draw; same seed, same faults
}

// Proxy forwards TCP connections from Addr to a target.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	cut    bool
	closed bool
	conns  map[net.Conn]struct{}
	faults Faults
	rnd    *rand.Rand
	forced []Fault
	counts map[Fault]int
	done   chan struct{}
	wg     sync.WaitGroup
}

// New listens on a free loopback port and forwards to target ("host:port").
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}, counts: map[Fault]int{},
		rnd: rand.New(rand.NewPCG(1, 1)), done: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the address to dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL is "http://" + Addr.
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// String is safe for logs.
func (p *Proxy) String() string { return fmt.Sprintf("netsim(%s -> %s)", p.Addr(), p.target) }

// Cut drops every open connection and resets new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		reset(c)
	}
}

// Restore lets connections through again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// SetFaults sets the random faults for new connections.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	p.faults = f
	p.rnd = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
	p.mu.Unlock()
}

// FailNext makes the next n connections meet fault f, before any random faults.
func (p *Proxy) FailNext(f Fault, n int) {
	p.mu.Lock()
	for i := 0; i < n; i++ {
		p.forced = append(p.forced, f)
	}
	p.mu.Unlock()
}

// Counts is how many connections met each fault (Pass included).
func (p *Proxy) Counts() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Close stops listening, closes every connection and joins the proxy's goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.closed = true
	close(p.done)
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed || p.cut {
			p.mu.Unlock()
			reset(c)
			continue
		}
		f := p.draw()
		p.counts[f]++
		delay := p.faults.Delay
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go func() {
			defer p.wg.Done()
			p.serve(c, f, delay)
			p.mu.Lock()
			delete(p.conns, c)
			p.mu.Unlock()
		}()
	}
}

// draw picks the fault for a new connection; p.mu is held.
func (p *Proxy) draw() Fault {
	if len(p.forced) > 0 {
		f := p.forced[0]
		p.forced = p.forced[1:]
		return f
	}
	x := p.rnd.Float64()
	for _, c := range []struct {
		f Fault
		p float64
	}{{Refuse, p.faults.Refuse}, {DropResponse, p.faults.DropResponse}, {Truncate, p.faults.Truncate}, {Error5xx, p.faults.Error5xx}} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return Pass
}

func (p *Proxy) serve(c net.Conn, f Fault, delay time.Duration) {
	defer c.Close()
	switch f {
	case Refuse:
		reset(c)
		return
	case Error5xx:
		answer503(c)
		return
	}
	var d net.Dialer
	d.Timeout = 5 * time.Second
	up, err := d.Dial("tcp", p.target)
	if err != nil {
		reset(c)
		return
	}
	defer up.Close()
	p.mu.Lock()
	if p.closed || p.cut {
		p.mu.Unlock()
		reset(c)
		return
	}
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, up)
		p.mu.Unlock()
	}()

	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		io.Copy(up, c)
		if tc, ok := up.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
	}()
	switch f {
	case DropResponse:
		// The first answer byte means the hall has handled the request; the kiosk never
		// hears of it.
		var one [1]byte
		io.ReadFull(up, one[:])
		reset(c)
	case Truncate:
		br := bufio.NewReader(up)
		head, n, err := readHead(br)
		if err == nil && p.wait(delay) {
			body := make([]byte, n)
			k, _ := io.ReadFull(br, body)
			c.Write(head)
			c.Write(body[:k/2])
			// A plain close (FIN), so the client surely reads the half it was given before
			// it meets the early end; a reset could discard it unread.
			c.Close()
		} else {
			reset(c)
		}
	default:
		if delay > 0 {
			br := bufio.NewReader(up)
			if _, err := br.Peek(1); err != nil || !p.wait(delay) {
				reset(c)
				break
			}
			io.Copy(c, br)
		} else {
			io.Copy(c, up)
		}
	}
	c.Close()
	up.Close()
	<-reqDone
}

// wait sleeps d unless the proxy closes first.
func (p *Proxy) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.done:
		return false
	}
}

// readHead reads an HTTP response header and returns it raw with its Content-Length.
func readHead(br *bufio.Reader) ([]byte, int, error) {
	var head bytes.Buffer
	n := 0
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil {
			return nil, 0, err
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if line == "\r\n" || line == "\n" {
			return head.Bytes(), n, nil
		}
	}
}

// answer503 reads one request so the client is not reset mid-send, then answers like an
// overloaded front proxy would.
func answer503(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	io.Copy(io.Discard, req.Body)
	body := `{"code":"unavailable","message":"netsim: injected 503"}`
	fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

// reset closes with SO_LINGER 0 so the peer sees a reset, as when a link drops.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
