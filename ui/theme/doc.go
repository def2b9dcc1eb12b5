// Package theme is the kiosk's look: a bundled font for every text style (regular, bold,
// monospace; never a system font), large sizes for a standing taxpayer (touch targets of at
// least 60 px), a calm blue and white palette with a red reserved for errors, and a
// large-text mode that scales every size up for taxpayers who need it.
//
// Its coverage test fails when any text the kiosk can show holds a rune the bundled fonts
// lack, which would otherwise be drawn from the machine's fonts, or as a box.
package theme
