package update

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Files in the making: a bundle being unpacked (versions/.incoming-*), downloaded from the
// hall (.download-*) or copied from a USB stick by kioskctl (.incoming-*.bundle). Each is
// made and flock(2)ed under Dir/lock and stays locked while its maker works on it, so that
// Sweep, which holds Dir/lock and removes only what nobody has locked, can tell a leftover
// of a crash or power cut from work in progress in another process.
var leftoverPrefixes = []string{".incoming-", ".download-"}

// CreateTemp makes a temporary file in the firmware store dir (os.CreateTemp's pattern),
// locked against Sweep until it is closed.
func CreateTemp(dir, pattern string) (*os.File, error) {
	var f *os.File
	err := lockDir(dir, func() (err error) {
		if f, err = os.CreateTemp(dir, pattern); err != nil {
			return err
		}
		if err = flockNB(f); err != nil {
			f.Close()
			os.Remove(f.Name())
		}
		return err
	})
	return f, err
}

// tempDir makes a temporary directory under the store (in parent), locked against Sweep until
// the returned handle is closed.
func (s *Slots) tempDir(parent, pattern string) (*os.File, error) {
	var d *os.File
	err := lockDir(s.opts.Dir, func() error {
		name, err := os.MkdirTemp(parent, pattern)
		if err != nil {
			return err
		}
		if d, err = os.Open(name); err == nil {
			if err = flockNB(d); err != nil {
				d.Close()
			}
		}
		if err != nil {
			os.RemoveAll(name)
		}
		return err
	})
	return d, err
}

// Sweep removes what a crash left of installs and downloads (nobody holds its lock) and
// returns their paths. The launcher runs it at start-up.
func (s *Slots) Sweep() ([]string, error) {
	var removed []string
	err := s.locked(func() error {
		var errs []error
		for _, dir := range []string{s.opts.Dir, filepath.Join(s.opts.Dir, "versions")} {
			ents, err := os.ReadDir(dir)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, e := range ents {
				if !hasAnyPrefix(e.Name(), leftoverPrefixes) {
					continue
				}
				p := filepath.Join(dir, e.Name())
				gone, err := removeUnlocked(p)
				if err != nil {
					errs = append(errs, err)
				}
				if gone {
					removed = append(removed, p)
				}
			}
		}
		return errors.Join(errs...)
	})
	return removed, err
}

// removeUnlocked removes p (a file or a tree) unless another open file holds its lock.
func removeUnlocked(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := flockNB(f); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil // in the making
		}
		return false, err
	}
	if err := os.RemoveAll(p); err != nil {
		return false, err
	}
	return true, nil
}

func flockNB(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// PackagedFile is where the Debian package keeps its firmware's sequence (build.sh's
// package step writes it from the package version's last part, the number a bundle of the
// same commit carries).
const PackagedFile = "/usr/lib/taxkiosk/SEQUENCE"

// PackagedSequence reads the packaged firmware's sequence from file (PackagedFile); a
// missing file (a developer's build, a package older than the file) is sequence 0.
func PackagedSequence(file string) (uint64, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %q", ErrPackagedSequence, file, strings.TrimSpace(string(b)))
	}
	return n, nil
}
