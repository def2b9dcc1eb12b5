package netcheck

// Catalogue keys of NetReport.ErrorKey.
const (
	KeyRefused = "net.check.refused"
	KeyTimeout = "net.check.timeout"
	KeyTLS     = "net.check.tls"
	KeyDNS     = "net.check.dns"
	KeyError   = "net.check.error"
)
