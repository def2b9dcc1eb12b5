// Package assets bundles what the kiosk shows and prints that is not code: the fonts, the
// translation catalogues (translations/zh.json is the default language, en.json the second)
// and icons.
//
// Fonts are never taken from the system: a kiosk's Debian image may have no CJK font at all,
// and a hall's kiosks must look the same. Every style the kiosk draws has its own bundled
// face, each covering Latin, digits and the ideographs alike, so that no rune ever falls back
// to a font the machine may lack:
//
//   - Regular: Noto Sans CJK SC Regular
//   - Bold: Noto Sans CJK SC Bold
//   - Mono: Noto Sans Mono CJK SC Regular (half-width Latin, full-width ideographs)
//
// They are the Simplified Chinese faces of Debian 12's fonts-noto-cjk (SIL Open Font Licence
// 1.1, fonts/NotoSansCJK.LICENSE), taken out of its .ttc collections, which Fyne cannot load,
// with fontTools (Debian's python3-fonttools):
//
//	from fontTools.ttLib import TTCollection
//	TTCollection("NotoSansCJK-Regular.ttc").fonts[2].save("NotoSansCJKsc-Regular.otf")
//	TTCollection("NotoSansCJK-Bold.ttc").fonts[2].save("NotoSansCJKsc-Bold.otf")
//	TTCollection("NotoSansCJK-Regular.ttc").fonts[7].save("NotoSansMonoCJKsc-Regular.otf")
//
// They are not subset: a name read from an ID card may use any ideograph, and a missing glyph
// would be a defect in front of a taxpayer (subsetting to the SC forms saves only 1 %).
// ui/theme's coverage test fails when a catalogue string, a persona, a hall name or a sample
// text holds a rune one of them lacks. Parsed, each costs about 4 MB of heap (CFF outlines
// are read lazily), a third of what the TrueType Droid Sans Fallback it replaces did.
package assets
