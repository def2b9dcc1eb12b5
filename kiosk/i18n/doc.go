// Package i18n looks up the kiosk's user-facing text: screens, receipts and error messages all
// come from the catalogues in assets/translations (zh.json, the default, and en.json, each
// optionally split by area into files such as maint.zh.json), never from string literals in
// code. Keys are dotted names ("welcome.hello"); a text may hold
// named placeholders in braces ("您好，{name}"), filled from key/value arguments.
//
// Load refuses catalogues whose key sets differ, so a text added in one language and forgotten
// in the other is a startup error (and a test failure), not a blank label in front of a taxpayer.
package i18n
