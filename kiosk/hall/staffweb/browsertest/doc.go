// Package browsertest drives a real headless Chromium (Debian's chromium package) from
// tests through chromedp, and keeps screenshots as test artefacts in the folder named by
// the environment variable STAFF_SHOTS (a fresh temporary folder when unset). It is
// imported by tests only.
//
// Without a chromium binary the test is skipped, unless STAFF_REQUIRE_CHROMIUM is set (as
// `./build.sh test` does, having installed it), when it fails.
package browsertest
