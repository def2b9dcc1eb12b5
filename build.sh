#!/usr/bin/env bash
# build.sh: set up, build, test and demo the self-service tax kiosk on Debian 12.
#
#   ./build.sh demo    install what is missing, build, open the kiosk with simulated devices
#   ./build.sh test    install what the tests need, run every test
#   ./build.sh build   build bin/kiosk, bin/kioskctl and bin/hall
#   ./build.sh package build the Debian packages for amd64 and arm64 into dist/
#   ./build.sh firmware-test  build and check the packages, boot the firmware under cage
#   ./build.sh bundle  UPDATE_KEY=FILE: a signed firmware update bundle into dist/ (README, "Updates")
#   ./build.sh deps    install build dependencies only
#   ./build.sh mutants break each behaviour in .ci/mutants.txt in a scratch copy; fail if one survives
#   ./build.sh footprint  the firmware against Chromium --kiosk: start, memory, idle CPU (README: Footprint)
#   ./build.sh shots   a PNG of every taxpayer screen, output, language and text size in dist/shots/screens
#
# It needs root or sudo only to install Debian packages that are missing.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

GO_WANT=1.26
GO_TOOLCHAIN=go1.26.8
APT_BUILD=(gcc pkg-config libgl1-mesa-dev xorg-dev)
APT_TEST=(xvfb postgresql imagemagick xdotool)
APT_TEST+=(chromium) # the staff pages' browser tests (kiosk/hall/staffweb)
# KIOSK_TAGS are the build tags of every kiosk binary built here (firmware, package, bundle,
# demo). no_emoji leaves out Fyne's 4 MB colour emoji font: every text the kiosk shows is
# drawn from its bundled fonts (ui/theme's TestFontsCoverEveryText), and the firmware then
# maps no font but those.
KIOSK_TAGS=no_emoji

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# as_root [-u USER] CMD...: run as root (or as USER), through sudo when not root.
as_root() {
	local user=
	if [ "${1:-}" = -u ]; then user=$2; shift 2; fi
	if [ "$(id -u)" = 0 ]; then
		if [ -n "$user" ]; then runuser -u "$user" -- "$@"; else "$@"; fi
	elif command -v sudo >/dev/null; then
		if [ -n "$user" ]; then sudo -u "$user" "$@"; else sudo "$@"; fi
	else
		die "need root or sudo to run: $*"
	fi
}

apt_updated=
apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

go_ok() { command -v go >/dev/null && go version | grep -Eq "go(${GO_WANT//./\\.}|1\.(2[6-9]|[3-9][0-9]))"; }

# ensure_go finds Go >= 1.26; on a machine without it, Debian's Go fetches the release
# toolchain as a module through the Go module proxy, the one source this needs.
ensure_go() {
	export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
	go_ok && return 0
	local dir="/usr/local/lib/$GO_TOOLCHAIN"
	if [ -x "$dir/bin/go" ]; then export PATH="$dir/bin:$PATH"; go_ok && return 0; fi
	apt_install golang-go ca-certificates
	say "fetching the $GO_TOOLCHAIN toolchain through the Go module proxy"
	local tmp; tmp=$(mktemp -d)
	local mod="golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$(dpkg --print-architecture)"
	local src; src=$(cd "$tmp" && GOFLAGS=-modcacherw GOPATH="$tmp/gopath" /usr/bin/go mod download -json "$mod" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
	[ -n "$src" ] || die "could not download $mod"
	as_root mkdir -p "$dir"
	as_root cp -a "$src/." "$dir/"
	as_root chmod -R a+rX "$dir"
	as_root find "$dir/bin" "$dir/pkg/tool" -type f -exec chmod a+x {} +
	rm -rf "$tmp"
	export PATH="$dir/bin:$PATH"
	go_ok || die "Go $GO_WANT is still missing"
}

deps() {
	command -v dpkg-query >/dev/null || die "this script expects Debian (dpkg/apt)"
	apt_install "${APT_BUILD[@]}"
	ensure_go
}

build() {
	deps
	mkdir -p bin
	say "building bin/kioskctl and bin/hall (no cgo)"
	CGO_ENABLED=0 go build -o bin/kioskctl ./kiosk/cmd/kioskctl
	CGO_ENABLED=0 go build -o bin/hall ./kiosk/cmd/hall
	say "building bin/kiosk (cgo and OpenGL; the first build takes several minutes)"
	CGO_ENABLED=1 go build -tags "$KIOSK_TAGS" -o bin/kiosk ./kiosk/cmd/kiosk
}

start_postgres() {
	# The hall's PostgreSQL backend runs the same store tests as its bbolt backend.
	local ver; ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
	[ -n "$ver" ] || die "PostgreSQL is not installed"
	if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
		pg_lsclusters -h 2>/dev/null | grep -q . || as_root pg_createcluster "$ver" main >/dev/null
		as_root pg_ctlcluster "$ver" main start
	fi
	local port; port=$(pg_lsclusters -h | awk '$4=="online"{print $3; exit}')
	as_root -u postgres psql -p "$port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='kiosktest'" | grep -q 1 ||
		as_root -u postgres psql -p "$port" -qc "CREATE ROLE kiosktest LOGIN PASSWORD 'kiosktest' CREATEDB"
	as_root -u postgres psql -p "$port" -qtAc "SELECT 1 FROM pg_database WHERE datname='halltest'" | grep -q 1 ||
		as_root -u postgres psql -p "$port" -qc "CREATE DATABASE halltest OWNER kiosktest"
	export HALL_TEST_POSTGRES="postgres://kiosktest:kiosktest@127.0.0.1:$port/halltest?sslmode=disable"
}

# without_system_fonts CMD...: run CMD where no system font is visible (an empty tmpfs over
# every folder Fyne's font lookup scans), as on a kiosk image without CJK fonts, so that no
# golden image or test can depend on the fonts of the machine it runs on. Needs root (CI) or
# unprivileged user namespaces; without either it says so and runs CMD as it is.
without_system_fonts() {
	local dirs=(/usr/share/fonts /usr/local/share/fonts /usr/X11R6/lib/X11/fonts /usr/share/texmf/fonts/opentype/public
		"$HOME/.fonts" "${XDG_DATA_HOME:-$HOME/.local/share}/fonts")
	local data data_dirs; IFS=: read -ra data_dirs <<<"${XDG_DATA_DIRS:-}"
	for data in "${data_dirs[@]}"; do [ -n "$data" ] && dirs+=("$data/fonts"); done
	local hide='for d in "$@"; do
		[ "$d" = -- ] && { shift; break; }
		[ -d "$d" ] && mount -t tmpfs -o size=64k,mode=0755 none "$d"
		shift
	done
	exec "$@"'
	local ns=(unshare --mount)
	[ "$(id -u)" = 0 ] || ns=(unshare --mount --map-root-user)
	if "${ns[@]}" true 2>/dev/null; then
		"${ns[@]}" bash -c "$hide" hide "${dirs[@]}" -- "$@"
	else
		say "cannot hide the system fonts here (no mount namespace): running with them"
		"$@"
	fi
}

start_xvfb() {
	if [ -z "${DISPLAY:-}" ]; then
		export DISPLAY=:99
		if ! xdpyinfo -display "$DISPLAY" >/dev/null 2>&1; then
			Xvfb "$DISPLAY" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
			XVFB_PID=$!
			for _ in $(seq 50); do xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break; sleep 0.1; done
		fi
	fi
}

run_tests() {
	deps
	apt_install "${APT_TEST[@]}" x11-utils
	start_postgres
	start_xvfb
	export KIOSK_TEST_BIN="$ROOT/bin"
	# The staff pages' browser tests must run here (chromium is installed above) and keep
	# their screenshots, in both languages, under dist/ (ignored by git).
	export STAFF_REQUIRE_CHROMIUM=1 STAFF_SHOTS="$ROOT/dist/shots/staff"
	local pkgs; pkgs=$(go list ./... | grep -v '/kiosk/cmd/kiosk$')
	unset KIOSK_SHOTS # the screens' screenshots are ./build.sh shots's, not every run's
	say "gofmt and go vet"
	local unformatted; unformatted=$(gofmt -l kiosk drivers ui assets)
	[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
	CGO_ENABLED=0 go vet $pkgs
	say "unit, protocol, storage, sync and screen tests (CGO_ENABLED=0)"
	# -parallel 4 on two cores: most parallel tests wait on a pty, a hall or a child process
	# (ui/screens runs each kiosk test in its own), not on the CPU.
	CGO_ENABLED=0 without_system_fonts go test -count=1 -parallel 4 -timeout 20m $pkgs
	if [ "$(id -u)" != 0 ]; then
		# TestOtherUserRefused runs a child as another user, which needs root: run its test
		# binary, built as this user, through sudo rather than let it skip.
		say "the control socket refuses another user (as root, to switch to nobody)"
		local ctest; ctest=$(mktemp -d)
		CGO_ENABLED=0 go test -c -o "$ctest/control.test" ./kiosk/control
		chmod -R a+rX "$ctest"
		(cd kiosk/control && as_root "$ctest/control.test" -test.run '^TestOtherUserRefused$' -test.count=1 -test.v) | grep -E '^(---|PASS|FAIL|ok)' || die "TestOtherUserRefused failed"
		rm -rf "$ctest"
	fi
	fuzz_all
	say "the kiosk itself: cgo build and a demo under Xvfb"
	build
	CGO_ENABLED=1 without_system_fonts go test -count=1 -timeout 10m ./kiosk/cmd/kiosk/
	firmware_tests
}

# build_demo builds bin/kioskdemo: the kiosk with -tags demo, the only build that links the
# simulators, the embedded hall and the simulator panel (bin/kiosk, the firmware, has none).
build_demo() {
	say "building bin/kioskdemo (the kiosk with simulated devices and an embedded hall)"
	CGO_ENABLED=1 go build -tags "demo,$KIOSK_TAGS" -o bin/kioskdemo ./kiosk/cmd/kiosk
}

# fuzz_targets lists "package FuzzName" for every fuzz target of every package, whether its
# tests are in the package or in an external _test package. The kiosk's main package is left
# out: it has no fuzz targets and its tests need cgo.
fuzz_targets() {
	local pkg files
	go list -f '{{.ImportPath}}{{range .TestGoFiles}} {{$.Dir}}/{{.}}{{end}}{{range .XTestGoFiles}} {{$.Dir}}/{{.}}{{end}}' ./... |
		grep -v '/kiosk/cmd/kiosk ' | while read -r pkg files; do
			[ -n "$files" ] || continue
			# shellcheck disable=SC2086 # files is a list
			{ grep -ho '^func Fuzz[A-Za-z0-9_]*' $files || true; } | sed "s|^func |$pkg |"
		done
}

# fuzz_all runs every fuzz target for FUZZTIME (10 s). Go's fuzzing engine can report
# "context deadline exceeded" when -fuzztime ends during a slow input, so a failure is run a
# second time: failing twice fails the build; failing once is reported as a FLAKE with the
# first run's log and the input it saved, never as ok.
fuzz_all() {
	local fuzztime=${FUZZTIME:-10s} flog n=0 flakes=() pkg f saved
	say "fuzz targets, $fuzztime each (run them for minutes by hand: see README)"
	flog=$(mktemp)
	while read -r pkg f; do
		n=$((n + 1))
		if CGO_ENABLED=0 go test -run '^$' -fuzz "^$f\$" -fuzztime "$fuzztime" "$pkg" </dev/null >"$flog" 2>&1; then
			echo "fuzz $pkg $f: ok ($fuzztime)"
			continue
		fi
		local first; first=$(cat "$flog")
		if ! CGO_ENABLED=0 go test -run '^$' -fuzz "^$f\$" -fuzztime "$fuzztime" "$pkg" </dev/null >"$flog" 2>&1; then
			tail -40 "$flog" >&2
			die "fuzz target $f in $pkg failed twice"
		fi
		flakes+=("$pkg $f")
		echo "FLAKE fuzz $pkg $f: failed, then passed on a second run. The first run said:"
		printf '%s\n' "$first" | { grep -v '^fuzz: elapsed' || true; } | tail -30 | sed 's/^/    /'
		saved=$(printf '%s\n' "$first" | sed -n 's/.*Failing input written to \(testdata[^ ]*\).*/\1/p' | head -1)
		if [ -n "$saved" ]; then
			echo "    the failing input ($(go list -f '{{.Dir}}' "$pkg")/$saved):"
			sed 's/^/    /' "$(go list -f '{{.Dir}}' "$pkg")/$saved"
		fi
	done < <(fuzz_targets)
	rm -f "$flog"
	[ "$n" -gt 0 ] || die "no fuzz targets found"
	echo "fuzzed $n targets, $fuzztime each"
	if [ ${#flakes[@]} -gt 0 ]; then
		say "FLAKY fuzz targets (failed once, passed once; see above): ${flakes[*]}"
	fi
}

# mutants applies each mutation of .ci/mutants.txt, one at a time, to a scratch copy of
# the tree (tracked and untracked files, never the work tree itself), runs the tests of the
# package the line names, and fails if a mutation does not apply, does not compile, or
# survives. It prints the table for the README: behaviour, mutation, the tests that failed.
mutants() {
	ensure_go
	local scratch log table n=0 survived=0 what file expr pkg caught
	scratch=$(mktemp -d)
	log=$(mktemp)
	trap "rm -rf '$scratch' '$log'" EXIT # also when a mutant does not apply or build
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$scratch"
	table="| behaviour | mutation (.ci/mutants.txt) | package | caught by |"$'\n'"|---|---|---|---|"
	while IFS='|' read -r what file expr pkg; do
		what=$(trim "$what")
		case "$what" in '' | '#'*) continue ;; esac
		file=$(trim "$file") expr=$(trim "$expr") pkg=$(trim "$pkg")
		n=$((n + 1))
		cp "$scratch/$file" "$scratch/$file.orig"
		sed -i -e "$expr" "$scratch/$file"
		if cmp -s "$scratch/$file" "$scratch/$file.orig"; then
			mv "$scratch/$file.orig" "$scratch/$file"
			die "mutant \"$what\" does not apply to $file: update .ci/mutants.txt"
		fi
		if ! (cd "$scratch" && CGO_ENABLED=0 go vet "./$(dirname "$file")") >"$log" 2>&1; then
			cat "$log" >&2
			die "mutant \"$what\" does not build or vet: the compiler would catch it, not a test"
		fi
		if (cd "$scratch" && CGO_ENABLED=0 go test -count=1 -timeout 15m "$pkg") </dev/null >"$log" 2>&1; then
			caught="SURVIVED"
			survived=$((survived + 1))
		else
			caught=$({ grep -o -- '--- FAIL: [A-Za-z0-9_]*' "$log" || true; } | awk '{print $3}' | sort -u | paste -sd, - | sed 's/,/, /g')
			# A panic or a killed test binary fails the package without a "--- FAIL" line.
			[ -n "$caught" ] || caught="the test binary: $(grep -m1 -E '^(panic|fatal error|FAIL)' "$log" || true)"
			if grep -qE '^(panic|fatal error):' "$log"; then caught+=" (then the test binary stopped: $(grep -m1 -E '^(panic|fatal error):' "$log" | cut -c1-80))"; fi
		fi
		mv "$scratch/$file.orig" "$scratch/$file"
		echo "mutant $n: $what: $caught" >&2
		table+=$'\n'"| $what | \`$expr\` in $file | $pkg | $caught |"
	done <.ci/mutants.txt
	printf '%s\n' "$table"
	[ "$survived" -eq 0 ] || die "$survived of $n mutants survived their package's tests"
	say "all $n mutants caught"
}

trim() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$1"; }

demo() {
	build
	build_demo
	if [ -z "${DISPLAY:-}" ]; then
		apt_install xvfb x11-utils
		start_xvfb
		say "no display found: the kiosk runs on Xvfb $DISPLAY (take a look with: DISPLAY=$DISPLAY import -window root shot.png)"
	fi
	say "starting the kiosk in demo mode: simulated devices on pseudo-terminals, an embedded hall server"
	exec bin/kioskdemo --demo --windowed "$@"
}

# ---- Debian packages (./build.sh package) -------------------------------------------------
# nfpm builds the .debs from kiosk/packaging/nfpm-*.yaml; it is pinned and run through the Go module
# proxy like every other Go dependency.
NFPM_MOD=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
APT_CROSS_ARM64=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libgl1-mesa-dev:arm64 libx11-dev:arm64
	libxcursor-dev:arm64 libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64)
APT_PACKAGE=(file dpkg-dev systemd)

# cross_deps installs Debian's arm64 cross compiler and the arm64 OpenGL/X11 headers Fyne's
# GLFW links against (Debian multiarch).
cross_deps() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		say "adding the arm64 architecture to dpkg (for the cross build's libraries)"
		as_root dpkg --add-architecture arm64
		apt_updated=
	fi
	apt_install "${APT_CROSS_ARM64[@]}"
}

# build_arch ARCH DIR: kiosk (cgo), kioskctl and hall (no cgo) for ARCH into DIR.
build_arch() {
	local arch=$1 dir=$2
	mkdir -p "$dir"
	say "building kioskctl and hall for $arch (no cgo)"
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags='-s -w' -o "$dir/kioskctl" ./kiosk/cmd/kioskctl
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags='-s -w' -o "$dir/hall" ./kiosk/cmd/hall
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags='-s -w' -o "$dir/kioskboot" ./kiosk/cmd/kioskboot
	say "building the kiosk for $arch (cgo; a first cross build takes several minutes)"
	if [ "$arch" = "$(go env GOHOSTARCH)" ]; then
		CGO_ENABLED=1 go build -tags "$KIOSK_TAGS" -trimpath -ldflags='-s -w' -o "$dir/kiosk" ./kiosk/cmd/kiosk
	else
		local triplet; triplet=$(dpkg-architecture -a "$arch" -qDEB_HOST_MULTIARCH)
		CGO_ENABLED=1 GOOS=linux GOARCH=$arch CC="$triplet-gcc" \
			PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig" \
			go build -tags "$KIOSK_TAGS" -trimpath -ldflags='-s -w' -o "$dir/kiosk" ./kiosk/cmd/kiosk
	fi
	local want; want=$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')
	for b in kiosk kioskctl hall kioskboot; do
		file "$dir/$b" | grep -q "$want" || die "$dir/$b is not a $want binary: $(file -b "$dir/$b")"
	done
}

package() {
	deps
	apt_install "${APT_PACKAGE[@]}"
	cross_deps
	local version=${VERSION:-0.1.$(git rev-list --count HEAD 2>/dev/null || echo 0)}
	# The packaged firmware's sequence is the version's last part, the number `./build.sh
	# bundle` gives a bundle of the same commit: kioskboot runs the package instead of a
	# current bundle older than it (/usr/lib/taxkiosk/SEQUENCE; README, "Updates").
	local seq=${version##*.}
	[[ "$seq" =~ ^[0-9]+$ ]] || die "VERSION=$version: its last part must be a number (the firmware sequence)"
	mkdir -p dist
	rm -f dist/taxkiosk_*.deb dist/taxkiosk-hall_*.deb # one version at a time, for the tests
	for arch in amd64 arm64; do
		build_arch "$arch" "dist/build/$arch"
		echo "$seq" >"dist/build/$arch/SEQUENCE"
		for p in taxkiosk taxkiosk-hall; do
			say "packaging dist/${p}_${version}_$arch.deb"
			# nfpm expands variables in few fields, not in contents' paths: fill them in here.
			sed -e "s|\${ARCH}|$arch|g" -e "s|\${VERSION}|$version|g" -e "s|\${BIN}|dist/build/$arch|g" \
				"kiosk/packaging/nfpm-$p.yaml" >"dist/build/$arch/nfpm-$p.yaml"
			go run "$NFPM_MOD" package --config "dist/build/$arch/nfpm-$p.yaml" --packager deb --target dist/
		done
	done
	file dist/build/*/kiosk dist/build/*/kioskctl dist/build/*/hall >&2
	ls -l dist/*.deb >&2
}

# bundle: a signed firmware update for the kiosks of one architecture (ARCH, default this
# machine's), made with the key of `kioskctl update keygen` (UPDATE_KEY). Its sequence is the
# commit count, as the package version's last part, so every later build is newer.
bundle() {
	deps
	[ -n "${UPDATE_KEY:-}" ] || die "UPDATE_KEY=FILE is required (make one with: kioskctl update keygen --out FILE)"
	local arch=${ARCH:-$(go env GOHOSTARCH)}
	local seq=${SEQUENCE:-$(git rev-list --count HEAD 2>/dev/null || echo 1)}
	local version=${VERSION:-0.1.$seq}
	[ "$arch" = "$(go env GOHOSTARCH)" ] || cross_deps
	build_arch "$arch" "dist/build/$arch"
	local out="dist/taxkiosk-firmware_${version}_$arch.bundle"
	CGO_ENABLED=0 go run ./kiosk/cmd/kioskctl update make --key "$UPDATE_KEY" --sequence "$seq" --version "$version" \
		--device-type "taxkiosk-$arch" --out "$out" kiosk="dist/build/$arch/kiosk" kioskctl="dist/build/$arch/kioskctl"
}

APT_FIRMWARE_TEST=(cage xwayland grim)

# firmware_tests: the packages build for both architectures and are checked (contents,
# maintainer scripts against a scratch root, systemd-analyze verify of every unit:
# kiosk/packaging/package_test.go), and the firmware boots under cage on the headless backend as
# a user that is not root, its screenshot covering the output (TestBootsUnderCage). The
# screenshot is kept in dist/shots/.
firmware_tests() {
	apt_install "${APT_FIRMWARE_TEST[@]}"
	package
	say "package tests: contents, maintainer scripts in a scratch root, systemd-analyze verify"
	TAXKIOSK_DIST="$ROOT/dist" CGO_ENABLED=0 go test -count=1 ./kiosk/packaging/
	say "the firmware under cage (headless wlroots, Xwayland), with a grim screenshot"
	mkdir -p dist/shots
	KIOSK_TEST_CAGE=1 KIOSK_TEST_SHOTS="$ROOT/dist/shots" CGO_ENABLED=1 \
		go test -count=1 -timeout 10m -run 'TestBootsUnderCage' ./kiosk/cmd/kiosk/
}

# ---- Footprint (./build.sh footprint) ------------------------------------------------------
APT_FOOTPRINT=(chromium xvfb x11-utils xdotool)

# footprint measures the firmware (bin/kiosk with its devices on simulator ptys and a hall
# process over mutual TLS) against Debian's Chromium --kiosk showing the same idle screen, one
# after the other on an Xvfb of its own at 1280×800 (FOOTPRINT_DISPLAY, default :104), and
# prints the start, PSS and idle-CPU ratios, the idle CPU of a bare Fyne window (Fyne's own
# share) and what a taxpayer feels (kiosk/cmd/kiosk/footprint_test.go). KIOSK_FOOTPRINT_STARTS, _SETTLE, _IDLE and _VISITS
# change how long it measures.
footprint() {
	deps
	apt_install "${APT_FOOTPRINT[@]}"
	build
	local display=${FOOTPRINT_DISPLAY:-:104}
	if ! xdpyinfo -display "$display" >/dev/null 2>&1; then
		# -br: a black root window, so that a first frame is told from nothing drawn.
		Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -br >/dev/null 2>&1 &
		# The pid is written into the trap now: a local variable is gone by the time the EXIT
		# trap runs, and set -u then stops the trap before it stops Xvfb.
		trap "kill $! 2>/dev/null" EXIT
		for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
	fi
	say "footprint: the firmware and Chromium on $display (about 3 minutes)"
	DISPLAY=$display KIOSK_TEST_BIN="$ROOT/bin" KIOSK_FOOTPRINT=1 CGO_ENABLED=1 \
		go test -count=1 -timeout 30m -run '^TestFootprint$' -v ./kiosk/cmd/kiosk/
}

# shots lays every taxpayer screen out at each output, in both languages and both text sizes
# (ui/screens' TestEveryScreenFits, with the bundled fonts only) and leaves a PNG of each in
# dist/shots/screens, named output-language-size-screen.png, for a person to walk through.
shots() {
	deps
	local dir="$ROOT/dist/shots/screens"
	rm -rf "$dir" && mkdir -p "$dir"
	KIOSK_SHOTS="$dir" CGO_ENABLED=0 without_system_fonts go test -count=1 -run '^TestEveryScreenFits$' ./ui/screens
	say "$(find "$dir" -name '*.png' | wc -l) screenshots in $dir"
}

case "${1:-}" in
	demo) shift; demo "$@" ;;
	test) run_tests ;;
	build) build ;;
	package) package ;;
	firmware-test) deps; firmware_tests ;;
	bundle) bundle ;;
	deps) deps ;;
	mutants) mutants ;;
	footprint) footprint ;;
	shots) shots ;;
	*) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
