package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"taxkiosk/kiosk/hall"
)

// firmwareDir is where the hall keeps the bundles it serves: DATA/firmware.
func firmwareDir(data string) string { return filepath.Join(data, "firmware") }

// firmwareCmd is `hall firmware publish --data DIR FILE`, which puts a signed bundle (made
// with `kioskctl update make`) on the shelf the hall serves its kiosks from, and `hall
// firmware list --data DIR`. A running hall serves a published bundle at once.
func firmwareCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: hall firmware publish --data DIR FILE | hall firmware list --data DIR")
	}
	fs := flag.NewFlagSet("hall firmware "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "the hall's data directory")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("--data DIR is required")
	}
	shelf := hall.Firmware{Dir: firmwareDir(*data)}
	switch args[0] {
	case "publish":
		if fs.NArg() != 1 {
			return errors.New("usage: hall firmware publish --data DIR FILE")
		}
		m, err := shelf.Publish(fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "published %s sequence %d (%s)\n", m.DeviceType, m.Sequence, m.Version)
		return nil
	case "list":
		types, _ := os.ReadDir(shelf.Dir)
		var names []string
		for _, t := range types {
			if t.IsDir() {
				names = append(names, t.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			if _, seq := shelf.Newest(n); seq > 0 {
				fmt.Fprintf(stdout, "%s newest %d\n", n, seq)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown firmware command %q", args[0])
}
