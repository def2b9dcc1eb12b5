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
// as Mender's ArtifactCommit and RAUC's mark-good do. Every step is reported to Opts.Record
// so it can become an audit transaction.
package update
