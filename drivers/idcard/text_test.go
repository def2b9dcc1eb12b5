package idcard

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// docBlock builds a text block the way the doc's table describes it, independently of
// EncodeText: every slot space padded, characters as UCS-2 little-endian at the stated
// byte offsets.
type docBlock [TextLen]byte

func newDocBlock() *docBlock {
	var b docBlock
	for i := 0; i < TextLen; i += 2 {
		b[i], b[i+1] = 0x20, 0x00
	}
	return &b
}

func (b *docBlock) put(off int, s string) *docBlock {
	for _, r := range s {
		b[off], b[off+1] = byte(r), byte(r>>8)
		off += 2
	}
	return b
}

// A resident card, field by field from the doc table.
func residentDocBlock() *docBlock {
	return newDocBlock().
		put(0, "张建国").
		put(30, "1").
		put(32, "01").
		put(36, "19680415").
		put(52, "河南省平顶山市卫东区建设路中段88号院").
		put(122, "410403196804153016").
		put(158, "平顶山市公安局卫东分局").
		put(188, "20160722").
		put(204, "长期")
}

func TestParseResidentFromDoc(t *testing.T) {
	b := residentDocBlock()
	// Spot-check the bytes themselves: 张 is U+5F20, gender "1" is 31 00 at offset 30.
	if !bytes.Equal(b[0:4], []byte{0x20, 0x5F, 0xFA, 0x5E}) || b[30] != 0x31 || b[31] != 0 {
		t.Fatalf("doc block head % X", b[0:32])
	}
	c, err := ParseText(b[:])
	if err != nil {
		t.Fatal(err)
	}
	want := &Card{Name: "张建国", Gender: Male, Nation: "汉", Birth: "19680415",
		Address: "河南省平顶山市卫东区建设路中段88号院", IDNumber: "410403196804153016",
		Authority: "平顶山市公安局卫东分局", ValidFrom: "20160722", ValidTo: "长期", CardType: TypeResident}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got  %#v\nwant %#v", *c, *want)
	}
	enc, err := EncodeText(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, b[:]) {
		t.Fatalf("EncodeText differs from the doc layout:\n% X\n% X", enc, b[:])
	}
}

func TestParseEveryCardType(t *testing.T) {
	for _, tc := range []struct {
		name  string
		block *docBlock
		want  Card
	}{
		{"HK/Macau/Taiwan permit", newDocBlock().put(0, "陈家明").put(30, "1").put(36, "19870315").
			put(52, "河南省平顶山市卫东区开源路").put(122, "810000198703150011").put(158, "平顶山市公安局卫东分局").
			put(188, "20210108").put(204, "20260108").put(220, "H61928374").put(238, "01").put(248, "J"),
			Card{Name: "陈家明", Gender: Male, Birth: "19870315", Address: "河南省平顶山市卫东区开源路",
				IDNumber: "810000198703150011", Authority: "平顶山市公安局卫东分局", ValidFrom: "20210108",
				ValidTo: "20260108", CardType: TypeHMTPermit, PassNumber: "H61928374", IssueCount: "01"}},
		{"foreign permanent (I)", newDocBlock().put(0, "SMITH JOHN WILLIAM").put(120, "1").put(122, "CAN410080052601").
			put(152, "CAN").put(158, "史密斯约翰").put(188, "20190410").put(204, "20290410").put(220, "19800526").
			put(236, "01").put(240, "1500").put(248, "I"),
			Card{Name: "史密斯约翰", EnglishName: "SMITH JOHN WILLIAM", Gender: Male, Birth: "19800526",
				IDNumber: "CAN410080052601", Nationality: "CAN", Authority: "1500", ValidFrom: "20190410",
				ValidTo: "20290410", CardType: TypeForeignPermanent, CardVersion: "01"}},
		{"foreign permanent 2023 (Y)", newDocBlock().put(0, "约翰逊艾米莉").put(30, "2").put(32, "00").put(36, "19800520").
			put(52, "JOHNSON EMILY ROSE ABCDEFGHIJKLMNOP").put(122, "941840198005200020").put(188, "20240315").
			put(204, "20340315").put(220, "QRST").put(242, "USA").put(248, "Y"),
			Card{Name: "约翰逊艾米莉", EnglishName: "JOHNSON EMILY ROSE ABCDEFGHIJKLMNOPQRST", Gender: Female,
				Birth: "19800520", IDNumber: "941840198005200020", Nationality: "USA", IssueCount: "00",
				ValidFrom: "20240315", ValidTo: "20340315", CardType: TypeForeignPermanent, CardVersion: CardVersion2023}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseText(tc.block[:])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*c, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", *c, tc.want)
			}
			enc, err := EncodeText(c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, tc.block[:]) {
				t.Fatalf("EncodeText differs from the doc layout:\n% X\n% X", enc, tc.block[:])
			}
		})
	}
}

func TestParseTextRejects(t *testing.T) {
	badCheck := residentDocBlock().put(122, "410403196804153017")
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"short", make([]byte, 200), ErrBadText},
		{"unknown type mark", residentDocBlock().put(248, "Q")[:], ErrBadText},
		{"check digit", badCheck[:], ErrBadIDNumber},
	} {
		_, err := ParseText(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "4104") {
			t.Errorf("%s: error discloses the ID number: %v", tc.name, err)
		}
	}
}

func TestEncodeTextRejectsOverlong(t *testing.T) {
	c := &Card{Name: strings.Repeat("长", 16), CardType: TypeResident}
	if _, err := EncodeText(c); !errors.Is(err, ErrBadText) {
		t.Fatalf("16-character name: got %v", err)
	}
	if _, err := EncodeText(&Card{CardType: "passport"}); !errors.Is(err, ErrBadText) {
		t.Fatalf("unknown type: got %v", err)
	}
}

func TestCardJSONContract(t *testing.T) {
	c, err := ParseText(residentDocBlock()[:])
	if err != nil {
		t.Fatal(err)
	}
	c.Photo = []byte{1, 2, 3}
	c.Fingerprint = []byte{4}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"张建国","gender":"male","nation":"汉","birth":"19680415","address":"河南省平顶山市卫东区建设路中段88号院","id_number":"410403196804153016","authority":"平顶山市公安局卫东分局","valid_from":"20160722","valid_to":"长期","card_type":"resident"}`
	if string(b) != want {
		t.Fatalf("JSON\n%s\nwant\n%s", b, want)
	}
}

func TestCardStringMasks(t *testing.T) {
	c, err := ParseText(residentDocBlock()[:])
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), fmtV(c), fmtV(*c), fmtV([]Card{*c})} {
		if strings.Contains(s, "建国") || strings.Contains(s, "19680415") || strings.Contains(s, "河南") {
			t.Fatalf("String discloses personal data: %s", s)
		}
	}
	if got, want := c.String(), "resident 张** 4104**********3016"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
}

func TestNations(t *testing.T) {
	seen := map[string]bool{}
	for i := 1; i <= 56; i++ {
		code := string([]byte{byte('0' + i/10), byte('0' + i%10)})
		name, ok := NationName(code)
		if !ok || name == "" || seen[name] {
			t.Fatalf("code %s: %q %v", code, name, ok)
		}
		seen[name] = true
		if back, ok := NationCode(name); !ok || back != code {
			t.Fatalf("NationCode(%q) = %q", name, back)
		}
	}
	for code, want := range map[string]string{"01": "汉", "03": "回", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士"} {
		if got, _ := NationName(code); got != want {
			t.Errorf("NationName(%s) = %q, want %q", code, got, want)
		}
	}
	if code, _ := NationCode("回族"); code != "03" {
		t.Errorf("NationCode(回族) = %q", code)
	}
	for _, bad := range []string{"00", "57", "96", "99", "1", "ab"} {
		if _, ok := NationName(bad); ok {
			t.Errorf("NationName(%q) accepted", bad)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	d, err := CheckDigit("11010519491231002")
	if err != nil || d != 'X' {
		t.Fatalf("doc example: %c, %v", d, err)
	}
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "410403196804153016", "810000198703150011"} {
		if !ValidIDNumber(s) {
			t.Errorf("%s should be valid", s)
		}
	}
	for _, s := range []string{"110105194912310021", "11010519491231002", "1101051949123100X2", "A10105194912310020", ""} {
		if ValidIDNumber(s) {
			t.Errorf("%s should be invalid", s)
		}
	}
	if _, err := CheckDigit("1101051949123100A"); !errors.Is(err, ErrBadIDNumber) {
		t.Errorf("non-digit: %v", err)
	}
}

func FuzzParseText(f *testing.F) {
	f.Add(residentDocBlock()[:])
	f.Add(newDocBlock().put(0, "陈家明").put(30, "1").put(122, "810000198703150011").put(248, "J")[:])
	f.Add(newDocBlock().put(0, "SMITH JOHN").put(120, "1").put(122, "CAN410080052601").put(248, "I")[:])
	f.Add(newDocBlock().put(0, "约翰").put(52, "JOHNSON").put(220, "ROSE").put(248, "Y")[:])
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseText(in)
		if err != nil {
			if !errors.Is(err, ErrBadText) && !errors.Is(err, ErrBadIDNumber) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		// Whatever parses must lay out again and parse back to the same card.
		enc, err := EncodeText(c)
		if err != nil {
			t.Fatalf("EncodeText of a parsed card: %v", err)
		}
		again, err := ParseText(enc)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("round trip changed the card:\n%#v\n%#v", *c, *again)
		}
	})
}
