package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"time"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/control"
)

// parseArgs is how every kioskctl command reads its command line: define registers the
// command's flags, which may come anywhere among the positional arguments (technicians type
// `config set KEY VALUE --json` as often as the other way round). want is how many
// positional arguments the command takes: exactly that many, with -1 at most one, with
// anyArgs any number. They are returned in order.
// anyArgs is parseArgs's want for a command that takes any number of positional arguments.
const anyArgs = -2

func parseArgs(name string, args []string, want int, define func(fs *flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if define != nil {
		define(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usage("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case want == anyArgs:
	case want >= 0 && len(pos) > want:
		return nil, usage("unexpected argument %q", pos[want])
	case want >= 0 && len(pos) != want:
		return nil, usage("want %d argument(s), got %d", want, len(pos))
	case want < 0 && len(pos) > 1:
		return nil, usage("unexpected argument %q", pos[1])
	}
	return pos, nil
}

// kioskFlags are the flags of every command that asks the running kiosk: where its data
// directory (and so its control socket) is, JSON output, and how long to wait for it.
type kioskFlags struct {
	data    string
	json    bool
	timeout time.Duration
}

func (k *kioskFlags) define(fs *flag.FlagSet, timeout time.Duration) {
	fs.StringVar(&k.data, "data", config.DefaultDataDir(), "the kiosk's data directory")
	fs.BoolVar(&k.json, "json", false, "print JSON")
	fs.DurationVar(&k.timeout, "timeout", timeout, "how long to wait for the kiosk")
}

// ask runs one exchange with the running kiosk over its control socket: the one place
// kioskctl opens the socket. Errors come back as the client gives them (control.ErrNoKiosk
// when nothing answers), for callers that fall back on the files; call words them.
func (k *kioskFlags) ask(do func(ctx context.Context, c *control.Client) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), k.timeout)
	defer cancel()
	return do(ctx, &control.Client{Path: control.SocketPath(k.data)})
}

// call is ask with its failures in plain words: no kiosk running (exit 3), or the kiosk's own
// reason for refusing.
func (k *kioskFlags) call(do func(ctx context.Context, c *control.Client) error) error {
	err := k.ask(do)
	var refused *control.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, control.ErrNoKiosk):
		return notReady("no kiosk is running with data directory %s", k.data)
	case errors.As(err, &refused):
		return errors.New(refused.Text) // the kiosk's own words, without the protocol's prefix
	}
	return err
}

// kioskCmd is a command that asks the running kiosk one thing and shows the answer: parse,
// call, then JSON (--json) or a table for people, then the exit status the answer calls for.
type kioskCmd[T any] struct {
	name string
	args int                    // positional arguments, as parseArgs's want
	flag func(fs *flag.FlagSet) // the command's own flags beside --data, --json, --timeout; may be nil
	call func(ctx context.Context, c *control.Client, args []string) (T, error)
	show func(w io.Writer, v T) error // the readable form
	// check turns an answer into an exit status after it is shown (a failed self-test, an
	// unreachable hall); nil means every answer is success.
	check func(v T) error
}

func (k kioskCmd[T]) run(args []string, stdout io.Writer) error {
	var f kioskFlags
	pos, err := parseArgs(k.name, args, k.args, func(fs *flag.FlagSet) {
		f.define(fs, 60*time.Second)
		if k.flag != nil {
			k.flag(fs)
		}
	})
	if err != nil {
		return err
	}
	var v T
	if err := f.call(func(ctx context.Context, c *control.Client) (err error) {
		v, err = k.call(ctx, c, pos)
		return err
	}); err != nil {
		return err
	}
	if f.json {
		err = printJSON(stdout, v)
	} else {
		err = k.show(stdout, v)
	}
	if err == nil && k.check != nil {
		err = k.check(v)
	}
	return err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
