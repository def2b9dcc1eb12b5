//go:build !linux

package control

import "net"

// checkPeer relies on the socket's 0600 mode where SO_PEERCRED does not exist.
func checkPeer(net.Conn) error { return nil }
