// Package packaging holds no code: its tests check the Debian packages that
// `./build.sh package` builds with nfpm from the files beside them (the nfpm configurations,
// systemd units, udev rules, maintainer scripts and default configuration).
//
// Tests that need the built packages read them from $TAXKIOSK_DIST (build.sh sets it to
// dist/) and are skipped without it; they need dpkg-deb and systemd-analyze, and run the
// maintainer scripts as root against a scratch root (DPKG_ROOT), never the machine's own.
package packaging
