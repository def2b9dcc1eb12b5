package hall

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"taxkiosk/kiosk/hall/certs"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/update"
)

// Firmware is the shelf of bundles the hall serves its kiosks (hallapi.PathFirmware), a
// directory with one subdirectory per device type holding SEQUENCE.bundle files. `hall
// firmware publish` puts a bundle there; the hall does not verify bundles (it holds no
// update key), the kiosks do.
type Firmware struct {
	Dir string
}

// Publish files the bundle in file under its device type and sequence, written beside and
// renamed so that a kiosk never downloads half a bundle. It returns the bundle's manifest.
func (f Firmware) Publish(file string) (update.Manifest, error) {
	in, err := os.Open(file)
	if err != nil {
		return update.Manifest{}, err
	}
	defer in.Close()
	m, err := update.ReadManifest(in)
	if err != nil {
		return m, err
	}
	dir := filepath.Join(f.Dir, m.DeviceType)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err
	}
	dst := filepath.Join(dir, strconv.FormatUint(m.Sequence, 10)+".bundle")
	if _, err := os.Stat(dst); err == nil {
		return m, fmt.Errorf("%w: %s %d", ErrPublished, m.DeviceType, m.Sequence)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return m, err
	}
	tmp, err := os.CreateTemp(dir, ".publish-")
	if err != nil {
		return m, err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return m, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return m, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return m, err
	}
	if err := tmp.Close(); err != nil {
		return m, err
	}
	return m, os.Rename(tmp.Name(), dst)
}

// Newest is the path and sequence of the newest bundle for deviceType, or "" when none.
func (f Firmware) Newest(deviceType string) (string, uint64) {
	ents, _ := os.ReadDir(filepath.Join(f.Dir, deviceType))
	var best uint64
	for _, e := range ents {
		n, err := strconv.ParseUint(strings.TrimSuffix(e.Name(), ".bundle"), 10, 64)
		if err == nil && strings.HasSuffix(e.Name(), ".bundle") && n > best {
			best = n
		}
	}
	if best == 0 {
		return "", 0
	}
	return filepath.Join(f.Dir, deviceType, strconv.FormatUint(best, 10)+".bundle"), best
}

// firmware serves GET PathFirmware/{device}?after=N. Under RequireKiosk only a kiosk with a
// certificate is served (the TLS handshake already asked for it).
func (s *Server) firmware(w http.ResponseWriter, r *http.Request) {
	device := r.PathValue("device")
	after, err := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	if err != nil || device == "" || strings.ContainsAny(device, "/\\.") {
		writeError(w, http.StatusBadRequest, hallapi.CodeBadRequest, "want /v1/firmware/DEVICE-TYPE?after=SEQUENCE")
		return
	}
	if s.o.RequireKiosk {
		if _, _, ok := certs.Peer(r.TLS); !ok {
			writeError(w, http.StatusUnauthorized, hallapi.CodeNoCert, "a kiosk certificate is required")
			return
		}
	}
	if s.o.Firmware.Dir == "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	path, seq := s.o.Firmware.Newest(device)
	if seq <= after {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, hallapi.CodeStorage, "bundle unreadable")
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		writeError(w, http.StatusInternalServerError, hallapi.CodeStorage, "bundle unreadable")
		return
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set(hallapi.HeaderFirmwareSequence, strconv.FormatUint(seq, 10))
	http.ServeContent(w, r, filepath.Base(path), fi.ModTime(), f)
	if s.o.Log != nil {
		s.o.Log.Info("firmware served", "device_type", device, "sequence", seq, "after", after)
	}
}
