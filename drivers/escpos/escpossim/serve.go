package escpossim

import (
	"context"

	"taxkiosk/drivers/serialport"
)

// Server is a Sim serving a fresh pseudo-terminal, as `kioskctl sim printer --link PATH`
// runs it: the driver opens Path() as it would a real serial printer.
type Server struct {
	*Sim
	pty    *serialport.Pty
	cancel context.CancelFunc
	done   chan error
}

// Serve creates a pty, links it at link (if not empty), and runs a Sim on it until Close.
func Serve(link string, opts *Opts) (*Server, error) {
	pty, err := serialport.NewPty(link)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Sim: New(pty.Master, opts), pty: pty, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- s.Run(ctx) }()
	return s, nil
}

// Path is what the driver opens: the link, or the pty slave when there is none.
func (s *Server) Path() string { return s.pty.Path() }

// Close stops the simulator, waits for it, and removes the pty and its link: to the
// driver, the printer is unplugged. It returns the error that stopped Run, if any.
func (s *Server) Close() error {
	s.cancel()
	err := <-s.done
	if cerr := s.pty.Close(); err == nil {
		err = cerr
	}
	return err
}
