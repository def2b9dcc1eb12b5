package netcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/tech"
)

// DefaultTimeout bounds a check when Opts.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Opts configures a check. A nil *Opts means every zero value below.
type Opts struct {
	// TLS is the kiosk's client configuration for an https hall (mtls.ClientConfig):
	// the CA it trusts and its own certificate. Nil over https means the system's roots and no
	// client certificate, which a hall requiring kiosk certificates refuses (net.check.tls).
	TLS *tls.Config
	// Timeout bounds the whole check; zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the kiosk's clock, for CheckedAt and the skew; nil means time.Now.
	Now func() time.Time
}

// Check asks the hall at hallURL for its health once and reports what it saw.
func Check(ctx context.Context, hallURL string, opts *Opts) tech.NetReport {
	var o Opts
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	r := tech.NetReport{HallURL: hallURL, CheckedAt: o.Now()}
	u, err := url.Parse(hallURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.ErrorKey, r.Error = KeyError, fmt.Sprintf("hall URL %q is not an http(s) URL", hallURL)
		return r
	}
	r.TLS = u.Scheme == "https"
	if r.TLS && o.TLS != nil {
		r.KioskCertExpires = ownCertExpiry(o.TLS)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	tr := &http.Transport{
		Proxy:             nil, // the hall is on the tax office's network, never behind a proxy
		DialContext:       (&net.Dialer{}).DialContext,
		TLSClientConfig:   o.TLS,
		DisableKeepAlives: true, // each check measures a fresh connection and handshake
		ForceAttemptHTTP2: false,
	}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(hallURL, "/")+hallapi.PathHealth, nil)
	if err != nil {
		r.ErrorKey, r.Error = KeyError, err.Error()
		return r
	}
	sent, clockSent := time.Now(), o.Now()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	took := time.Since(sent)
	clockGot := o.Now()
	if err != nil {
		r.ErrorKey, r.Error = Classify(err), err.Error()
		if ctx.Err() != nil {
			r.ErrorKey = KeyTimeout
		}
		return r
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r.RoundTrip = jsontime.Duration(took)
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		r.HallCertExpires = resp.TLS.PeerCertificates[0].NotAfter
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		mid := clockSent.Add(clockGot.Sub(clockSent) / 2)
		r.ClockSkew = jsontime.Duration(mid.Sub(d).Round(time.Second))
		r.SkewKnown = true
	}
	if resp.StatusCode != http.StatusOK {
		r.ErrorKey, r.Error = KeyError, "health: HTTP "+resp.Status
		return r
	}
	r.Reachable = true
	return r
}

// Classify maps an error from dialing or a request to a catalogue key.
func Classify(err error) string {
	var dnsErr *net.DNSError
	var certInvalid x509.CertificateInvalidError
	var unknownAuth x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var recordHeader tls.RecordHeaderError
	var alert tls.AlertError
	var certVerify *tls.CertificateVerificationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &dnsErr):
		return KeyDNS
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return KeyRefused
	case errors.As(err, &certInvalid), errors.As(err, &unknownAuth), errors.As(err, &hostname),
		errors.As(err, &recordHeader), errors.As(err, &alert), errors.As(err, &certVerify):
		return KeyTLS
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return KeyTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KeyTimeout
	}
	// A server that closes the connection during a TLS handshake because it refused the client
	// certificate shows up as a plain remote error on TLS 1.3 clients.
	if strings.Contains(err.Error(), "tls: ") {
		return KeyTLS
	}
	return KeyError
}

// ownCertExpiry is when the kiosk's client certificate expires; zero when it has none.
func ownCertExpiry(c *tls.Config) time.Time {
	if len(c.Certificates) == 0 {
		return time.Time{}
	}
	cert := c.Certificates[0]
	if cert.Leaf != nil {
		return cert.Leaf.NotAfter
	}
	if len(cert.Certificate) == 0 {
		return time.Time{}
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return time.Time{}
	}
	return leaf.NotAfter
}
