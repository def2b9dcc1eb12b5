//go:build !linux

package theme

// ReleaseFontFiles does nothing off Linux: the kiosk runs on Linux, and other systems are
// only where its packages are built and tested.
func ReleaseFontFiles() {}
