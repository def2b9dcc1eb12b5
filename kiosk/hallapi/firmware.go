package hallapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// PathFirmware serves firmware bundles: GET PathFirmware/DEVICE-TYPE?after=SEQUENCE answers
// 200 with the newest bundle for that device type whose sequence exceeds SEQUENCE (header
// HeaderFirmwareSequence names it), or 204 when there is none. The hall checks nothing in a
// bundle; every kiosk verifies its signature against its own pinned keys.
const PathFirmware = "/v1/firmware"

// HeaderFirmwareSequence carries the sequence of the bundle served.
const HeaderFirmwareSequence = "X-Firmware-Sequence"

// MaxFirmware bounds a bundle the client downloads: a kiosk binary with its OpenGL toolkit is
// tens of MiB (RAUC's users hit its 8 MB default, rauc#352).
const MaxFirmware = 512 << 20

// Firmware asks the hall for a bundle newer than after for deviceType. It returns nil, nil
// when the hall has none; the caller reads the bundle from the body and closes it. skip names
// sequences not to download again (refused before): the hall's offer of one of them is
// answered as none, its body closed unread.
func (c *Client) Firmware(ctx context.Context, deviceType string, after uint64, skip ...uint64) (io.ReadCloser, error) {
	path := PathFirmware + "/" + url.PathEscape(deviceType) + "?after=" + strconv.FormatUint(after, 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return nil, fmt.Errorf("hallapi: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: GET %s: %w", ErrUnreachable, PathFirmware, err)
	}
	switch res.StatusCode {
	case http.StatusOK:
		seq, _ := strconv.ParseUint(res.Header.Get(HeaderFirmwareSequence), 10, 64)
		if seq > 0 && slices.Contains(skip, seq) {
			res.Body.Close()
			return nil, nil
		}
		return &FirmwareBody{Reader: io.LimitReader(res.Body, MaxFirmware), Closer: res.Body, seq: seq}, nil
	case http.StatusNoContent:
		res.Body.Close()
		return nil, nil
	}
	res.Body.Close()
	return nil, &Error{Status: res.StatusCode, Code: "http_" + strconv.Itoa(res.StatusCode), Message: http.StatusText(res.StatusCode)}
}

// FirmwareBody is a bundle as the hall serves it.
type FirmwareBody struct {
	io.Reader
	io.Closer
	seq uint64
}

// Sequence is the bundle's sequence as the hall named it (HeaderFirmwareSequence); 0 when
// it named none.
func (b *FirmwareBody) Sequence() uint64 { return b.seq }
