package hallapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// maxResponse bounds what the client reads from the hall.
const maxResponse = 32 << 20

// Client talks to one hall.
type Client struct {
	BaseURL string       // e.g. "http://127.0.0.1:8600" or "https://hall.example:8600"
	HTTP    *http.Client // nil: http.DefaultClient; set a Transport for TLS or test faults
	// SigningKey, when set, signs every batch body (HeaderSignature). It is the private key
	// of the kiosk's TLS client certificate. Nil: batches go unsigned.
	SigningKey ed25519.PrivateKey
}

// SignBody returns the HeaderSignature value for body.
func SignBody(key ed25519.PrivateKey, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, body))
}

// VerifyBody reports whether sig is a valid HeaderSignature of body by pub.
func VerifyBody(pub ed25519.PublicKey, body []byte, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, body, raw)
}

// String is safe for logs.
func (c *Client) String() string { return "hallapi.Client(" + c.BaseURL + ")" }

// SendBatch posts b. A nil error means the hall answered for the whole batch.
func (c *Client) SendBatch(ctx context.Context, b Batch) (BatchResponse, error) {
	var resp BatchResponse
	body, err := json.Marshal(b)
	if err != nil {
		return resp, fmt.Errorf("hallapi: encode batch: %w", err)
	}
	err = c.do(ctx, http.MethodPost, PathBatches, body, &resp)
	return resp, err
}

// Health asks whether the hall is up. It is the sync loop's cheap link probe.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	err := c.do(ctx, http.MethodGet, PathHealth, nil, &h)
	return h, err
}

// Results fetches results for kioskID decided after cursor since.
func (c *Client) Results(ctx context.Context, kioskID string, since uint64) (ResultsPage, error) {
	var p ResultsPage
	q := url.Values{"kiosk": {kioskID}, "since": {strconv.FormatUint(since, 10)}}
	err := c.do(ctx, http.MethodGet, PathResults+"?"+q.Encode(), nil, &p)
	return p, err
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("hallapi: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		if c.SigningKey != nil {
			req.Header.Set(HeaderSignature, SignBody(c.SigningKey, body))
		}
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("%w: %s %s: reading answer: %w", ErrUnreachable, method, path, err)
	}
	if res.StatusCode/100 != 2 {
		var eb ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Code == "" {
			eb = ErrorBody{Code: "http_" + strconv.Itoa(res.StatusCode), Message: http.StatusText(res.StatusCode)}
		}
		return &Error{Status: res.StatusCode, Code: eb.Code, Message: eb.Message}
	}
	if err := json.Unmarshal(data, out); err != nil {
		// A cut-off or garbled 2xx body leaves the outcome unknown: treat as unreachable so
		// the kiosk resends and the hall dedupes.
		return fmt.Errorf("%w: %s %s: bad answer: %w", ErrUnreachable, method, path, err)
	}
	return nil
}

// Lookup asks which enterprises the holder of idNumber may act for, with their details, in
// the card session sess. The ID number goes in the POST body, never in the URL.
func (c *Client) Lookup(ctx context.Context, idNumber string, sess Session) ([]Enterprise, error) {
	var resp LookupResponse
	body, err := json.Marshal(LookupRequest{IDNumber: idNumber, Session: &sess})
	if err != nil {
		return nil, fmt.Errorf("hallapi: encode lookup: %w", err)
	}
	err = c.do(ctx, http.MethodPost, PathLookup, body, &resp)
	return resp.Enterprises, err
}

// Enterprise fetches the details of the enterprise with unified social credit code code.
// An unknown code is an *Error with Code CodeNotFound (and ErrRejected).
func (c *Client) Enterprise(ctx context.Context, code string) (Enterprise, error) {
	var e Enterprise
	err := c.do(ctx, http.MethodGet, PathEnterprises+"/"+url.PathEscape(code), nil, &e)
	return e, err
}

// TakeTicket draws a queue number for a business type (Business...).
func (c *Client) TakeTicket(ctx context.Context, business string) (Ticket, error) {
	return c.queue(ctx, PathQueue, business)
}

// CallTicket is a counter calling the next number of a business type.
func (c *Client) CallTicket(ctx context.Context, business string) (Ticket, error) {
	return c.queue(ctx, PathQueueCall, business)
}

func (c *Client) queue(ctx context.Context, path, business string) (Ticket, error) {
	var t Ticket
	body, err := json.Marshal(QueueRequest{Business: business})
	if err != nil {
		return t, fmt.Errorf("hallapi: encode queue request: %w", err)
	}
	err = c.do(ctx, http.MethodPost, path, body, &t)
	return t, err
}

// VerifyInvoice checks an invoice with the hall.
func (c *Client) VerifyInvoice(ctx context.Context, q InvoiceQuery) (Verification, error) {
	var v Verification
	body, err := json.Marshal(q)
	if err != nil {
		return v, fmt.Errorf("hallapi: encode invoice: %w", err)
	}
	err = c.do(ctx, http.MethodPost, PathVerifyInvoice, body, &v)
	return v, err
}
