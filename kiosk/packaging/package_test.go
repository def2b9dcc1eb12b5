package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"taxkiosk/kiosk/config"
)

// TestDefaultConfigurationUsesStableNames: the packaged kiosk.json is valid for the kiosk's
// own loader and opens the names the udev rules make.
func TestDefaultConfigurationUsesStableNames(t *testing.T) {
	c, err := config.Load("etc/kiosk.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, port := range map[string]string{"idcard": c.IDCard.Port, "printer": c.Printer.Port, "scanner": c.Scanner.Port} {
		if port != "/dev/taxkiosk/"+name {
			t.Errorf("%s opens %q, want /dev/taxkiosk/%s", name, port, name)
		}
	}
}

// TestDevnameMatchesTheDevicesFile runs the udev helper as udev would, on a devices file
// like an integrator's.
func TestDevnameMatchesTheDevicesFile(t *testing.T) {
	devices := filepath.Join(t.TempDir(), "devices")
	os.WriteFile(devices, []byte("# comment\n\nidcard 10c4 ea60 0001\nprinter 10C4 EA60 0002\nscanner 1a86 7523\nBad-Name 1a86 7524\n"), 0o644)
	for _, tc := range []struct{ args, want string }{
		{"10c4 ea60 0001", "TAXKIOSK_NAME=idcard\n"},
		{"10c4 ea60 0002", "TAXKIOSK_NAME=printer\n"}, // ids compare without case
		{"1a86 7523 A1B2", "TAXKIOSK_NAME=scanner\n"}, // no serial in the file: any serial
		{"10c4 ea60 0003", ""},                        // same bridge, unknown serial
		{"1a86 7524", ""},                             // a malformed name is ignored
		{"dead beef", ""},
	} {
		cmd := exec.Command("udev/devname", strings.Fields(tc.args)...)
		cmd.Env = append(os.Environ(), "TAXKIOSK_DEVICES="+devices)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("devname %s: %v", tc.args, err)
		}
		if string(out) != tc.want {
			t.Errorf("devname %s = %q, want %q", tc.args, out, tc.want)
		}
	}
}

// dist returns the directory of built packages, or skips.
func dist(t *testing.T) string {
	d := os.Getenv("TAXKIOSK_DIST")
	if d == "" {
		t.Skip("TAXKIOSK_DIST not set: run ./build.sh package, then ./build.sh test")
	}
	return d
}

// deb finds the one package NAME for ARCH in the dist directory.
func deb(t *testing.T, name, arch string) string {
	m, _ := filepath.Glob(filepath.Join(dist(t), name+"_*_"+arch+".deb"))
	if len(m) != 1 {
		t.Fatalf("want one %s package for %s in %s, found %v", name, arch, dist(t), m)
	}
	return m[0]
}

func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestPackageContents lists each package: files, modes, conffiles, dependencies, and the
// architecture of its binaries.
func TestPackageContents(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		kiosk := deb(t, "taxkiosk", arch)
		list := run(t, nil, "dpkg-deb", "-c", kiosk)
		for _, want := range []string{
			"-rwxr-xr-x root/root .* ./usr/bin/kiosk",
			"-rwxr-xr-x root/root .* ./usr/bin/kioskctl",
			"-rwxr-xr-x root/root .* ./usr/lib/taxkiosk/kioskboot",
			"-rw-r--r-- root/root .* ./usr/lib/systemd/system/taxkiosk.service",
			"-rw-r--r-- root/root .* ./usr/lib/systemd/system/taxkiosk-out-of-service.service",
			"-rw-r--r-- root/root .* ./usr/lib/udev/rules.d/70-taxkiosk.rules",
			"-rwxr-xr-x root/root .* ./usr/lib/taxkiosk/devname",
			"-rw-r--r-- root/root .* ./etc/taxkiosk/kiosk.json",
			"-rw-r--r-- root/root .* ./etc/taxkiosk/devices",
			"-rw-r--r-- root/root .* ./etc/pam.d/taxkiosk",
		} {
			if !matchLine(list, want) {
				t.Errorf("%s: no line like %q in\n%s", filepath.Base(kiosk), want, list)
			}
		}
		if strings.Contains(list, "./usr/bin/hall") {
			t.Errorf("%s carries the hall server", filepath.Base(kiosk))
		}
		info := run(t, nil, "dpkg-deb", "-f", kiosk, "Architecture", "Depends")
		for _, want := range []string{"Architecture: " + arch, "cage", "xwayland", "libgl1"} {
			if !strings.Contains(info, want) {
				t.Errorf("%s control lacks %q:\n%s", filepath.Base(kiosk), want, info)
			}
		}
		ctl := t.TempDir()
		run(t, nil, "dpkg-deb", "-e", kiosk, ctl)
		conf, _ := os.ReadFile(filepath.Join(ctl, "conffiles"))
		for _, want := range []string{"/etc/taxkiosk/kiosk.json", "/etc/taxkiosk/devices", "/etc/pam.d/taxkiosk"} {
			if !strings.Contains(string(conf), want+"\n") {
				t.Errorf("%s: %s is not a conffile (%q)", filepath.Base(kiosk), want, conf)
			}
		}

		hall := deb(t, "taxkiosk-hall", arch)
		list = run(t, nil, "dpkg-deb", "-c", hall)
		for _, want := range []string{
			"-rwxr-xr-x root/root .* ./usr/bin/hall",
			"-rw-r--r-- root/root .* ./usr/lib/systemd/system/taxkiosk-hall.service",
			"-rw-r--r-- root/root .* ./etc/default/taxkiosk-hall",
		} {
			if !matchLine(list, want) {
				t.Errorf("%s: no line like %q in\n%s", filepath.Base(hall), want, list)
			}
		}

		// The binaries are for the package's architecture.
		root := t.TempDir()
		run(t, nil, "dpkg-deb", "-x", kiosk, root)
		run(t, nil, "dpkg-deb", "-x", hall, root)
		machine := map[string]string{"amd64": "x86-64", "arm64": "ARM aarch64"}[arch]
		for _, b := range []string{"usr/bin/kiosk", "usr/bin/kioskctl", "usr/bin/hall", "usr/lib/taxkiosk/kioskboot"} {
			if out := run(t, nil, "file", "-b", filepath.Join(root, b)); !strings.Contains(out, machine) {
				t.Errorf("%s/%s: %s", arch, b, out)
			}
		}
	}
}

// matchLine: some line of a dpkg-deb -c listing matches pattern, a regular expression
// whose spaces stand for any run of blanks.
func matchLine(text, pattern string) bool {
	re := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(pattern, " ", `\s+`) + `$`)
	return re.MatchString(text)
}

// TestUnitsVerify runs systemd-analyze verify on every unit inside a root holding the
// packages' files and the machine's own system units; a warning fails the test as much as
// an error does.
func TestUnitsVerify(t *testing.T) {
	root := t.TempDir()
	run(t, nil, "dpkg-deb", "-x", deb(t, "taxkiosk", "amd64"), root)
	run(t, nil, "dpkg-deb", "-x", deb(t, "taxkiosk-hall", "amd64"), root)
	units := filepath.Join(root, "usr/lib/systemd/system")
	mine, _ := filepath.Glob(filepath.Join(units, "taxkiosk*.service"))
	if len(mine) != 3 {
		t.Fatalf("want 3 units, found %v", mine)
	}
	// verify resolves dependencies (sysinit.target, getty@.service) and ExecStart's cage
	// inside the root: lend it the machine's.
	run(t, nil, "cp", "-an", "/usr/lib/systemd/system/.", units)
	cage, err := exec.LookPath("cage")
	if err != nil {
		t.Fatal("cage is not installed (build.sh installs it)")
	}
	run(t, nil, "cp", cage, filepath.Join(root, "usr/bin/cage"))
	out := run(t, nil, "systemd-analyze", append([]string{"verify", "--root=" + root}, mine...)...)
	if strings.TrimSpace(out) != "" {
		t.Fatalf("systemd-analyze verify:\n%s", out)
	}
}

// scratchRoot unpacks pkg into a new directory with the few files of a Debian system the
// maintainer scripts read: passwd, group and their shadows with the stock groups.
func scratchRoot(t *testing.T, pkgs ...string) (root, scripts string) {
	root = t.TempDir()
	for _, p := range pkgs {
		run(t, nil, "dpkg-deb", "-x", p, root)
	}
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.MkdirAll(filepath.Join(root, "var/lib"), 0o755)
	files := map[string]string{
		"passwd":  "root:x:0:0:root:/root:/bin/bash\n",
		"shadow":  "root:*:19000:0:99999:7:::\n",
		"group":   "root:x:0:\ndialout:x:20:\n",
		"gshadow": "root:*::\ndialout:*::\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scripts = t.TempDir()
	run(t, nil, "dpkg-deb", "-e", pkgs[0], scripts)
	return root, scripts
}

// configuredTwice unpacks pkg (amd64) into a scratch root and runs its postinst configure
// there twice, as a reinstall or an upgrade would; env points the scripts at the root.
func configuredTwice(t *testing.T, pkg string) (root, scripts string, env []string) {
	if os.Geteuid() != 0 {
		t.Skip("the scripts set owners: run as root (build.sh test does)")
	}
	root, scripts = scratchRoot(t, deb(t, pkg, "amd64"))
	env = []string{"DPKG_ROOT=" + root}
	for range 2 {
		run(t, env, filepath.Join(scripts, "postinst"), "configure")
	}
	return root, scripts, env
}

func mode(t *testing.T, path string) (os.FileMode, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return fi.Mode().Perm(), true
}

// TestKioskMaintainerScripts runs taxkiosk's scripts against a scratch root: configure
// twice (idempotent), then purge without and with the data marker.
func TestKioskMaintainerScripts(t *testing.T) {
	root, scripts, env := configuredTwice(t, "taxkiosk")
	passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	group, _ := os.ReadFile(filepath.Join(root, "etc/group"))
	if entries(string(passwd), "taxkiosk") != 1 || !strings.Contains(string(passwd), ":/var/lib/taxkiosk:/usr/sbin/nologin") {
		t.Errorf("passwd after two configures:\n%s", passwd)
	}
	for _, g := range []string{"dialout", "gpio"} {
		if !matchGroup(string(group), g, "taxkiosk") {
			t.Errorf("taxkiosk is not in %s:\n%s", g, group)
		}
	}
	if m, ok := mode(t, filepath.Join(root, "var/lib/taxkiosk")); !ok || m != 0o700 {
		t.Errorf("/var/lib/taxkiosk mode %v (exists %v), want 0700", m, ok)
	}
	seeded := filepath.Join(root, "var/lib/taxkiosk/kiosk.json")
	if m, ok := mode(t, seeded); !ok || m != 0o600 {
		t.Errorf("the kiosk's configuration mode %v (exists %v), want 0600", m, ok)
	}
	// A technician's edit survives another configure (an upgrade).
	os.WriteFile(seeded, []byte(`{"language":"en"}`), 0o600)
	run(t, env, filepath.Join(scripts, "postinst"), "configure")
	if b, _ := os.ReadFile(seeded); string(b) != `{"language":"en"}` {
		t.Errorf("configure replaced the kiosk's configuration: %s", b)
	}

	run(t, env, filepath.Join(scripts, "prerm"), "remove")
	run(t, env, filepath.Join(scripts, "postrm"), "remove")
	run(t, env, filepath.Join(scripts, "postrm"), "purge")
	if _, ok := mode(t, seeded); !ok {
		t.Fatal("purge without being asked removed the kiosk's data")
	}
	os.WriteFile(filepath.Join(root, "etc/taxkiosk/purge-data"), nil, 0o644)
	run(t, env, filepath.Join(scripts, "postrm"), "purge")
	if _, ok := mode(t, filepath.Join(root, "var/lib/taxkiosk")); ok {
		t.Fatal("purge with /etc/taxkiosk/purge-data kept the data")
	}
}

// TestHallMaintainerScripts: the same for taxkiosk-hall, asked by the environment.
func TestHallMaintainerScripts(t *testing.T) {
	root, scripts, env := configuredTwice(t, "taxkiosk-hall")
	passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if entries(string(passwd), "taxkiosk-hall") != 1 {
		t.Errorf("passwd after two configures:\n%s", passwd)
	}
	data := filepath.Join(root, "var/lib/taxkiosk-hall")
	if m, ok := mode(t, data); !ok || m != 0o700 {
		t.Errorf("/var/lib/taxkiosk-hall mode %v (exists %v), want 0700", m, ok)
	}
	run(t, env, filepath.Join(scripts, "postrm"), "purge")
	if _, ok := mode(t, data); !ok {
		t.Fatal("purge without being asked removed the hall's data")
	}
	run(t, append(env, "TAXKIOSK_PURGE_DATA=yes"), filepath.Join(scripts, "postrm"), "purge")
	if _, ok := mode(t, data); ok {
		t.Fatal("purge with TAXKIOSK_PURGE_DATA=yes kept the data")
	}
}

// matchGroup: group line g lists member.
func matchGroup(group, g, member string) bool {
	for _, line := range strings.Split(group, "\n") {
		f := strings.Split(line, ":")
		if len(f) == 4 && f[0] == g {
			for _, m := range strings.Split(f[3], ",") {
				if m == member {
					return true
				}
			}
		}
	}
	return false
}

// entries counts the lines of an /etc/passwd or /etc/group for name.
func entries(db, name string) int {
	n := 0
	for _, line := range strings.Split(db, "\n") {
		if strings.HasPrefix(line, name+":") {
			n++
		}
	}
	return n
}
