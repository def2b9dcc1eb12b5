// Package theme is the kiosk's look: the bundled CJK font for every text style (never a
// system font), large sizes for a standing taxpayer (touch targets of at least 60 px), a
// calm blue and white palette with a red reserved for errors, and a large-text mode that
// scales every size up for taxpayers who need it.
package theme
