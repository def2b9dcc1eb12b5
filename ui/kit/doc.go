// Package kit is what every page of the touchscreen is drawn with, the taxpayer's screens
// (package screens) and the technician's pages (package techpages) alike: touch-sized
// buttons labelled from the catalogue, headings and paragraphs that wrap, the large service
// tiles, and the centred column of readable width. It sits below both, so that neither has
// to import the other for a button.
//
// A Face is one window's words and buttons: the catalogue in the language on show, the
// theme, and the buttons of the page being built, by translation key, which tests tap and
// the bridge reaches. It is not safe for concurrent use: like every widget, it belongs to
// the UI thread.
package kit
