package control

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// checkPeer asks the kernel who is on the other end (SO_PEERCRED) and refuses other users.
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("%w: not a unix connection", ErrRefused)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("%w: peer credentials: %w", ErrRefused, cerr)
	}
	if !peerAllowed(cred.Uid) {
		return fmt.Errorf("%w: uid %d is not the kiosk's user", ErrRefused, cred.Uid)
	}
	return nil
}
