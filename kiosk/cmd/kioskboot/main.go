// Command kioskboot starts the kiosk firmware from its side-by-side store: the kiosk unit
// runs it under cage in place of the kiosk itself.
//
//	kioskboot [--firmware DIR] [--fallback PROGRAM] [--packaged-sequence FILE] -- KIOSK-ARGS...
//
// DIR (default /var/lib/taxkiosk/firmware) holds the versions installed from signed bundles
// and the link current to the running one; while none is current, kioskboot runs the
// packaged PROGRAM (default /usr/bin/kiosk), the first installed version. FILE (default
// /usr/lib/taxkiosk/SEQUENCE) holds the packaged firmware's sequence: when an upgrade of
// the Debian package brought one newer than the current bundle, kioskboot drops the link and
// runs the package. At its start it removes what a crash left of installs and downloads.
// Before each start it undoes a switch a crash interrupted and rolls back a version on trial that ran out of
// time or stopped before it was marked good; it stops and rolls back a version on trial at
// its deadline, and starts a new version at once when the kiosk exits after switching at an
// idle moment (package update, Launch).
//
// kioskboot is packaged, never part of a bundle, so a bad bundle cannot break the way back.
// It builds without cgo and links only the update package. Its exit status is the
// firmware's; SIGTERM and SIGINT are passed on to the firmware.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"taxkiosk/kiosk/update"
)

func main() {
	fs := flag.NewFlagSet("kioskboot", flag.ExitOnError)
	dir := fs.String("firmware", "/var/lib/taxkiosk/firmware", "the firmware store")
	fallback := fs.String("fallback", "/usr/bin/kiosk", "the packaged kiosk, run while no bundle is current")
	seqFile := fs.String("packaged-sequence", update.PackagedFile, "the packaged kiosk's sequence")
	fs.Parse(os.Args[1:])
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	code, err := run(ctx, *dir, *fallback, *seqFile, fs.Args(), log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kioskboot:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// run is main without the process around it. The trial's length is not needed here: the
// kiosk that switches writes the deadline into the store.
func run(ctx context.Context, dir, fallback, seqFile string, args []string, log *slog.Logger) (int, error) {
	packaged, err := update.PackagedSequence(seqFile)
	if err != nil {
		// The package's own file is broken: start what is current rather than nothing, and
		// say why a package upgrade may not have taken.
		log.Error("kioskboot: packaged sequence unknown; an older bundle may run instead of the package", "err", err)
	}
	slots, err := update.New(update.Opts{Dir: dir, Packaged: packaged})
	if err != nil {
		return 1, err
	}
	return update.Launch(ctx, update.LaunchOpts{Slots: slots, Fallback: fallback, Args: args, Log: log})
}
