package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
	"time"

	"taxkiosk/kiosk/txn"
)

// Client calls a kiosk's control socket.
type Client struct {
	Path    string        // the socket
	Timeout time.Duration // bound on a call when the context has no deadline; zero: 30 s
}

// String is safe for logs.
func (c *Client) String() string { return "control.Client(" + c.Path + ")" }

// Call sends one request and returns the answer. A server error comes back wrapped in
// ErrRefused; no kiosk behind the socket is ErrNoKiosk.
func (c *Client) Call(ctx context.Context, req Request) (Response, error) {
	if _, ok := ctx.Deadline(); !ok {
		t := c.Timeout
		if t <= 0 {
			t = 30 * time.Second
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return Response{}, fmt.Errorf("%w: %s", ErrNoKiosk, c.Path)
		}
		return Response{}, fmt.Errorf("control: dial %s: %w", c.Path, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	b, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	_, werr := conn.Write(append(b, '\n'))
	// A server that refuses the peer answers and closes before reading, so a failed write
	// may still have an answer waiting: read it before reporting the write.
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		if werr != nil {
			err = werr
		}
		return Response{}, c.ioErr(ctx, err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("%w: answer: %w", ErrBadRequest, err)
	}
	if resp.Error != "" {
		return Response{}, fmt.Errorf("%w: %s", ErrRefused, resp.Error)
	}
	return resp, nil
}

func (c *Client) ioErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("control: %s: %w", c.Path, ctx.Err())
	}
	return fmt.Errorf("control: %s: %w", c.Path, err)
}

// Status asks for the outbox status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	resp, err := c.Call(ctx, Request{Op: OpStatus})
	if err != nil {
		return Status{}, err
	}
	if resp.Status == nil {
		return Status{}, fmt.Errorf("%w: answer without status", ErrBadRequest)
	}
	return *resp.Status, nil
}

// List asks for up to limit records (zero: 100) in state (zero: any), masked.
func (c *Client) List(ctx context.Context, state txn.State, limit int) ([]Item, error) {
	resp, err := c.Call(ctx, Request{Op: OpList, State: state, Limit: limit})
	return resp.Records, err
}

// Export asks for every record in state (zero: any); reveal unmasks personal data.
func (c *Client) Export(ctx context.Context, state txn.State, reveal bool) ([]Item, error) {
	resp, err := c.Call(ctx, Request{Op: OpExport, State: state, Reveal: reveal})
	return resp.Records, err
}

// SyncNow wakes the kiosk's sync loop.
func (c *Client) SyncNow(ctx context.Context) error {
	_, err := c.Call(ctx, Request{Op: OpSyncNow})
	return err
}
