package idcardsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxkiosk/drivers/idcard"
)

// DefaultLateDelay is the extra delay of "late-once" when none is given: beyond the reader's
// default command timeout (500 ms), so that the answer arrives after the driver gave up.
const DefaultLateDelay = 800 * time.Millisecond

// ParseFault reads a fault as a control panel or kioskctl takes it: "none", "garbage",
// "bad-checksum-once", "silent", "slow[=D]" (default 1 s), "lift-mid-read[=SW3 in hex]",
// "sam", or "late-once[=D][@find|select|read]" (default DefaultLateDelay, next request).
func ParseFault(s string) (Fault, error) {
	name, arg, hasArg := strings.Cut(s, "=")
	bad := func() (Fault, error) { return Fault{}, fmt.Errorf("%w %q", ErrBadFault, s) }
	if !hasArg {
		switch name {
		case "none":
			return Fault{}, nil
		case "garbage":
			return Fault{Kind: FaultGarbage}, nil
		case "bad-checksum-once":
			return Fault{Kind: FaultBadChecksumOnce}, nil
		case "silent":
			return Fault{Kind: FaultSilent}, nil
		case "sam":
			return Fault{Kind: FaultSAM}, nil
		case "slow":
			return Fault{Kind: FaultSlow, Delay: time.Second}, nil
		case "lift-mid-read":
			return Fault{Kind: FaultLiftMidRead}, nil
		}
	}
	switch {
	case name == "slow" && hasArg:
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return bad()
		}
		return Fault{Kind: FaultSlow, Delay: d}, nil
	case name == "lift-mid-read" && hasArg:
		v, err := strconv.ParseUint(arg, 16, 8)
		if err != nil {
			return bad()
		}
		return Fault{Kind: FaultLiftMidRead, SW3: byte(v)}, nil
	case strings.HasPrefix(s, "late-once"):
		f := Fault{Kind: FaultLateOnce, Delay: DefaultLateDelay}
		rest := strings.TrimPrefix(s, "late-once")
		rest, target, hasTarget := strings.Cut(rest, "@")
		if rest != "" {
			d, err := time.ParseDuration(strings.TrimPrefix(rest, "="))
			if !strings.HasPrefix(rest, "=") || err != nil || d < 0 {
				return bad()
			}
			f.Delay = d
		}
		if hasTarget {
			switch target {
			case "find":
				f.Cmd, f.Para = idcard.CmdCard, idcard.ParaFind
			case "select":
				f.Cmd, f.Para = idcard.CmdCard, idcard.ParaSelect
			case "read":
				f.Cmd, f.Para = idcard.CmdRead, idcard.ParaReadBase
			default:
				return bad()
			}
		}
		return f, nil
	}
	return bad()
}
