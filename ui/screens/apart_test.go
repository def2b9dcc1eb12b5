package screens

import (
	"os"
	"os/exec"
	"testing"
)

// apartEnv names, in a child test process, the one test it runs.
const apartEnv = "SCREENS_TEST_APART"

// ranApart runs the calling test again in a test process of its own, in parallel with the
// other tests, and reports true in the parent, which then returns; in the child it reports
// false and the test runs. A whole kiosk behind the screens spends most of a test waiting on
// its devices and the hall, so two at a time halve the package's time; but Fyne's test app
// is one global per process, which is why each runs in its own process rather than under
// t.Parallel in this one. -parallel bounds how many run at once (GOMAXPROCS by default).
func ranApart(t *testing.T) bool {
	t.Helper()
	if os.Getenv(apartEnv) == t.Name() {
		return false
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), apartEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in its own process: %v\n%s", t.Name(), err, out)
	}
	if testing.Verbose() {
		t.Logf("%s", out)
	}
	return true
}
