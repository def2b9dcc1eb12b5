package idcard_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

// streamPort plays back a fixed byte stream as the module's side of the line, whatever is
// written, then stays silent.
type streamPort struct{ r *bytes.Reader }

func (p *streamPort) Write(b []byte) (int, error) { return len(b), nil }
func (p *streamPort) Read(b []byte) (int, error) {
	if p.r.Len() == 0 {
		return 0, serialport.ErrTimeout
	}
	return p.r.Read(b)
}

// FuzzLineNoise drives a whole ReadCard and Present over any bytes the line may carry:
// stale answers, cut frames, noise. The reader must neither panic nor return a card that is
// not a whole text+photo answer.
func FuzzLineNoise(f *testing.F) {
	p, _ := idcardsim.PersonaByKey("resident-male")
	text, err := idcard.EncodeText(p.Card)
	if err != nil {
		f.Fatal(err)
	}
	data := append([]byte{0x01, 0x00, 0x04, 0x00}, text...)
	data = append(data, make([]byte, 1024)...)
	found := idcard.EncodeResponse(0, 0, 0x9F, nil)
	ok := idcard.EncodeResponse(0, 0, 0x90, nil)
	noCard := idcard.EncodeResponse(0, 0, 0x80, nil)
	read := idcard.EncodeResponse(0, 0, 0x90, data)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	f.Add(cat(found, ok, read))
	f.Add(cat(noCard, found, ok, ok, read))
	f.Add(cat(found, found, ok, read[:700], read))
	f.Add(cat([]byte{0xAA, 0xAA, 0x96}, found, noCard, ok, read, noCard, ok))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := idcard.New(&streamPort{r: bytes.NewReader(in)},
			&idcard.Opts{CommandTimeout: 5 * time.Millisecond, ReadTimeout: 5 * time.Millisecond, QuietGap: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		card, err := r.ReadCard(ctx)
		if (card == nil) == (err == nil) {
			t.Fatalf("card %v with error %v", card, err)
		}
		if card != nil && (len(card.Photo) != 1024 || !bytes.Contains(in, card.Photo)) {
			t.Fatalf("a card without its whole photo: %d bytes", len(card.Photo))
		}
		r.Present(ctx)
	})
}
