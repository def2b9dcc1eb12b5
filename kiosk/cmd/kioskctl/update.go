package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
	"taxkiosk/kiosk/tech"
	"taxkiosk/kiosk/update"
)

func updateCommands() []command {
	return []command{
		{"update apply", "FILE [--config F] [--data DIR]", "verify a signed firmware bundle (USB stick) and install it beside the running one; the kiosk switches at its next idle moment", updateApply},
		{"update status", "[--config F] [--data DIR] [--json]", "the running firmware version, a version on trial or waiting, and the last update steps", updateStatus},
		{"update rollback", "[--config F] [--data DIR]", "give up the version on trial now (then: systemctl restart taxkiosk)", updateRollback},
		{"update keygen", "--out KEYFILE", "make an Ed25519 signing key (0600) and print its public key for update_keys", updateKeygen},
		{"update make", "--key KEYFILE --sequence N --version V [--device-type T] --out BUNDLE NAME=PATH...", "make a signed firmware bundle (kiosk=bin/kiosk kioskctl=bin/kioskctl)", updateMake},
	}
}

// updateFlags are the flags every update command on a kiosk shares: the kiosk's (its data
// directory, which the configuration names unless --data does, --json, --timeout) and its
// configuration, whose update_keys check a bundle.
type updateFlags struct {
	kioskFlags
	cfgPath string
	cfg     config.Config
}

// parseUpdate parses args, want positional arguments as parseArgs takes them, and loads the
// kiosk's configuration.
func parseUpdate(name string, args []string, want int) (*updateFlags, []string, error) {
	f := &updateFlags{}
	pos, err := parseArgs(name, args, want, func(fs *flag.FlagSet) {
		fs.StringVar(&f.cfgPath, "config", "", "the kiosk's configuration (its update_keys); default DIR/kiosk.json")
		fs.StringVar(&f.data, "data", "", "the kiosk's data directory; default the configuration's")
		fs.BoolVar(&f.json, "json", false, "print JSON")
		fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "how long to wait for the kiosk")
	})
	if err != nil {
		return nil, nil, err
	}
	if f.cfgPath == "" {
		dir := f.data
		if dir == "" {
			dir = config.DefaultDataDir()
		}
		f.cfgPath = filepath.Join(dir, "kiosk.json")
	}
	cfg, err := config.Load(f.cfgPath)
	if err != nil {
		return nil, nil, err
	}
	if f.data != "" {
		cfg.DataDir = f.data
	}
	f.cfg, f.data = cfg, cfg.DataDir
	return f, pos, nil
}

// slots opens the kiosk's firmware store directly (no kiosk running, or reading only).
func (f *updateFlags) slots(stdout io.Writer) (*update.Slots, error) {
	keys, err := f.cfg.UpdatePublicKeys()
	if err != nil {
		return nil, err
	}
	packaged, err := update.PackagedSequence(update.PackagedFile)
	if err != nil {
		return nil, err
	}
	return update.New(update.Opts{Dir: filepath.Join(f.data, "firmware"), Trial: f.cfg.UpdateTrial.Std(), Packaged: packaged,
		Policy: update.Policy{Keys: keys, DeviceType: "taxkiosk-" + runtime.GOARCH},
		Record: func(e update.Event) {
			if e.Err != nil {
				fmt.Fprintf(stdout, "%s %d: %v\n", e.Step, e.Sequence, e.Err)
				return
			}
			fmt.Fprintf(stdout, "%s %d %s\n", e.Step, e.Sequence, e.Version)
		}})
}

// updateApply installs a bundle beside the running version, refusing it with the reason
// when it is unsigned, altered, for another device or not newer. The bundle is first copied
// into the kiosk's data directory, owned by the kiosk's user: a USB stick's file may be
// unreadable to it, and the stick may be pulled before the kiosk has read it. A running kiosk
// installs it (and records each step for the hall); with none running kioskctl installs it
// itself, and the kiosk reports the steps when it next starts.
func updateApply(args []string, stdout io.Writer) error {
	f, pos, err := parseUpdate("update apply", args, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	in, err := os.Open(file)
	if err != nil {
		return usage("%v", err)
	}
	defer in.Close()
	dir := filepath.Join(f.data, "firmware")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	uid, gid := owner(f.data)
	// Locked while open, so that a kioskboot starting meanwhile does not sweep it away.
	copied, err := update.CreateTemp(dir, ".incoming-*.bundle")
	if err != nil {
		return err
	}
	defer os.Remove(copied.Name())
	defer copied.Close()
	_, err = io.Copy(copied, in)
	if err == nil {
		err = copied.Sync()
	}
	if err != nil {
		return fmt.Errorf("copying the bundle: %w", err)
	}
	os.Chown(copied.Name(), uid, gid)

	var applied control.FirmwareApplied
	err = f.ask(func(ctx context.Context, c *control.Client) (err error) {
		applied, err = c.ApplyUpdate(ctx, copied.Name())
		return err
	})
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "verified %d %s: the kiosk switches to it at its next idle moment\n", applied.Sequence, applied.Version)
		return nil
	case !errors.Is(err, control.ErrNoKiosk):
		return err
	}
	slots, err := f.slots(stdout)
	if err != nil {
		return err
	}
	b, err := os.Open(copied.Name())
	if err != nil {
		return err
	}
	defer b.Close()
	if fi, err := b.Stat(); err == nil {
		slots.Note(update.Event{Step: update.StepDownloaded, Detail: fmt.Sprintf("from a file, %d bytes", fi.Size())})
	}
	m, err := slots.Install(b)
	// What kioskctl made as root must stay the kiosk's user's: the store, the new version,
	// the event log.
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, uid, gid)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "no kiosk running: version %d installed; the kiosk switches to it at its next idle moment after it starts\n", m.Sequence)
	return nil
}

// owner is the uid and gid owning path (the kiosk's user for its data directory), or the
// caller's when it cannot be read.
func owner(path string) (int, int) {
	if fi, err := os.Stat(path); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			return int(st.Uid), int(st.Gid)
		}
	}
	return os.Getuid(), os.Getgid()
}

// updateStatus shows the firmware board, from the running kiosk or, with none, its store.
func updateStatus(args []string, stdout io.Writer) error {
	f, _, err := parseUpdate("update status", args, 0)
	if err != nil {
		return err
	}
	var b tech.Firmware
	err = f.ask(func(ctx context.Context, c *control.Client) (err error) {
		b, err = c.FirmwareBoard(ctx)
		return err
	})
	if errors.Is(err, control.ErrNoKiosk) {
		slots, serr := f.slots(io.Discard)
		if serr != nil {
			return serr
		}
		b, err = slots.Board(20), nil
	}
	if err != nil {
		return err
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(b)
	}
	printFirmware(stdout, b, true)
	return nil
}

// printFirmware writes the board as lines for a technician; all adds every step kept.
func printFirmware(w io.Writer, b tech.Firmware, all bool) {
	running := "packaged"
	if b.Sequence > 0 {
		running = "version " + strconv.FormatUint(b.Sequence, 10)
	}
	line := "firmware " + running
	if b.Trial {
		line += " ON TRIAL until " + b.TrialUntil.Local().Format("2006-01-02 15:04:05")
	}
	if b.Pending > 0 {
		line += fmt.Sprintf("  version %d waits for the idle screen", b.Pending)
	}
	fmt.Fprintln(w, line)
	steps := b.Steps
	if !all && len(steps) > 1 {
		steps = steps[len(steps)-1:]
	}
	for _, s := range steps {
		l := fmt.Sprintf("  %s  %-11s", s.At.Local().Format("2006-01-02 15:04:05"), s.Step)
		if s.Sequence > 0 {
			l += " " + strconv.FormatUint(s.Sequence, 10)
		}
		for _, x := range []string{s.Version, s.Detail, s.Reason} {
			if x != "" {
				l += "  " + x
			}
		}
		fmt.Fprintln(w, l)
	}
}

// updateRollback gives up the version on trial at once, for a technician who sees it
// misbehave before its deadline; the previous version runs from the next start.
func updateRollback(args []string, stdout io.Writer) error {
	f, _, err := parseUpdate("update rollback", args, 0)
	if err != nil {
		return err
	}
	slots, err := f.slots(stdout)
	if err != nil {
		return err
	}
	rolled, err := slots.Abandon("rolled back by a technician (kioskctl)")
	if err != nil {
		return err
	}
	if !rolled {
		return notReady("no version is on trial: nothing to roll back")
	}
	fmt.Fprintln(stdout, "restart the kiosk (systemctl restart taxkiosk) to start the previous version")
	return nil
}

// updateKeygen makes the key that signs bundles. The private key stays with whoever builds
// releases, never on a kiosk or the hall; the public key goes into every kiosk's
// update_keys.
func updateKeygen(args []string, stdout io.Writer) error {
	var out string
	if _, err := parseArgs("update keygen", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "where to write the private key (mode 0600; refused if it exists)")
	}); err != nil || out == "" {
		return usage("update keygen --out KEYFILE")
	}
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	kf, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := kf.WriteString(base64.StdEncoding.EncodeToString(key.Seed()) + "\n"); err != nil {
		kf.Close()
		return err
	}
	if err := kf.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(pub))
	return nil
}

// readSigningKey reads a key written by updateKeygen.
func readSigningKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s: not a signing key from kioskctl update keygen", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// updateMake builds a signed bundle from files given as NAME=PATH (NAME is the file's path in
// the bundle; the kiosk's program must be called kiosk).
func updateMake(args []string, stdout io.Writer) error {
	var keyFile, version, device, out string
	var seq uint64
	pos, err := parseArgs("update make", args, anyArgs, func(fs *flag.FlagSet) {
		fs.StringVar(&keyFile, "key", "", "the signing key (kioskctl update keygen)")
		fs.Uint64Var(&seq, "sequence", 0, "the release's sequence number: larger than every earlier one")
		fs.StringVar(&version, "version", "", "the release's version for people, e.g. 1.4.2")
		fs.StringVar(&device, "device-type", "taxkiosk-"+runtime.GOARCH, "the kiosks it is for")
		fs.StringVar(&out, "out", "", "the bundle file to write")
	})
	if err != nil {
		return err
	}
	if keyFile == "" || seq == 0 || out == "" || len(pos) == 0 {
		return usage("update make needs --key, --sequence (> 0), --out and at least one NAME=PATH")
	}
	key, err := readSigningKey(keyFile)
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	for _, a := range pos {
		name, path, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return usage("%q: give files as NAME=PATH", a)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[name] = b
	}
	if _, ok := files["kiosk"]; !ok {
		return usage("a bundle must hold the kiosk program: kiosk=PATH")
	}
	var b bytes.Buffer
	m := update.Manifest{DeviceType: device, Sequence: seq, Version: version}
	if err := update.Build(&b, m, files, key); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s sequence %d (%s), %d files, %d bytes\n", out, device, seq, version, len(files), b.Len())
	return nil
}
