package theme_test

import (
	"hash/crc32"
	"os"
	"strconv"
	"strings"
	"testing"

	"taxkiosk/assets"
	"taxkiosk/ui/theme"
)

// TestReleaseFontFilesKeepsTheBytes: once the fonts have been read (as parsing reads them),
// ReleaseFontFiles must take their pages out of the process's resident memory, and the
// bytes read afterwards must be the same fonts, byte for byte.
func TestReleaseFontFilesKeepsTheBytes(t *testing.T) {
	castagnoli := crc32.MakeTable(crc32.Castagnoli) // in hardware: reading 49 MB costs little
	sums := map[assets.FontStyle]uint32{}
	size := 0
	for _, s := range assets.FontStyles {
		_, data := assets.Font(s)
		sums[s] = crc32.Checksum(data, castagnoli) // reads every page in, as the parser's copy does
		size += len(data)
	}
	before := residentKB(t)
	theme.ReleaseFontFiles()
	after := residentKB(t)
	// Pages at each font's two ends may be shared with other data and are kept.
	if want := int64(size/1024) * 9 / 10; before-after < want {
		t.Errorf("resident memory went from %d kB to %d kB: released %d kB of the %d kB of fonts, want at least %d",
			before, after, before-after, size/1024, want)
	}
	for _, s := range assets.FontStyles {
		if _, data := assets.Font(s); crc32.Checksum(data, castagnoli) != sums[s] {
			t.Errorf("the %s font reads differently after its pages were released", s)
		}
	}
}

// residentKB is the process's resident set (RSS) from /proc/self/smaps_rollup.
func residentKB(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("no smaps_rollup: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Rss:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Rss line in /proc/self/smaps_rollup")
	return 0
}
