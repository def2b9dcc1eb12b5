package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// fillOutput makes w fullscreen at the size of the monitor it opens on.
//
// Fyne creates the window at its content's minimum size and then asks GLFW for fullscreen.
// Under cage's Xwayland the view keeps the size the window was first mapped with, so the
// kiosk covered about 1004×720 of a 1280×720 output, the rest black. Sizing the window to
// the monitor's current video mode before it is first shown makes the first mapping the
// whole output; fullscreen then changes nothing but the window state.
//
// The window is asked for one pixel more than the output's height; cage (or fullscreen)
// then gives it exactly the output. Asked for exactly the output's size, in about three
// starts in four on cage's headless backend the output stayed black for good while the
// kiosk's X window was drawn (an X capture of it showed the idle screen) and the UI thread
// turned. The likely cause (not proven: cage logs no detail) is that cage 0.1.4 hands a view
// matching the output to it directly (scan-out) instead of compositing it, and that path
// showed nothing of Xwayland's window here. Asked one pixel taller, 16 starts in 16 showed the idle screen over
// the whole output (issue 14; TestBootsUnderCage now fails on a black output).
//
// It must run on the main goroutine after the first NewWindow, which is when Fyne has
// initialised GLFW and before the event loop starts.
func fillOutput(w fyne.Window) {
	if m := glfw.GetPrimaryMonitor(); m != nil {
		if mode := m.GetVideoMode(); mode != nil && mode.Width > 0 && mode.Height > 0 {
			s := w.Canvas().Scale()
			if s <= 0 {
				s = 1
			}
			w.Resize(fyne.NewSize(float32(mode.Width)/s, float32(mode.Height+1)/s))
		}
	}
	w.SetFullScreen(true)
}
