// Package theme is the kiosk's look: a bundled font for every text style (regular, bold,
// monospace; never a system font), large sizes for a standing taxpayer (touch targets of at
// least 60 px), a calm blue and white palette with a red reserved for errors, and a
// large-text mode that scales every size up for taxpayers who need it.
//
// Its coverage test fails when any text the kiosk can show holds a rune the bundled fonts
// lack, which would otherwise be drawn from the machine's fonts, or as a box.
//
// The bundled faces are large (Noto Sans CJK, about 16 MB each), and Fyne's font parser
// copies the tables it keeps into the heap: Warm parses the two the idle screen needs
// (regular, bold) ahead of the first layout, so that start-up can overlap it with other
// work, the monospace face waits for its first use, and ReleaseFontFiles then gives the
// pages of the embedded files back to the kernel.
package theme
