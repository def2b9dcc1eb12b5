package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/scanner/scannersim"
	"taxkiosk/drivers/serialport"
)

func simCommands() []command {
	return []command{
		{"sim idcard", "--link PATH [--persona KEY] [--bare]", "run the ID-card reader simulator on a pty", simIDCard},
		{"sim printer", "--link PATH", "run the receipt printer simulator on a pty", simPrinter},
		{"sim scanner", "--link PATH", "run the 2D scanner simulator on a pty", simScanner},
	}
}

// A simulator runs until SIGINT or SIGTERM. It takes commands, one per line, on standard
// input (a technician's terminal, or a test's pipe) and answers each with "ok" or an error.

type simFlags struct {
	link    string
	persona string
	bare    bool
	baud    int
}

func parseSim(name string, args []string, withPersona bool) (*simFlags, error) {
	f := &simFlags{}
	if _, err := parseArgs(name, args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&f.link, "link", "", "path of the symlink to the simulator's pty")
		fs.IntVar(&f.baud, "baud", 0, "pace output at this line speed (0: as fast as the pty goes)")
		if withPersona {
			fs.StringVar(&f.persona, "persona", "", "persona whose card lies on the reader at start")
			fs.BoolVar(&f.bare, "bare", false, "answer find and select without the CVR-100's zero padding")
		}
	}); err != nil {
		return nil, err
	}
	if f.link == "" {
		return nil, usage("--link PATH is required")
	}
	return f, nil
}

// serveSim makes the pty, runs the simulator on it, and feeds stdin lines to handle.
func serveSim(link string, stdout io.Writer, run func(ctx context.Context, master io.ReadWriter) error, handle func(words []string) (string, error)) error {
	pty, err := serialport.NewPty(link)
	if err != nil {
		return err
	}
	defer pty.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var out sync.Mutex
	say := func(format string, a ...any) {
		out.Lock()
		fmt.Fprintf(stdout, format+"\n", a...)
		out.Unlock()
	}
	say("simulator ready on %s (%s)", pty.Path(), pty.SlavePath)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			words := strings.Fields(sc.Text())
			if len(words) == 0 {
				continue
			}
			if msg, err := handle(words); err != nil {
				say("error: %v", err)
			} else {
				say("ok %s", msg)
			}
		}
	}()
	err = run(ctx, pty.Master)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func simIDCard(args []string, stdout io.Writer) error {
	f, err := parseSim("sim idcard", args, true)
	if err != nil {
		return err
	}
	if f.persona != "" {
		if _, ok := idcardsim.PersonaByKey(f.persona); !ok {
			return usage("no persona %q; personas: %s", f.persona, personaKeys())
		}
	}
	var sim *idcardsim.Sim
	ready := make(chan struct{})
	return serveSim(f.link, stdout, func(ctx context.Context, m io.ReadWriter) error {
		sim = idcardsim.New(m, &idcardsim.Opts{Baud: f.baud, Persona: f.persona, Bare: f.bare})
		close(ready)
		return sim.Run(ctx)
	}, func(w []string) (string, error) {
		<-ready
		switch {
		case w[0] == "place" && len(w) == 2:
			p, ok := idcardsim.PersonaByKey(w[1])
			if !ok {
				return "", fmt.Errorf("no persona %q; personas: %s", w[1], personaKeys())
			}
			return "placed " + p.Label, sim.Place(p.Card, p.Card.Photo)
		case w[0] == "lift":
			sim.Lift()
			return "lifted", nil
		case w[0] == "personas":
			return personaKeys(), nil
		case w[0] == "fault" && len(w) == 2:
			flt, err := idcardsim.ParseFault(w[1])
			if err != nil {
				return "", err
			}
			sim.SetFault(flt)
			return "fault " + flt.Kind.String(), nil
		}
		return "", fmt.Errorf("commands: place KEY | lift | personas | fault none|garbage|bad-checksum-once|silent|slow[=D]|late-once[=D][@find|select|read]|lift-mid-read[=80]|sam")
	})
}

func personaKeys() string {
	var keys []string
	for _, p := range idcardsim.Personas() {
		keys = append(keys, p.Key)
	}
	return strings.Join(keys, " ")
}

func simPrinter(args []string, stdout io.Writer) error {
	f, err := parseSim("sim printer", args, false)
	if err != nil {
		return err
	}
	var sim *escpossim.Sim
	ready := make(chan struct{})
	return serveSim(f.link, stdout, func(ctx context.Context, m io.ReadWriter) error {
		sim = escpossim.New(m, nil)
		sim.OnReceipt(func(r escpossim.Receipt) {
			fmt.Fprintf(stdout, "----- receipt (%d bytes, cut=%t) -----\n%s-----\n", r.Bytes, r.Cut, r.Text)
		})
		close(ready)
		return sim.Run(ctx)
	}, func(w []string) (string, error) {
		<-ready
		switch {
		case w[0] == "paper" && len(w) == 2:
			return "paper " + w[1], sim.SetPaper(w[1])
		case w[0] == "cover" && len(w) == 2 && (w[1] == "open" || w[1] == "closed"):
			sim.SetCover(w[1] == "open")
			return "cover " + w[1], nil
		case w[0] == "offline" && len(w) == 2:
			sim.SetOffline(w[1] == "on")
			return "offline " + w[1], nil
		case w[0] == "fault" && len(w) == 2:
			flt, err := escpossim.ParseFault(w[1])
			if err != nil {
				return "", err
			}
			sim.SetFault(flt)
			return "fault " + w[1], nil
		}
		return "", fmt.Errorf("commands: paper ok|near_end|end | cover open|closed | offline on|off | fault none|silent|garbage|slow|paper-out-after=N|cover-open-after=N")
	})
}

func simScanner(args []string, stdout io.Writer) error {
	f, err := parseSim("sim scanner", args, false)
	if err != nil {
		return err
	}
	var sim *scannersim.Sim
	ready := make(chan struct{})
	samples := scannersim.SampleCodes()
	return serveSim(f.link, stdout, func(ctx context.Context, m io.ReadWriter) error {
		sim = scannersim.New(m, &scannersim.Opts{Baud: f.baud})
		close(ready)
		return sim.Run(ctx)
	}, func(w []string) (string, error) {
		<-ready
		switch {
		case w[0] == "scan" && len(w) >= 2:
			payload := strings.Join(w[1:], " ")
			return "scanned", sim.Scan([]byte(payload))
		case w[0] == "sample" && len(w) == 2:
			i, err := strconv.Atoi(w[1])
			if err != nil || i < 0 || i >= len(samples) {
				return "", fmt.Errorf("sample takes 0..%d", len(samples)-1)
			}
			return "scanned " + samples[i].Label, sim.Scan(samples[i].Payload)
		case w[0] == "samples":
			var b strings.Builder
			for i, s := range samples {
				fmt.Fprintf(&b, "\n%d %s", i, s.Label)
			}
			return b.String(), nil
		}
		return "", fmt.Errorf("commands: scan PAYLOAD | sample N | samples")
	})
}
