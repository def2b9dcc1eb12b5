package escpossim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FaultKind is a way for the simulated printer to misbehave.
type FaultKind int

const (
	FaultNone          FaultKind = iota
	FaultSilent                  // answers no status query
	FaultGarbage                 // answers status queries with bytes whose fixed bits are wrong
	FaultPaperOutAfter           // paper runs out after Fault.Bytes job bytes
	FaultSlow                    // answers status queries after Fault.Delay
	// FaultCoverOpenAfter: someone opens the cover after Fault.Bytes job bytes (a technician,
	// or a taxpayer pulling at a jammed receipt); the rest of the job is not printed.
	FaultCoverOpenAfter
)

// DefaultSlowDelay is the delay of FaultSlow when Fault.Delay is zero.
const DefaultSlowDelay = 200 * time.Millisecond

// Fault is a fault to inject. The zero value is no fault.
type Fault struct {
	Kind  FaultKind
	Bytes int           // FaultPaperOutAfter, FaultCoverOpenAfter: job bytes printed before it fires
	Delay time.Duration // FaultSlow: zero means DefaultSlowDelay
}

// ParseFault reads a fault as kioskctl takes it: "none", "silent", "garbage",
// "paper-out-after=N", "cover-open-after=N" or "slow" / "slow=DURATION".
func ParseFault(s string) (Fault, error) {
	name, arg, hasArg := strings.Cut(s, "=")
	switch {
	case name == "none" && !hasArg:
		return Fault{}, nil
	case name == "silent" && !hasArg:
		return Fault{Kind: FaultSilent}, nil
	case name == "garbage" && !hasArg:
		return Fault{Kind: FaultGarbage}, nil
	case name == "paper-out-after" && hasArg:
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return Fault{}, fmt.Errorf("%w %q: want a byte count", ErrBadFault, s)
		}
		return Fault{Kind: FaultPaperOutAfter, Bytes: n}, nil
	case name == "cover-open-after" && hasArg:
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return Fault{}, fmt.Errorf("%w %q: want a byte count", ErrBadFault, s)
		}
		return Fault{Kind: FaultCoverOpenAfter, Bytes: n}, nil
	case name == "slow" && !hasArg:
		return Fault{Kind: FaultSlow}, nil
	case name == "slow":
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return Fault{}, fmt.Errorf("%w %q: want a duration", ErrBadFault, s)
		}
		return Fault{Kind: FaultSlow, Delay: d}, nil
	}
	return Fault{}, fmt.Errorf("%w %q (want none, silent, garbage, paper-out-after=N, cover-open-after=N, slow[=D])", ErrBadFault, s)
}

func (f Fault) String() string {
	switch f.Kind {
	case FaultNone:
		return "none"
	case FaultSilent:
		return "silent"
	case FaultGarbage:
		return "garbage"
	case FaultPaperOutAfter:
		return fmt.Sprintf("paper-out-after=%d", f.Bytes)
	case FaultCoverOpenAfter:
		return fmt.Sprintf("cover-open-after=%d", f.Bytes)
	case FaultSlow:
		if f.Delay == 0 {
			return "slow"
		}
		return "slow=" + f.Delay.String()
	}
	return fmt.Sprintf("FaultKind(%d)", int(f.Kind))
}
