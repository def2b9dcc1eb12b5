package hallapi

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"taxkiosk/kiosk/mtls"
)

// NewTLSClient is the client a kiosk uses against a hall that requires kiosk certificates:
// mutual TLS 1.3 with the kiosk's certificate from certsDir (ca.crt and the kiosk's pair,
// as `hall certs issue` writes them), and every batch signed with the certificate's Ed25519
// key. baseURL must be https. The transport bounds dialing and the TLS handshake to 10 s
// each; the whole call is bounded by the context given to each method.
func NewTLSClient(baseURL, certsDir, kioskID string) (*Client, error) {
	if !strings.HasPrefix(baseURL, "https://") {
		return nil, fmt.Errorf("%w: %q: mutual TLS needs an https:// hall URL", ErrConfig, baseURL)
	}
	cfg, key, err := mtls.ClientConfig(certsDir, kioskID)
	if err != nil {
		return nil, fmt.Errorf("%w: kiosk %s: %w", ErrConfig, kioskID, err)
	}
	tr := &http.Transport{
		Proxy:               nil, // a hall on the tax office's network is never reached through a proxy
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     cfg,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), SigningKey: key, HTTP: &http.Client{Transport: tr}}, nil
}
