// Package assets bundles what the kiosk shows and prints that is not code: the CJK font
// (Droid Sans Fallback, Apache-2.0, licence beside it), the translation catalogues
// (translations/zh.json is the default language, en.json the second) and icons.
//
// The font is never taken from the system: a kiosk's Debian image may have no CJK font at
// all, and a hall's kiosks must look the same. Droid Sans Fallback covers the GB 2312 and most
// of the GB 18030 ideographs a taxpayer's name or address can hold; it has no Latin letters,
// which Fyne draws from its own bundled Noto Sans. It is not subset: a name read from an ID
// card may use any ideograph, and a missing glyph would be a defect in front of a taxpayer.
package assets
