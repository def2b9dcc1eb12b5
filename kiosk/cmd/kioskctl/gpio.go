package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"taxkiosk/drivers/gpio"
)

func gpioCommands() []command {
	return []command{
		{"gpio read", "--presence PIN --door PIN --help PIN [--active-low LIST] [--json]", "read the debounced inputs once", gpioRead},
		{"gpio set", "tower on|off|blink --tower PIN [--active-low tower] [--for D] [--json]", "switch the tower light (blink runs until Ctrl-C or --for)", gpioSet},
	}
}

// gpioFlags name the host pins as periph does ("GPIO17"); an empty name is a pin not fitted.
type gpioFlags struct {
	names     gpio.PinNames
	activeLow string
	json      bool
	blinkFor  time.Duration
}

func parseGPIO(name string, args []string) (*gpioFlags, error) {
	f := &gpioFlags{}
	_, err := parseArgs(name, args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&f.names.Presence, "presence", "", "presence sensor pin, e.g. GPIO17")
		fs.StringVar(&f.names.Door, "door", "", "cabinet door switch pin")
		fs.StringVar(&f.names.Help, "help", "", "help button pin")
		fs.StringVar(&f.names.TowerLight, "tower", "", "tower light pin")
		fs.StringVar(&f.activeLow, "active-low", "", "comma-separated functions wired active low: presence,door,help,tower")
		fs.BoolVar(&f.json, "json", false, "print JSON")
		fs.DurationVar(&f.blinkFor, "for", 0, "with blink: stop after this long; 0 means until Ctrl-C")
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// opts turns --active-low into the driver's flags.
func (f *gpioFlags) opts() (*gpio.Opts, error) {
	o := &gpio.Opts{Names: f.names}
	for _, fn := range strings.Split(f.activeLow, ",") {
		switch strings.TrimSpace(fn) {
		case "":
		case "presence":
			o.PresenceActiveLow = true
		case "door":
			o.DoorActiveLow = true
		case "help":
			o.HelpActiveLow = true
		case "tower":
			o.TowerLightActiveLow = true
		default:
			return nil, usage("--active-low: unknown function %q (presence, door, help, tower)", fn)
		}
	}
	return o, nil
}

// openAux resolves the named pins on this machine's GPIO. A machine without them (a laptop,
// a container, a wrong name) is "not ready", exit 3, with a message saying which pin.
func openAux(f *gpioFlags) (*gpio.Aux, error) {
	o, err := f.opts()
	if err != nil {
		return nil, err
	}
	pins, err := gpio.OpenHostPins(f.names)
	switch {
	case errors.Is(err, gpio.ErrHost):
		return nil, notReady("this machine has no usable GPIO (%v): run kioskctl on the kiosk itself", err)
	case errors.Is(err, gpio.ErrNoPin):
		return nil, notReady("no such GPIO pin on this machine: %v (check the names in the kiosk's config)", err)
	case err != nil:
		return nil, err
	}
	a, err := gpio.New(pins, o)
	if errors.Is(err, gpio.ErrPin) {
		return nil, notReady("%v (is another program using the pin, and may this user drive GPIO?)", err)
	}
	return a, err
}

func gpioRead(args []string, stdout io.Writer) error {
	f, err := parseGPIO("gpio read", args)
	if err != nil {
		return err
	}
	if f.names.Presence == "" && f.names.Door == "" && f.names.Help == "" {
		return usage("name at least one input pin: --presence, --door or --help")
	}
	a, err := openAux(f)
	if err != nil {
		return err
	}
	defer a.Halt()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := a.Inputs(ctx)
	if err != nil {
		return err
	}
	if f.json {
		return json.NewEncoder(stdout).Encode(st)
	}
	fitted := func(name string, v bool) string {
		if name == "" {
			return "not fitted"
		}
		return fmt.Sprintf("%t (%s)", v, name)
	}
	fmt.Fprintf(stdout, "presence   %s\ndoor_open  %s\nhelp       %s\n",
		fitted(f.names.Presence, st.Presence), fitted(f.names.Door, st.DoorOpen), fitted(f.names.Help, st.Help))
	return nil
}

func gpioSet(args []string, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "tower" {
		return usage("gpio set tower on|off|blink --tower PIN")
	}
	mode := gpio.TowerMode(args[1])
	switch mode {
	case gpio.TowerOn, gpio.TowerOff, gpio.TowerBlink:
	default:
		return usage("tower light mode %q: on, off or blink", args[1])
	}
	f, err := parseGPIO("gpio set", args[2:])
	if err != nil {
		return err
	}
	if f.names.TowerLight == "" {
		return usage("--tower PIN is required")
	}
	f.names.Presence, f.names.Door, f.names.Help = "", "", "" // inputs play no part here
	a, err := openAux(f)
	if err != nil {
		return err
	}
	if err := a.SetTowerLight(mode); err != nil {
		a.Halt()
		return err
	}
	report := func() error {
		if f.json {
			return json.NewEncoder(stdout).Encode(struct {
				Tower gpio.TowerMode `json:"tower"`
				Pin   string         `json:"pin"`
			}{mode, f.names.TowerLight})
		}
		_, err := fmt.Fprintf(stdout, "tower light %s (%s)\n", mode, f.names.TowerLight)
		return err
	}
	if mode != gpio.TowerBlink {
		// No Halt: it would switch the light off again. The pin keeps its level for as long
		// as the host keeps a released line's level.
		return report()
	}
	if err := report(); err != nil {
		a.Halt()
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if f.blinkFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.blinkFor)
		defer cancel()
	}
	<-ctx.Done()
	return a.Halt() // stops the blinking and switches the light off
}
