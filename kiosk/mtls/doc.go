// Package mtls is the kiosk's side of the mutual TLS between kiosks and the hall: where a
// kiosk's certificate files are and the client configuration made from them. It sits below
// both the kiosk's hall client (kiosk/hallapi) and the hall's PKI (kiosk/hall/certs, which
// issues the files named here), so that the firmware never links a hall package.
//
// Files in a certs directory (keys PKCS#8 PEM, Ed25519; certificates PEM):
//
//	ca.crt                     the hall's CA, which the hall's server certificate chains to
//	kiosk-ID.crt kiosk-ID.key  this kiosk's client certificate, Common Name = the kiosk id
//
// TLS 1.3 only. Nothing here waits on the network, so no call takes a context.
package mtls
