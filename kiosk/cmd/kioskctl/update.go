package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/update"
)

func updateCommands() []command {
	return []command{
		{"update apply", "FILE [--config F] [--firmware DIR]", "verify a signed firmware bundle (USB stick) and install it beside the running one", updateApply},
	}
}

// updateApply verifies and installs a bundle, refusing it with the reason when it is
// unsigned, altered, for another device or not newer. It installs beside the running
// version and does not switch: the kiosk switches at its next idle moment.
func updateApply(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("update apply", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfgPath := fs.String("config", filepath.Join(config.DefaultDataDir(), "kiosk.json"), "the kiosk's configuration (its update_keys)")
	dir := fs.String("firmware", "", "the firmware store (default DATA/firmware)")
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usage("%v", err)
	}
	if file == "" || fs.NArg() > 0 {
		return usage("name one bundle file")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	keys, err := cfg.UpdatePublicKeys()
	if err != nil {
		return err
	}
	if *dir == "" {
		*dir = filepath.Join(cfg.DataDir, "firmware")
	}
	slots, err := update.New(update.Opts{Dir: *dir, Policy: update.Policy{Keys: keys, DeviceType: "taxkiosk-" + runtime.GOARCH},
		Record: func(e update.Event) {
			if e.Err != nil {
				fmt.Fprintf(stdout, "%s %d: %v\n", e.Step, e.Sequence, e.Err)
				return
			}
			fmt.Fprintf(stdout, "%s %d %s\n", e.Step, e.Sequence, e.Version)
		}})
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return usage("%v", err)
	}
	defer f.Close()
	_, err = slots.Install(f)
	return err
}
