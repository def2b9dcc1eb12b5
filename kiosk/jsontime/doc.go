// Package jsontime is the one JSON form of a duration in the kiosk's files and reports: a
// string Go's time.ParseDuration reads ("60s", "1m30s", "72h"), never a count of nanoseconds,
// so that the configuration file, the offline policy in it and kioskctl's --json output are
// written and read by people the same way. It has no dependencies beyond the standard
// library, so configuration validation, the policy and the technician's reports can all use
// it without linking anything else.
package jsontime
