package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxkiosk/assets"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/kiosk/i18n"
)

// footprintEnv turns TestFootprint on: it takes minutes, needs Chromium, and is a
// measurement, not a check (./build.sh footprint runs it).
const footprintEnv = "KIOSK_FOOTPRINT"

// TestFootprint measures the production kiosk against Chromium --kiosk showing the same idle
// screen as a web page, one after the other under the same X display (Xvfb, 1280×800 by
// ./build.sh footprint), and logs a table of three ratios:
//   - start to first frame: from exec to the first frame of the root window that is mostly
//     light and carries the idle screen's text (read with X11 GetImage every few ms, the
//     same rule for both); the median of KIOSK_FOOTPRINT_STARTS starts (default 3);
//   - PSS of the process tree (/proc/PID/smaps_rollup, summed over Chromium's children);
//   - CPU at the idle screen: utime+stime of the tree over KIOSK_FOOTPRINT_IDLE (30 s),
//     after KIOSK_FOOTPRINT_SETTLE (10 s) at the idle screen; and the same for a Fyne
//     window with one label (testdata/fyneidle), the part of it that is Fyne's own loop.
//
// The kiosk runs as it does in the hall: the firmware binary, fullscreen, its reader,
// printer and scanner on ptys served by `kioskctl sim` processes, and a `hall serve`
// process on loopback over mutual TLS with certificates made by `hall certs`. Then it
// times what a taxpayer feels (card placed → welcome painted, tap → next screen painted)
// against the card read's time on the wire. Nothing here asserts a time: the figures are
// logged for the README; the test fails only if something cannot be measured.
func TestFootprint(t *testing.T) {
	if os.Getenv(footprintEnv) == "" {
		t.Skip(footprintEnv + " not set: ./build.sh footprint runs this measurement")
	}
	display := os.Getenv("DISPLAY")
	if display == "" {
		t.Fatal("no X display: ./build.sh footprint starts Xvfb")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (./build.sh footprint installs it)")
	}
	scr, err := openXScreen(display)
	if err != nil {
		t.Fatal(err)
	}
	defer scr.Close()
	if scr.width != 1280 || scr.height != 800 {
		t.Fatalf("display %s is %d×%d: the figures and the taps are for 1280×800 (Xvfb -screen 0 1280x800x24)", display, scr.width, scr.height)
	}
	starts := envInt(t, "KIOSK_FOOTPRINT_STARTS", 3)
	settle := envDuration(t, "KIOSK_FOOTPRINT_SETTLE", 10*time.Second)
	idle := envDuration(t, "KIOSK_FOOTPRINT_IDLE", 30*time.Second)
	visits := envInt(t, "KIOSK_FOOTPRINT_VISITS", 5)

	rig := startHallRig(t)
	page := writeIdlePage(t, rig.dir)
	profile := filepath.Join(rig.dir, "chromium-profile")
	kioskRun := func() *exec.Cmd {
		cmd := exec.Command(rig.kiosk, "--config", rig.config, "--data", filepath.Join(rig.dir, "data"))
		cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=", "LANGUAGE=") // as a service runs it
		return cmd
	}
	chromiumRun := func() *exec.Cmd {
		args := []string{"--kiosk", "--no-first-run", "--user-data-dir=" + profile}
		if os.Geteuid() == 0 {
			args = append(args, "--no-sandbox") // Chromium refuses root otherwise
		}
		return exec.Command(chromium, append(args, "file://"+page)...)
	}

	var felt *taxpayerTimes
	k := measureFootprint(t, scr, "kiosk", kioskRun, starts, settle, idle, func(*exec.Cmd) {
		felt = measureTaxpayer(t, scr, rig, visits)
	})
	c := measureFootprint(t, scr, "chromium", chromiumRun, starts, settle, idle, nil)
	fyneCPU := measureFyneAlone(t, settle, idle)

	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| measure | kiosk | Chromium | ratio | goal |\n|---|---|---|---|---|\n")
	fmt.Fprintf(&tab, "| start to first frame (median of %d) | %s | %s | %.2f× | ≤ 0.5× |\n", starts,
		k.start.Round(time.Millisecond), c.start.Round(time.Millisecond), k.start.Seconds()/c.start.Seconds())
	fmt.Fprintf(&tab, "| PSS of the process tree | %.1f MB (%d proc) | %.1f MB (%d proc) | %.2f× | ≤ 0.35× |\n",
		k.pssMB, k.procs, c.pssMB, c.procs, k.pssMB/c.pssMB)
	fmt.Fprintf(&tab, "| CPU at the idle screen, %s | %.2f %% of a core | %.2f %% | %.2f× | kiosk ≤ 1 %% |\n",
		idle, k.cpuPct, c.cpuPct, k.cpuPct/max(c.cpuPct, 0.01))
	fmt.Fprintf(&tab, "| of which Fyne alone (testdata/fyneidle: one label, its 60 Hz loop) | %.2f %% | | | |\n", fyneCPU)
	fmt.Fprintf(&tab, "starts: kiosk %v, Chromium %v\n", k.starts, c.starts)
	if felt != nil {
		fmt.Fprintf(&tab, "\n| what a taxpayer feels (%d visits) | median | max |\n|---|---|---|\n", visits)
		fmt.Fprintf(&tab, "| card read on the wire at 115200 baud (GA 467 find, select, read: %d bytes) | %s | |\n",
			cardBytes, cardWire.Round(100*time.Microsecond))
		fmt.Fprintf(&tab, "| card read with the module's scripted think time (%s) | %s | |\n",
			cardThink, (cardWire + cardThink).Round(time.Millisecond))
		fmt.Fprintf(&tab, "| card placed → welcome screen painted (reader polled every 300 ms) | %s | %s |\n",
			median(felt.welcome).Round(time.Millisecond), slices.Max(felt.welcome).Round(time.Millisecond))
		fmt.Fprintf(&tab, "| tap 增值税申报 → next screen painted (it asks the hall for the taxpayer's enterprises) | %s | %s |\n",
			median(felt.service).Round(time.Millisecond), slices.Max(felt.service).Round(time.Millisecond))
		fmt.Fprintf(&tab, "| tap 结束办理 (card lifted) → idle screen painted (no hall) | %s | %s |\n",
			median(felt.finish).Round(time.Millisecond), slices.Max(felt.finish).Round(time.Millisecond))
		fmt.Fprintf(&tab, "taps that changed nothing within 3 s and were made again: %d of %d\n", felt.lost, felt.lost+2*(visits+1))
	}
	t.Log(tab.String())
}

// TestStartsCompared times the start to the idle screen of two or more kiosk binaries
// (KIOSK_STARTS_COMPARE, paths separated by ":"), taking turns KIOSK_STARTS_COMPARE_N times
// (default 7) on the same devices and hall, so that a change to the start is judged under
// the same load; the rule is TestFootprint's first frame. It logs each binary's median.
func TestStartsCompared(t *testing.T) {
	list := os.Getenv("KIOSK_STARTS_COMPARE")
	if list == "" {
		t.Skip("KIOSK_STARTS_COMPARE not set: BIN1:BIN2 names the kiosk binaries to compare")
	}
	scr, err := openXScreen(os.Getenv("DISPLAY"))
	if err != nil {
		t.Fatal(err)
	}
	defer scr.Close()
	rig := startHallRig(t)
	bins := strings.Split(list, ":")
	starts := make([][]time.Duration, len(bins))
	for range envInt(t, "KIOSK_STARTS_COMPARE_N", 7) {
		for i, bin := range bins {
			run := func() *exec.Cmd {
				cmd := exec.Command(bin, "--config", rig.config, "--data", filepath.Join(rig.dir, "data"))
				cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=", "LANGUAGE=")
				return cmd
			}
			// One start, and a moment at the idle screen before it is stopped.
			fp := measureFootprint(t, scr, bin, run, 1, time.Millisecond, time.Millisecond, nil)
			starts[i] = append(starts[i], fp.start)
		}
	}
	for i, bin := range bins {
		t.Logf("%s: median %v of %v", bin, median(starts[i]), starts[i])
	}
}

// footprint is what measureFootprint found for one program.
type footprint struct {
	starts []time.Duration
	start  time.Duration // median
	pssMB  float64
	procs  int
	cpuPct float64 // of one core
}

// measureFootprint starts run n times and times each to its first painted frame; the last
// run then stays at its idle screen for settle, has its CPU time counted over idle and its
// PSS read, and (if during is given) serves during before it is stopped.
func measureFootprint(t *testing.T, scr *xScreen, name string, run func() *exec.Cmd, n int, settle, idle time.Duration, during func(*exec.Cmd)) footprint {
	t.Helper()
	var fp footprint
	for i := range n {
		waitFrame(t, scr, name+" gone", func(px []byte) bool { return !scr.painted(px) }, 30*time.Second)
		cmd := run()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		at := waitFrame(t, scr, name+"'s first frame", scr.painted, 60*time.Second)
		fp.starts = append(fp.starts, at.Sub(began))
		if i == n-1 {
			time.Sleep(settle)
			cpu0 := treeCPU(cmd.Process.Pid)
			time.Sleep(idle)
			cpu1 := treeCPU(cmd.Process.Pid)
			fp.cpuPct = float64(cpu1-cpu0) / clockTicks / idle.Seconds() * 100
			fp.pssMB, fp.procs = treePSS(t, cmd.Process.Pid)
			if during != nil {
				during(cmd)
			}
		}
		if err := terminate(t, cmd, 30*time.Second); err != nil {
			t.Logf("%s ended with %v after SIGTERM:\n%s", name, err, out.String())
		}
	}
	fp.start = median(fp.starts)
	t.Logf("%s: starts %v, PSS %.1f MB in %d processes, CPU %.2f %% of a core at idle", name, fp.starts, fp.pssMB, fp.procs, fp.cpuPct)
	return fp
}

// measureFyneAlone runs testdata/fyneidle (a Fyne window with one label, built with the
// firmware's tags) and returns its CPU over idle after settle, in % of a core: what Fyne's
// event loop costs a still screen whatever the program does, so that the kiosk's own share
// is the difference.
func measureFyneAlone(t *testing.T, settle, idle time.Duration) float64 {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fyneidle")
	build := exec.Command("go", "build", "-tags", "no_emoji", "-o", bin, "./testdata/fyneidle")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build fyneidle: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=", "LANGUAGE=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(settle)
	cpu0 := treeCPU(cmd.Process.Pid)
	time.Sleep(idle)
	cpu1 := treeCPU(cmd.Process.Pid)
	if err := terminate(t, cmd, 30*time.Second); err != nil {
		t.Logf("fyneidle ended with %v after SIGTERM:\n%s", err, out.String())
	}
	pct := float64(cpu1-cpu0) / clockTicks / idle.Seconds() * 100
	t.Logf("Fyne alone: CPU %.2f %% of a core at a still screen", pct)
	return pct
}

// waitFrame grabs frames until ok says yes, and returns when that frame was read.
func waitFrame(t *testing.T, scr *xScreen, what string, ok func([]byte) bool, patience time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		px, err := scr.grab()
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		if ok(px) {
			return at
		}
		if at.After(deadline) {
			t.Fatalf("no %s within %s", what, patience)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux ABI Go
// supports.
const clockTicks = 100

// tree lists pid and every process descended from it.
func tree(pid int) []int {
	parent := map[int]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if f := statFields(st); len(f) > 1 {
				parent[p], _ = strconv.Atoi(f[1])
			}
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		for p, pp := range parent {
			if pp == out[i] {
				out = append(out, p)
			}
		}
	}
	return out
}

// statFields splits /proc/PID/stat after the command name (which may hold spaces): field 0
// is the state, so stat(5)'s field k is at k-3.
func statFields(st []byte) []string {
	i := bytes.LastIndexByte(st, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(st[i+1:]))
}

// treeCPU sums utime+stime, in clock ticks, over pid's process tree.
func treeCPU(pid int) int64 {
	var sum int64
	for _, p := range tree(pid) {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue // ended meanwhile
		}
		if f := statFields(st); len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			sum += u + s
		}
	}
	return sum
}

// treePSS sums the proportional set size over pid's process tree, in MB (10^6 bytes).
func treePSS(t *testing.T, pid int) (mb float64, procs int) {
	t.Helper()
	var kb int64
	for _, p := range tree(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(b)) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss:" {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				kb += n
				procs++
			}
		}
	}
	if procs == 0 {
		t.Fatalf("no smaps_rollup readable for process %d", pid)
	}
	return float64(kb) * 1024 / 1e6, procs
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func envInt(t *testing.T, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", name, v)
		}
		return n
	}
	return def
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("%s=%q: want a duration such as 30s", name, v)
		}
		return d
	}
	return def
}

// hallRig is the kiosk's surroundings in the hall: its three devices on ptys, each served by
// a `kioskctl sim` process, and a `hall serve` process on loopback over mutual TLS.
type hallRig struct {
	dir, kiosk, config string
	reader             *sim
}

func startHallRig(t *testing.T) *hallRig {
	t.Helper()
	kiosk, kioskctl := testBinaries(t)
	hall := hallBinary(t)
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs")
	for _, args := range [][]string{{"certs", "init", "--dir", certs}, {"certs", "issue", "--dir", certs, "--kiosk", "FOOT-01"}} {
		if out, err := exec.Command(hall, args...).CombinedOutput(); err != nil {
			t.Fatalf("hall %v: %v\n%s", args, err, out)
		}
	}
	url := startHallProcess(t, hall, filepath.Join(dir, "hall"), certs)
	rig := &hallRig{dir: dir, kiosk: kiosk, config: filepath.Join(dir, "kiosk.json")}
	rig.reader = startSim(t, kioskctl, "idcard", filepath.Join(dir, "ttyID"), "--persona", "resident-male")
	rig.reader.send(t, "lift")
	startSim(t, kioskctl, "printer", filepath.Join(dir, "ttyPR"))
	startSim(t, kioskctl, "scanner", filepath.Join(dir, "ttySC"))
	cfg := map[string]any{
		"kiosk_id": "FOOT-01", "hall_url": url, "certs_dir": certs, "language": "zh",
		"idcard":  map[string]any{"port": filepath.Join(dir, "ttyID"), "baud": 115200},
		"printer": map[string]any{"port": filepath.Join(dir, "ttyPR"), "baud": 115200},
		"scanner": map[string]any{"port": filepath.Join(dir, "ttySC"), "baud": 9600},
	}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(rig.config, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return rig
}

// hallBinary is the hall server build.sh made (KIOSK_TEST_BIN), or a fresh build.
func hallBinary(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("KIOSK_TEST_BIN"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "hall")); err == nil {
			return filepath.Join(dir, "hall")
		}
	}
	bin := filepath.Join(t.TempDir(), "hall")
	build := exec.Command("go", "build", "-o", bin, "../hall")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build hall: %v\n%s", err, out)
	}
	return bin
}

// startHallProcess runs `hall serve` on a free loopback port and returns its URL.
func startHallProcess(t *testing.T, hall, data, certs string) string {
	t.Helper()
	cmd := exec.Command(hall, "serve", "--listen", "127.0.0.1:0", "--data", data, "--tls", certs)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { terminate(t, cmd, 20*time.Second) })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "hall: serving on ") {
		t.Fatalf("the hall did not start: %q %s", lines.Text(), stderr.String())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return strings.TrimPrefix(lines.Text(), "hall: serving on ")
}

// writeIdlePage writes Chromium's equivalent of the kiosk's idle screen: the same texts from
// the catalogue, the same card icon, colours and sizes, in the bundled Noto Sans CJK SC
// (regular and bold) loaded with @font-face from the repository's files.
func writeIdlePage(t *testing.T, dir string) string {
	t.Helper()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	fonts, err := filepath.Abs("../../../assets/fonts")
	if err != nil {
		t.Fatal(err)
	}
	icon, err := filepath.Abs("../../../assets/icons/idcard.svg")
	if err != nil {
		t.Fatal(err)
	}
	tr := func(key string) string { return html.EscapeString(cat.T(i18n.Lang("zh"), key)) }
	page := fmt.Sprintf(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title><style>
@font-face { font-family: "Noto Sans CJK SC"; font-weight: 400; src: url("file://%s/NotoSansCJKsc-Regular.otf"); }
@font-face { font-family: "Noto Sans CJK SC"; font-weight: 700; src: url("file://%s/NotoSansCJKsc-Bold.otf"); }
html, body { margin: 0; height: 100%%; background: #f5f8fc; color: #1a1a1a; overflow: hidden;
  font-family: "Noto Sans CJK SC"; font-size: 24px; }
header { display: flex; align-items: center; gap: 8px; margin: 8px; padding: 8px 8px 8px 12px;
  background: #1d4e89; color: #fff; height: 66px; }
header h1 { flex: 1; font-size: 34px; font-weight: 700; margin: 0; }
header .btn { padding: 14px 16px; border-radius: 8px; font-weight: 700; color: #1a1a1a; background: #e3ebf5; }
header .help { background: #9a5c00; color: #fff; }
main { text-align: center; }
main img { width: 280px; margin-top: 32px; }
main h2 { font-size: 40px; font-weight: 700; margin: 24px 0; }
main p { margin: 16px 100px; }
main .hint { color: #5f6b7a; }
main .btn { display: inline-block; width: 280px; padding: 16px 0; margin-top: 16px; border-radius: 8px;
  font-weight: 700; background: #e3ebf5; }
</style></head><body>
<header><h1>%s</h1><span>● %s</span><span class="btn help">%s</span><span class="btn">%s</span><span class="btn">%s</span></header>
<main><img src="file://%s" alt=""><h2>%s</h2><p>%s</p><p class="hint">%s</p><span class="btn">%s</span></main>
</body></html>
`, tr("app.title"), fonts, fonts, tr("app.title"), tr("net.online"), tr("help.call"), tr("common.large_text"),
		tr("common.lang_switch"), icon, tr("idle.prompt"), tr("app.subtitle"), tr("idle.hint"), tr("queue.button"))
	path := filepath.Join(dir, "idle.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The card read on the wire: three requests of 10 bytes (find, select, read) and three
// answers of 7+3+data+1 bytes, at 10 bits a byte; `kioskctl sim idcard` pads the find and
// select answers as a CVR-100 module does (4 and 8 bytes), and thinks as long as its
// default scripted delays say.
const cardBytes = 3*10 + (11 + 4) + (11 + 8) + (11 + 4 + idcard.TextLen + idcardsim.PhotoLen)

var (
	cardWire  = time.Duration(cardBytes * 10 * int64(time.Second) / 115200)
	cardThink = idcardsim.DefaultFindDelay + idcardsim.DefaultSelectDelay + idcardsim.DefaultReadDelay
)

type taxpayerTimes struct {
	welcome, service, finish []time.Duration
	lost                     int // taps that changed nothing within 3 s and were tapped again
}

// Where the taxpayer taps on the 1280×800 screens at the standard text size: the first
// service on the welcome screen (增值税申报), and the lift prompt's 结束办理.
var (
	tapFirstService = [2]int{357, 447}
	tapFinish       = [2]int{515, 215}
)

// measureTaxpayer runs visits at the idle kiosk: place the card and time the welcome screen's
// paint; tap the first service and time the next screen's (it asks the hall for the
// taxpayer's enterprises); lift the card and time the lift prompt; tap 结束办理 and time the
// idle screen's return. "Painted" is the last large change of the screen (more than 0.5 % of
// its pixels) before it stays still for 500 ms, so a passing "reading" state does not count
// as arrival, and the countdown's digits do not count as change.
func measureTaxpayer(t *testing.T, scr *xScreen, rig *hallRig, visits int) *taxpayerTimes {
	t.Helper()
	var out taxpayerTimes
	for i := range visits + 1 { // the first visit warms up and is not counted
		settled(t, scr, grab(t, scr), time.Now(), time.Second)
		before, began := grab(t, scr), time.Now()
		rig.reader.send(t, "place resident-male")
		w := settled(t, scr, before, began, 10*time.Second)
		if w == 0 {
			t.Fatalf("visit %d: placing the card changed nothing on the screen within 10 s (it is in %s)", i, scr.save(t, grab(t, scr)))
		}
		s := tapAndSettle(t, scr, tapFirstService, &out.lost)
		before = grab(t, scr)
		rig.reader.send(t, "lift")
		if settled(t, scr, before, time.Now(), 10*time.Second) == 0 {
			t.Fatalf("visit %d: lifting the card changed nothing on the screen within 10 s (it is in %s)", i, scr.save(t, grab(t, scr)))
		}
		f := tapAndSettle(t, scr, tapFinish, &out.lost)
		if i > 0 {
			out.welcome = append(out.welcome, w)
			out.service = append(out.service, s)
			out.finish = append(out.finish, f)
		}
	}
	return &out
}

// tapAndSettle taps at and returns the time to the next screen's paint. A tap that changes
// nothing within 3 s is counted in lost and made again, at most twice more.
func tapAndSettle(t *testing.T, scr *xScreen, at [2]int, lost *int) time.Duration {
	t.Helper()
	for range 3 {
		time.Sleep(time.Second) // a taxpayer reads before tapping; the screen is still
		before := grab(t, scr)
		if d := settled(t, scr, before, tap(t, at), 3*time.Second); d > 0 {
			return d
		}
		*lost++
	}
	t.Fatalf("three taps at %v changed nothing on the screen (it is in %s)", at, scr.save(t, grab(t, scr)))
	return 0
}

func grab(t *testing.T, scr *xScreen) []byte {
	t.Helper()
	px, err := scr.grab()
	if err != nil {
		t.Fatal(err)
	}
	return px
}

// tap moves the pointer to at and clicks; the time it returns is taken before xdotool runs,
// so a tap's figure includes starting xdotool (a few ms).
func tap(t *testing.T, at [2]int) time.Time {
	t.Helper()
	began := time.Now()
	if out, err := exec.Command("xdotool", "mousemove", strconv.Itoa(at[0]), strconv.Itoa(at[1]), "click", "1").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	return began
}

// settled waits until the screen has changed largely from before (grabbed just before
// began) and then stayed still for 500 ms, and returns the time from began to the last
// large change; 0 if nothing changed within patience.
func settled(t *testing.T, scr *xScreen, before []byte, began time.Time, patience time.Duration) time.Duration {
	t.Helper()
	prev := before
	last := time.Time{}
	deadline := began.Add(30 * time.Second)
	for {
		px, err := scr.grab()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if changedShare(prev, px) > 0.005 {
			last, prev = now, px
		}
		switch {
		case !last.IsZero() && now.Sub(last) >= 500*time.Millisecond:
			return last.Sub(began)
		case last.IsZero() && now.Sub(began) >= patience:
			return 0 // nothing to wait for: the screen was already still
		case now.After(deadline):
			t.Fatal("the screen did not settle within 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func changedShare(a, b []byte) float64 {
	n := 0
	for i := 0; i+3 < len(a) && i+3 < len(b); i += 4 {
		if a[i] != b[i] || a[i+1] != b[i+1] || a[i+2] != b[i+2] {
			n++
		}
	}
	return float64(n) / float64(len(a)/4)
}
