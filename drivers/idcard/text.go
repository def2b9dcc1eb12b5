package idcard

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"

	"taxkiosk/drivers/mask"
)

// TextLen is the size of the text block in a 30 01 answer.
const TextLen = 256

// Card types, as the card_type JSON value.
const (
	TypeResident         = "resident"
	TypeHMTPermit        = "hmt_residence_permit"
	TypeForeignPermanent = "foreign_permanent"
)

// CardVersion2023 marks a 2023 foreigner's permanent residence ID card (type mark "Y").
const CardVersion2023 = "2023"

// Genders, as the gender JSON value.
const (
	Male   = "male"
	Female = "female"
)

// ValidLongTerm is valid_to on cards without an end date.
const ValidLongTerm = "长期"

// Card is what a card holds. The JSON keys are a contract with the command line and the core.
// Dates are YYYYMMDD. Photo is the card's WLT image, opaque: it is never decoded or logged.
type Card struct {
	Name        string `json:"name"`
	Gender      string `json:"gender"`
	Nation      string `json:"nation"`
	Birth       string `json:"birth"`
	Address     string `json:"address"`
	IDNumber    string `json:"id_number"`
	Authority   string `json:"authority"`
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	CardType    string `json:"card_type"`
	EnglishName string `json:"english_name,omitempty"`
	Nationality string `json:"nationality,omitempty"` // ISO 3166 alpha-3, foreigners' cards
	PassNumber  string `json:"pass_number,omitempty"` // HK/Macau/Taiwan travel permit
	IssueCount  string `json:"issue_count,omitempty"` // issue or renewal count
	CardVersion string `json:"card_version,omitempty"`

	Photo       []byte `json:"-"`
	Fingerprint []byte `json:"-"`
}

// String names the card without disclosing its holder. It has a value receiver so that
// printing a Card value, not only a pointer, is masked too.
func (c Card) String() string {
	name := c.Name
	if name == "" {
		name = c.EnglishName
	}
	return fmt.Sprintf("%s %s %s", c.CardType, mask.Name(name), mask.ID(c.IDNumber))
}

// GoString keeps %#v from printing the holder's data either.
func (c Card) GoString() string { return c.String() }

// field names a slot of the text block.
type field int

const (
	fName field = iota
	fGender
	fNation
	fBirth
	fAddress
	fID
	fAuthority
	fFrom
	fTo
	fEnglish
	fEnglish2
	fNationality
	fPass
	fIssue
	fVersion
)

type slot struct {
	f      field
	off, n int // bytes
}

// layout is the position of every field for one card type. All offsets of all card types
// live here, so a vendor or a later reading of the standard changes them in one place.
type layout struct {
	mark     byte // the character at offset 248
	cardType string
	version  string // CardVersion implied by the mark, "" when the block carries it
	slots    []slot
}

const markOffset = 248

func layouts() []layout {
	common := []slot{{fName, 0, 30}, {fGender, 30, 2}, {fBirth, 36, 16}, {fAddress, 52, 70},
		{fID, 122, 36}, {fAuthority, 158, 30}, {fFrom, 188, 16}, {fTo, 204, 16}}
	return []layout{
		{' ', TypeResident, "", append([]slot{{fNation, 32, 4}}, common...)},
		{'J', TypeHMTPermit, "", append([]slot{{fPass, 220, 18}, {fIssue, 238, 4}}, common...)},
		{'I', TypeForeignPermanent, "", []slot{{fEnglish, 0, 120}, {fGender, 120, 2}, {fID, 122, 30},
			{fNationality, 152, 6}, {fName, 158, 30}, {fFrom, 188, 16}, {fTo, 204, 16}, {fBirth, 220, 16},
			{fVersion, 236, 4}, {fAuthority, 240, 8}}},
		// Y: 2023 foreigner's permanent residence ID card, unconfirmed (see doc.go).
		{'Y', TypeForeignPermanent, CardVersion2023, []slot{{fName, 0, 30}, {fGender, 30, 2}, {fIssue, 32, 4},
			{fBirth, 36, 16}, {fEnglish, 52, 70}, {fID, 122, 36}, {fFrom, 188, 16}, {fTo, 204, 16},
			{fEnglish2, 220, 22}, {fNationality, 242, 6}}},
	}
}

func decodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return strings.Trim(string(utf16.Decode(u)), " \x00")
}

// ParseText decodes a 256-byte text block (UCS-2 little-endian, space padded) of any card
// type. Resident and HK/Macau/Taiwan permit numbers must pass the GB 11643 check digit.
// Errors wrap ErrBadText or ErrBadIDNumber and never quote the holder's data.
func ParseText(block []byte) (*Card, error) {
	if len(block) != TextLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBadText, len(block), TextLen)
	}
	mark := block[markOffset]
	if block[markOffset+1] != 0 {
		return nil, fmt.Errorf("%w: type mark %02X%02X", ErrBadText, mark, block[markOffset+1])
	}
	if mark == 0 {
		mark = ' '
	}
	var lay *layout
	all := layouts()
	for i := range all {
		if all[i].mark == mark {
			lay = &all[i]
		}
	}
	if lay == nil {
		return nil, fmt.Errorf("%w: type mark %02X", ErrBadText, mark)
	}
	c := &Card{CardType: lay.cardType, CardVersion: lay.version}
	var english2 string
	for _, s := range lay.slots {
		v := decodeUCS2(block[s.off : s.off+s.n])
		switch s.f {
		case fName:
			c.Name = v
		case fGender:
			c.Gender = genderName(v)
		case fNation:
			c.Nation, _ = NationName(v)
		case fBirth:
			c.Birth = v
		case fAddress:
			c.Address = v
		case fID:
			c.IDNumber = v
		case fAuthority:
			c.Authority = v
		case fFrom:
			c.ValidFrom = v
		case fTo:
			c.ValidTo = v
		case fEnglish:
			c.EnglishName = v
		case fEnglish2:
			english2 = v
		case fNationality:
			c.Nationality = v
		case fPass:
			c.PassNumber = v
		case fIssue:
			c.IssueCount = v
		case fVersion:
			c.CardVersion = v
		}
	}
	c.EnglishName += english2
	if (c.CardType == TypeResident || c.CardType == TypeHMTPermit) && !ValidIDNumber(c.IDNumber) {
		return nil, fmt.Errorf("%w: %s number fails its check digit", ErrBadIDNumber, c.CardType)
	}
	return c, nil
}

// genderName maps the GB/T 2261.1 code; codes other than 1 and 2 (0 unknown, 9 unstated)
// do not occur on these cards and read as "".
func genderName(code string) string {
	switch code {
	case "1":
		return Male
	case "2":
		return Female
	}
	return ""
}

func genderCode(name string) (string, error) {
	switch name {
	case Male:
		return "1", nil
	case Female:
		return "2", nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("%w: gender %q", ErrBadText, name)
}

// EncodeText is the inverse of ParseText: it lays c out as the card would hold it. The
// simulator uses it; a field too long for its slot is an error, never silently cut.
func EncodeText(c *Card) ([]byte, error) {
	var lay *layout
	all := layouts()
	for i := range all {
		l := &all[i]
		if l.cardType != c.CardType {
			continue
		}
		if l.version == "" && c.CardVersion != CardVersion2023 || l.version != "" && c.CardVersion == l.version {
			lay = l
		}
	}
	if lay == nil {
		return nil, fmt.Errorf("%w: card type %q version %q", ErrBadText, c.CardType, c.CardVersion)
	}
	block := make([]byte, TextLen)
	for i := 0; i < TextLen; i += 2 {
		block[i] = ' '
	}
	if lay.mark != ' ' {
		block[markOffset] = lay.mark
	}
	english, english2 := c.EnglishName, ""
	englishLen, english2Len := 0, 0
	for _, s := range lay.slots {
		switch s.f {
		case fEnglish:
			englishLen = s.n / 2
		case fEnglish2:
			english2Len = s.n / 2
		}
	}
	if english2Len > 0 {
		english, english2 = splitEnglish(c.EnglishName, englishLen, english2Len)
	}
	for _, s := range lay.slots {
		var v string
		switch s.f {
		case fName:
			v = c.Name
		case fGender:
			g, err := genderCode(c.Gender)
			if err != nil {
				return nil, err
			}
			v = g
		case fNation:
			if c.Nation != "" {
				code, ok := NationCode(c.Nation)
				if !ok {
					return nil, fmt.Errorf("%w: nation %q not in GB 3304", ErrBadText, c.Nation)
				}
				v = code
			}
		case fBirth:
			v = c.Birth
		case fAddress:
			v = c.Address
		case fID:
			v = c.IDNumber
		case fAuthority:
			v = c.Authority
		case fFrom:
			v = c.ValidFrom
		case fTo:
			v = c.ValidTo
		case fEnglish:
			v = english
		case fEnglish2:
			v = english2
		case fNationality:
			v = c.Nationality
		case fPass:
			v = c.PassNumber
		case fIssue:
			v = c.IssueCount
		case fVersion:
			v = c.CardVersion
		}
		u := utf16.Encode([]rune(v))
		if 2*len(u) > s.n {
			return nil, fmt.Errorf("%w: field at offset %d holds %d characters, got %d", ErrBadText, s.off, s.n/2, len(u))
		}
		for i, r := range u {
			binary.LittleEndian.PutUint16(block[s.off+2*i:], r)
		}
	}
	return block, nil
}

// splitEnglish spreads a Y card's English name over its two slots of first and second
// UTF-16 units. ParseText trims each slot before joining them, so the cut must not put a
// padding character on either side of it, nor fall inside a surrogate pair; of the cuts
// that leave both parts short enough, the one furthest right is taken. A name that came from
// ParseText always has one: where the card had it.
func splitEnglish(s string, first, second int) (string, string) {
	u := utf16.Encode([]rune(s))
	if len(u) <= first {
		return s, ""
	}
	pad := func(c uint16) bool { return c == ' ' || c == 0 }
	for k := first; k > 0 && k >= len(u)-second; k-- {
		if !pad(u[k-1]) && !pad(u[k]) && !(u[k] >= 0xDC00 && u[k] < 0xE000) {
			return string(utf16.Decode(u[:k])), string(utf16.Decode(u[k:]))
		}
	}
	return string(utf16.Decode(u[:first])), string(utf16.Decode(u[first:])) // too long: EncodeText reports it
}
