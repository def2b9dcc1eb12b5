package bridge

import (
	"os"
	"runtime"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Like Fyne's desktop driver, the test binary keeps its main goroutine on the main thread.
func init() { runtime.LockOSThread() }

var mainOnUIThread bool

func TestMain(m *testing.M) {
	mainOnUIThread = OnUIThread() // the main goroutine, locked to the main thread
	os.Exit(m.Run())
}

func TestOnUIThread(t *testing.T) {
	if !mainOnUIThread {
		t.Fatal("the main goroutine, locked to the main thread, is not taken for the UI thread")
	}
	if OnUIThread() {
		t.Fatal("a test's goroutine is taken for the UI thread")
	}
}

// After its event loop has ended, Fyne runs handed-over work on the caller's goroutine, as
// its test driver always does: Do must drop it rather than touch a terminated window system.
func TestDoDropsWorkRunOffTheUIThread(t *testing.T) {
	test.NewTempApp(t)
	ran := false
	Do(func() { ran = true })
	if ran {
		t.Fatal("work handed to Fyne ran on the caller's goroutine")
	}
}
