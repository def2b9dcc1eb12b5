package control

import "errors"

var (
	// ErrNoKiosk: nothing listens on the socket (no socket file, or a stale one): the kiosk is
	// not running.
	ErrNoKiosk = errors.New("control: no kiosk is running")
	// ErrInUse: another process already serves the socket path.
	ErrInUse = errors.New("control: socket already served by another process")
	// ErrRefused: the server answered with an error; the wrapped text is the server's.
	ErrRefused = errors.New("control: request refused")
	// ErrBadRequest: the request or the answer is not valid protocol.
	ErrBadRequest = errors.New("control: bad request")
	// ErrNoSyncer: the handler has no sync loop to wake (the kiosk is not running).
	ErrNoSyncer = errors.New("control: no sync loop to wake")
	// ErrNoTechnician: the op needs the running kiosk's maintenance side (self-tests,
	// settings, logs, paper, maintenance), which a stopped kiosk's file cannot answer.
	ErrNoTechnician = errors.New("control: only the running kiosk answers this")
	// ErrUnknownSetting: config.get named no editable setting.
	ErrUnknownSetting = errors.New("control: unknown setting")
)
