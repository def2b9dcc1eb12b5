// Package certs runs the hall's small private PKI for mutual TLS between kiosks and the hall:
// an Ed25519 CA (RFC 8032 keys in X.509, RFC 8410), a server certificate for the hall and one
// client certificate per kiosk whose Common Name is the kiosk id. The hall then knows which
// kiosk is calling from the handshake itself, refuses a kiosk that posts under another id,
// and verifies the Ed25519 signature each batch carries (hallapi.HeaderSignature) with the
// same certificate's key.
//
// Files in a certs directory (keys PKCS#8 PEM, mode 0600; certificates PEM):
//
//	ca.crt ca.key            the CA; ca.key belongs offline once kiosks are issued
//	server.crt server.key    the hall's server certificate
//	kiosk-ID.crt kiosk-ID.key one per kiosk; copy both and ca.crt to that kiosk
//
// The kiosk reads ca.crt and its own pair through kiosk/mtls, which this package uses for
// those file names, so that the firmware links nothing of the hall.
//
// TLS 1.3 only. Caveats: there is no revocation list; a lost kiosk is cut off by issuing a
// new CA or by a deny list in front of the hall. Nothing here waits on the network, so no
// call takes a context.
package certs
