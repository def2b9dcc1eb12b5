package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// xScreen reads the root window of an X display with the core protocol's GetImage, over the
// display's unix socket: a 1280×800 frame in a few milliseconds, where a screenshot tool
// takes a few hundred, so that the time to a first frame is measured to a frame's
// precision. It speaks just enough X11 for that (connection setup without authorisation,
// as Xvfb started with -nolisten tcp and no -auth accepts from its own machine).
type xScreen struct {
	conn          net.Conn
	root          uint32
	width, height int
}

var errX11 = errors.New("x11")

// openXScreen connects to display (":104").
func openXScreen(display string) (*xScreen, error) {
	num, _, _ := strings.Cut(strings.TrimPrefix(display, ":"), ".")
	conn, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errX11, err)
	}
	// 'l': little-endian, protocol 11.0, no authorisation.
	if _, err := conn.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %v", errX11, err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: setup: %v", errX11, err)
	}
	body := make([]byte, int(binary.LittleEndian.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(conn, body); err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: setup: %v", errX11, err)
	}
	if head[0] != 1 {
		conn.Close()
		return nil, fmt.Errorf("%w: connection refused: %q", errX11, body)
	}
	vendorLen := int(binary.LittleEndian.Uint16(body[16:]))
	formats := int(body[21])
	screen := 32 + (vendorLen+3)&^3 + 8*formats
	s := &xScreen{conn: conn, root: binary.LittleEndian.Uint32(body[screen:]),
		width:  int(binary.LittleEndian.Uint16(body[screen+20:])),
		height: int(binary.LittleEndian.Uint16(body[screen+22:]))}
	if depth := body[screen+38]; depth != 24 {
		conn.Close()
		return nil, fmt.Errorf("%w: root depth %d, want 24 (Xvfb -screen 0 WxHx24)", errX11, depth)
	}
	return s, nil
}

func (s *xScreen) Close() error { return s.conn.Close() }

// save writes a grabbed frame as a PNG file for a failure report, and returns its path.
func (s *xScreen) save(t *testing.T, px []byte) string {
	img := image.NewNRGBA(image.Rect(0, 0, s.width, s.height))
	for i := 0; i < s.width*s.height; i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = px[4*i+2], px[4*i+1], px[4*i], 0xff
	}
	f, err := os.CreateTemp("", "footprint-*.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// grab returns the root window's pixels, 4 bytes each (blue, green, red, unused).
func (s *xScreen) grab() ([]byte, error) {
	req := make([]byte, 20)
	req[0], req[1] = 73, 2 // GetImage, ZPixmap
	binary.LittleEndian.PutUint16(req[2:], 5)
	binary.LittleEndian.PutUint32(req[4:], s.root)
	binary.LittleEndian.PutUint16(req[12:], uint16(s.width))
	binary.LittleEndian.PutUint16(req[14:], uint16(s.height))
	binary.LittleEndian.PutUint32(req[16:], 0xffffffff)
	s.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := s.conn.Write(req); err != nil {
		return nil, fmt.Errorf("%w: GetImage: %v", errX11, err)
	}
	head := make([]byte, 32)
	if _, err := io.ReadFull(s.conn, head); err != nil {
		return nil, fmt.Errorf("%w: GetImage: %v", errX11, err)
	}
	if head[0] != 1 {
		return nil, fmt.Errorf("%w: GetImage answered with error %d", errX11, head[1])
	}
	px := make([]byte, int(binary.LittleEndian.Uint32(head[4:]))*4)
	if _, err := io.ReadFull(s.conn, px); err != nil {
		return nil, fmt.Errorf("%w: GetImage: %v", errX11, err)
	}
	if len(px) < s.width*s.height*4 {
		return nil, fmt.Errorf("%w: GetImage gave %d bytes for %d×%d", errX11, len(px), s.width, s.height)
	}
	return px, nil
}

// shares tells how much of the rows [from, to) of a frame w pixels wide is light (a page or
// screen background) and how much dark enough to be text.
func shares(px []byte, w, from, to int) (light, dark float64) {
	var nl, nd int
	for i := from * w * 4; i+3 < to*w*4 && i+3 < len(px); i += 4 {
		y := (299*int(px[i+2]) + 587*int(px[i+1]) + 114*int(px[i])) / 1000
		switch {
		case y >= 200:
			nl++
		case y < 100:
			nd++
		}
	}
	n := float64(max(1, (to-from)*w))
	return float64(nl) / n, float64(nd) / n
}

// painted is the first-frame rule for both the kiosk and Chromium: the screen (black before,
// Xvfb -br) is mostly a light background, and the band where the idle screen's prompt and
// hint are (the rows from 42 % to 72 % of its height) carries text. A page whose background
// is up but whose web font has not arrived is not painted yet.
func (s *xScreen) painted(px []byte) bool {
	light, _ := shares(px, s.width, 0, s.height)
	_, text := shares(px, s.width, s.height*42/100, s.height*72/100)
	return light >= 0.5 && text >= 0.01
}
