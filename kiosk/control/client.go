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

	"taxkiosk/kiosk/readiness"
	"taxkiosk/kiosk/tech"
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
		return Response{}, &RefusedError{Text: resp.Error, Key: resp.ErrorKey}
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

// RefusedError is the server's refusal: its error text and, for a refused setting, the
// catalogue key. It matches ErrRefused.
type RefusedError struct {
	Text string
	Key  string
}

func (e *RefusedError) Error() string { return ErrRefused.Error() + ": " + e.Text }

func (e *RefusedError) Unwrap() error { return ErrRefused }

// MessageKey is the catalogue key of the refusal, or "".
func (e *RefusedError) MessageKey() string { return e.Key }

// SelfTest runs one device's self-test on the kiosk (tech.DeviceIDCard, ...). The reader and
// the scanner need the kiosk in maintenance.
func (c *Client) SelfTest(ctx context.Context, device string) (tech.SelfTest, error) {
	resp, err := c.Call(ctx, Request{Op: OpSelfTest, Device: device})
	if err != nil {
		return tech.SelfTest{}, err
	}
	if resp.SelfTest == nil {
		return tech.SelfTest{}, fmt.Errorf("%w: answer without self-test", ErrBadRequest)
	}
	return *resp.SelfTest, nil
}

// Pins reads the cabinet's lines.
func (c *Client) Pins(ctx context.Context) ([]tech.Pin, error) {
	resp, err := c.Call(ctx, Request{Op: OpPins})
	return resp.Pins, err
}

// SetOutput switches the tower light or an indicator; it returns the lines after.
func (c *Client) SetOutput(ctx context.Context, name string, on bool) ([]tech.Pin, error) {
	resp, err := c.Call(ctx, Request{Op: OpSetOutput, Name: name, On: on})
	return resp.Pins, err
}

// Network checks the way to the hall from the kiosk.
func (c *Client) Network(ctx context.Context) (tech.NetReport, error) {
	resp, err := c.Call(ctx, Request{Op: OpNetwork})
	if err != nil {
		return tech.NetReport{}, err
	}
	if resp.Network == nil {
		return tech.NetReport{}, fmt.Errorf("%w: answer without network report", ErrBadRequest)
	}
	return *resp.Network, nil
}

// Logs returns the kiosk's last n log lines (zero: all it keeps), masked.
func (c *Client) Logs(ctx context.Context, n int) ([]tech.LogLine, error) {
	resp, err := c.Call(ctx, Request{Op: OpLogs, Limit: n})
	return resp.Logs, err
}

// Settings returns one setting (key) or all (key "").
func (c *Client) Settings(ctx context.Context, key string) ([]tech.Setting, error) {
	resp, err := c.Call(ctx, Request{Op: OpConfigGet, Key: key})
	return resp.Settings, err
}

// ChangeSetting sets one setting, recorded as made by kioskctl; it returns the setting after.
func (c *Client) ChangeSetting(ctx context.Context, key, value string) (tech.Setting, error) {
	resp, err := c.Call(ctx, Request{Op: OpConfigSet, Key: key, Value: value})
	if err != nil {
		return tech.Setting{}, err
	}
	if len(resp.Settings) != 1 {
		return tech.Setting{}, fmt.Errorf("%w: answer without the setting", ErrBadRequest)
	}
	return resp.Settings[0], nil
}

// ConfigLog returns the configuration change log, oldest first.
func (c *Client) ConfigLog(ctx context.Context) ([]tech.Change, error) {
	resp, err := c.Call(ctx, Request{Op: OpConfigLog})
	return resp.Changes, err
}

// Consumables returns the paper counter.
func (c *Client) Consumables(ctx context.Context) (tech.Consumables, error) {
	return c.consumables(ctx, OpConsumables)
}

// PaperReplaced resets the paper counter for a new roll; it returns the counter after.
func (c *Client) PaperReplaced(ctx context.Context) (tech.Consumables, error) {
	return c.consumables(ctx, OpPaperReplaced)
}

func (c *Client) consumables(ctx context.Context, op string) (tech.Consumables, error) {
	resp, err := c.Call(ctx, Request{Op: op})
	if err != nil {
		return tech.Consumables{}, err
	}
	if resp.Consumables == nil {
		return tech.Consumables{}, fmt.Errorf("%w: answer without paper counter", ErrBadRequest)
	}
	return *resp.Consumables, nil
}

// Readiness runs the opening checklist on the kiosk; with print, the kiosk prints it too and
// printKey says why it did not print ("" when it did).
func (c *Client) Readiness(ctx context.Context, print bool) (items []readiness.Item, printKey string, err error) {
	resp, err := c.Call(ctx, Request{Op: OpReadiness, Print: print})
	return resp.Readiness, resp.PrintKey, err
}

// Maintenance says whether the kiosk is in maintenance; enter and exit change it first
// (both false: only ask).
func (c *Client) Maintenance(ctx context.Context, enter, exit bool) (bool, error) {
	op := OpMaintenance
	switch {
	case enter && exit:
		return false, fmt.Errorf("%w: enter or exit, not both", ErrBadRequest)
	case enter:
		op = OpMaintEnter
	case exit:
		op = OpMaintExit
	}
	resp, err := c.Call(ctx, Request{Op: op})
	if err != nil {
		return false, err
	}
	if resp.Maintenance == nil {
		return false, fmt.Errorf("%w: answer without maintenance state", ErrBadRequest)
	}
	return *resp.Maintenance, nil
}

// ExportTo has the kiosk write its queue, masked, to a file in dir on the kiosk (empty: its
// first export directory, a USB stick when one is mounted).
func (c *Client) ExportTo(ctx context.Context, dir string) (path string, n int, err error) {
	resp, err := c.Call(ctx, Request{Op: OpExportOutbox, Dir: dir})
	return resp.Path, resp.Count, err
}
