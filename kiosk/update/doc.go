// Package update installs signed firmware bundles side by side and switches to them with an
// automatic rollback.
//
// A bundle is a tar archive: manifest.json first, manifest.sig (a detached Ed25519 signature
// of manifest.json's exact bytes) second, then the files the manifest lists with their
// SHA-256. The manifest names the device type the bundle is for and a sequence number that
// only grows; a kiosk refuses a bundle that is unsigned, signed by no pinned key, altered,
// for another device type, or not newer than what it has installed (the rollback attack
// go-tuf had before 0.3.0, CVE-2022-29173). Signing the manifest rather than the archive is
// Tailscale's answer to an archive without a strong manifest.
//
// Firmware lives in Dir/versions/SEQUENCE/, one directory per version; Dir/current is a
// symbolic link to the running one, replaced by rename(2), so a crash at any moment leaves
// either the old or the new link, both bootable, and the running version's files are never
// written. A switch starts a trial (Dir/state.json, written before the link): the new
// version must call MarkGood before the deadline or Check rolls back to the previous one,
// as Mender's ArtifactCommit and RAUC's mark-good do. Every step is appended to
// Dir/events.jsonl (and given to Opts.Record) so that it becomes an audit transaction.
//
// Three processes share Dir, each change under an flock of Dir/lock. Launch is the packaged
// launcher (kiosk/cmd/kioskboot) the kiosk unit starts: it runs the current version, rolls a
// trial back at its deadline, when its run ended before MarkGood, or when a rollback was cut
// short, and starts a new version at once when the kiosk exits with ExitSwitched. Agent runs
// inside the kiosk: it fetches bundles from the hall, switches at an idle moment, marks a
// trial good once the kiosk is ready and reached the hall, and hands the event log to the
// hall's audit trail. kioskctl installs a bundle from a file when no kiosk runs.
//
// The packaged firmware carries a sequence too (Opts.Packaged, from the package's SEQUENCE
// file): a bundle must be newer than it, and when a package upgrade brings one newer than the
// current bundle, the launcher drops the link at the next start (Supersede). What a crash
// leaves of an unpack or a download is removed at the launcher's start (Sweep); files in the
// making are flock(2)ed, so Sweep can tell them from leftovers.
//
// Caveats: a package without a SEQUENCE file counts as sequence 0, older than any bundle; a
// reboot during a trial rolls back (a trial gets one run, as Mender's uncommitted update).
package update
