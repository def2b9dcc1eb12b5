package duty

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/txn"
)

// Bounds of an announcement: a title fits the idle screen's heading, a text its panel.
const (
	MaxNoticeTitle = 60
	MaxNoticeText  = 600
)

// NewNotice makes the duty leader's announcement, checked: a Chinese title, texts within
// bounds, a start before the end and an end after now. The English texts are optional (the
// kiosk shows the Chinese ones in English too when there are none).
func NewNotice(title, text hallapi.Text, start, end time.Time, by string, now time.Time) (hall.StoredNotice, error) {
	clean := func(t hallapi.Text) hallapi.Text {
		return hallapi.Text{ZH: MaskIDs(strings.TrimSpace(t.ZH)), EN: MaskIDs(strings.TrimSpace(t.EN))}
	}
	title, text = clean(title), clean(text)
	switch {
	case title.ZH == "":
		return hall.StoredNotice{}, fmt.Errorf("%w: no Chinese title", ErrNotice)
	case !fits(title.ZH, MaxNoticeTitle) || !fits(title.EN, MaxNoticeTitle):
		return hall.StoredNotice{}, fmt.Errorf("%w: a title above %d characters", ErrNotice, MaxNoticeTitle)
	case !fits(text.ZH, MaxNoticeText) || !fits(text.EN, MaxNoticeText):
		return hall.StoredNotice{}, fmt.Errorf("%w: a text above %d characters", ErrNotice, MaxNoticeText)
	case !start.Before(end):
		return hall.StoredNotice{}, fmt.Errorf("%w: it ends before it starts", ErrNotice)
	case !end.After(now):
		return hall.StoredNotice{}, fmt.Errorf("%w: it has ended already", ErrNotice)
	}
	return hall.StoredNotice{By: by, Notice: hallapi.Notice{ID: txn.NewID(), Title: title, Text: text,
		Start: start.UTC(), End: end.UTC(), Written: now.UTC()}}, nil
}

func fits(s string, n int) bool { return utf8.ValidString(s) && utf8.RuneCountInString(s) <= n }
