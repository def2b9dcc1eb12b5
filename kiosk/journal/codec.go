package journal

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"taxkiosk/drivers/escpos"
)

// kindNames writes block kinds by name: an entry must mean the same after escpos.Kind is
// reordered or extended.
func kindNames() map[escpos.Kind]string {
	return map[escpos.Kind]string{
		escpos.KindTitle: "title", escpos.KindText: "text", escpos.KindSeparator: "separator",
		escpos.KindPair: "pair", escpos.KindAmount: "amount", escpos.KindQR: "qr",
		escpos.KindBarcode: "barcode", escpos.KindFeed: "feed", escpos.KindCut: "cut",
	}
}

type storedBlock struct {
	Kind  string `json:"kind"`
	Text  string `json:"text,omitempty"`
	Value string `json:"value,omitempty"`
	Data  string `json:"data,omitempty"`
	Size  int    `json:"size,omitempty"`
	Char  byte   `json:"char,omitempty"`
}

type storedEntry struct {
	V           int           `json:"v"` // layout version of the value
	Recorded    time.Time     `json:"recorded"`
	Updated     time.Time     `json:"updated"`
	State       State         `json:"state"`
	Reason      string        `json:"reason,omitempty"`
	Detail      string        `json:"detail,omitempty"`
	Reprintable bool          `json:"reprintable,omitempty"`
	Bytes       int           `json:"bytes,omitempty"`
	Attempts    int           `json:"attempts"`
	Blocks      []storedBlock `json:"blocks"`
}

const layoutVersion = 1

func encodeBlocks(blocks []escpos.Block) ([]storedBlock, error) {
	names := kindNames()
	out := make([]storedBlock, len(blocks))
	for i, b := range blocks {
		name, ok := names[b.Kind]
		if !ok {
			return nil, fmt.Errorf("%w: block %d has kind %d", ErrInvalid, i, int(b.Kind))
		}
		out[i] = storedBlock{Kind: name, Text: b.Text, Value: b.Value, Data: b.Data, Size: b.Size, Char: b.Char}
	}
	return out, nil
}

func decodeBlocks(id string, in []storedBlock) ([]escpos.Block, error) {
	kinds := make(map[string]escpos.Kind)
	for k, name := range kindNames() {
		kinds[name] = k
	}
	out := make([]escpos.Block, len(in))
	for i, b := range in {
		k, ok := kinds[b.Kind]
		if !ok {
			return nil, fmt.Errorf("%w: job %s block %d: kind %q", ErrCorrupt, id, i, b.Kind)
		}
		out[i] = escpos.Block{Kind: k, Text: b.Text, Value: b.Value, Data: b.Data, Size: b.Size, Char: b.Char}
	}
	return out, nil
}

func put(b *bolt.Bucket, e *Entry) error {
	blocks, err := encodeBlocks(e.Doc.Blocks)
	if err != nil {
		return err
	}
	v, err := json.Marshal(storedEntry{V: layoutVersion, Recorded: e.Recorded, Updated: e.Updated, State: e.State,
		Reason: e.Reason, Detail: e.Detail, Reprintable: e.Reprintable, Bytes: e.Bytes, Attempts: e.Attempts, Blocks: blocks})
	if err != nil {
		return err
	}
	return b.Put([]byte(e.ID), v)
}

func decode(k, v []byte) (*Entry, error) {
	var s storedEntry
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, fmt.Errorf("%w: job %s: %w", ErrCorrupt, k, err)
	}
	if s.V != layoutVersion {
		return nil, fmt.Errorf("%w: job %s: layout version %d", ErrCorrupt, k, s.V)
	}
	blocks, err := decodeBlocks(string(k), s.Blocks)
	if err != nil {
		return nil, err
	}
	return &Entry{ID: string(k), Recorded: s.Recorded, Updated: s.Updated, State: s.State, Reason: s.Reason,
		Detail: s.Detail, Reprintable: s.Reprintable, Bytes: s.Bytes, Attempts: s.Attempts,
		Doc: &escpos.Document{Blocks: blocks}}, nil
}
