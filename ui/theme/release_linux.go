package theme

import (
	"os"
	"syscall"
	"unsafe"

	"taxkiosk/assets"
)

// ReleaseFontFiles gives back to the kernel the pages of the bundled font files that
// parsing read. The font parser copies every table it keeps out of the file, so once the
// faces are parsed (Warm, then the first frame) the file's bytes are not read again until
// the theme changes and Fyne parses afresh; until then they would count, about 33 MB for
// the regular and bold faces, in the kiosk's resident memory. The bytes are embedded in
// the binary and never written, so MADV_DONTNEED drops only clean pages of its file
// mapping: a later read pages them in again from the binary, unchanged. Only whole pages
// inside each font are advised, never one shared with other data. It is best effort: an
// error leaves the pages where they are.
func ReleaseFontFiles() {
	page := uintptr(os.Getpagesize())
	for _, s := range assets.FontStyles {
		_, data := assets.Font(s)
		if len(data) < int(2*page) {
			continue
		}
		start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
		first := (start + page - 1) &^ (page - 1)
		last := (start + uintptr(len(data))) &^ (page - 1)
		if last <= first {
			continue
		}
		_ = syscall.Madvise(data[first-start:last-start], syscall.MADV_DONTNEED)
	}
}
