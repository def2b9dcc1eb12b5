package idcard_test

import (
	"testing"

	"taxkiosk/drivers/idcard"
)

// publishedIDNumbers are citizen ID numbers published by others, with where each comes from;
// between them they cover all 11 check characters (remainders 0 to 10 of GB 11643's sum).
var publishedIDNumbers = []struct{ number, source string }{
	{"11010519491231002X", "GB 11643-1999, the standard's own example"},
	{"440524188001010014", "GB 11643-1999, the standard's own example"},
	{"321083197812162119", "hutool IdcardUtilTest.java (ID_18)"},
	{"150102198807303035", "hutool IdcardUtilTest.java (convert15To18)"},
	{"33010219200403064X", "hutool IdcardUtilTest.java (convert15To18)"},
	{"81000019980902013X", "hutool IdcardUtilTest.java (Hong Kong resident permit)"},
	{"820000200009100032", "hutool IdcardUtilTest.java (Macao resident permit)"},
	{"830000200209060065", "hutool IdcardUtilTest.java (Taiwan resident permit)"},
	{"932682198501010017", "hutool IdcardUtilTest.java (2023 foreign permanent resident card)"},
	{"360426199101010071", "python-stdnum tests/test_cn_ric.doctest"},
	{"412723199010050012", "python-stdnum tests/test_cn_ric.doctest"},
	{"110102199101010078", "python-stdnum tests/test_cn_ric.doctest"},
	{"120110198012010073", "python-stdnum tests/test_cn_ric.doctest"},
	{"530626199109261396", "hotils IdentityCardUtilsTest.java (hireny/hotils)"},
	{"513231200012121710", "dd-sensitive-data-scanner sds/src/secondary_validation/chinese_id_checksum.rs"},
	{"51323120001212169X", "dd-sensitive-data-scanner sds/src/secondary_validation/chinese_id_checksum.rs"},
	{"513231200012121294", "dd-sensitive-data-scanner sds/src/secondary_validation/chinese_id_checksum.rs"},
}

// TestCheckDigitPublished checks CheckDigit against published numbers covering every check
// character, so a wrong weight or a wrong entry in the check table fails here.
func TestCheckDigitPublished(t *testing.T) {
	seen := map[byte]bool{}
	for _, p := range publishedIDNumbers {
		d, err := idcard.CheckDigit(p.number[:17])
		if err != nil || d != p.number[17] {
			t.Errorf("CheckDigit(%s) = %c, %v; %s prints %c", p.number[:17], d, err, p.source, p.number[17])
		}
		if !idcard.ValidIDNumber(p.number) {
			t.Errorf("ValidIDNumber(%s) = false (%s)", p.number, p.source)
		}
		seen[p.number[17]] = true
	}
	if len(seen) != 11 {
		t.Fatalf("the published numbers cover %d of the 11 check characters", len(seen))
	}
}

// mod112 computes the ISO 7064 MOD 11-2 check character the way ISO 7064 states it, by the
// recursive (Horner) method: no weight table and no character table, so it shares nothing with
// CheckDigit but the standard.
func mod112(first17 string) byte {
	p := 0
	for i := 0; i < len(first17); i++ {
		p = (p + int(first17[i]-'0')) * 2 % 11
	}
	c := (12 - p) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// FuzzCheckDigit compares CheckDigit with mod112 on any 17 digits the input maps to.
func FuzzCheckDigit(f *testing.F) {
	for _, p := range publishedIDNumbers {
		f.Add(p.number[:17])
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) < 17 {
			return
		}
		b := []byte(s[:17])
		for i := range b {
			b[i] = '0' + b[i]%10
		}
		first17 := string(b)
		d, err := idcard.CheckDigit(first17)
		if err != nil || d != mod112(first17) {
			t.Fatalf("CheckDigit(%s) = %c, %v; ISO 7064 MOD 11-2 gives %c", first17, d, err, mod112(first17))
		}
		for _, c := range []byte("0123456789X") {
			if idcard.ValidIDNumber(first17+string(c)) != (c == d) {
				t.Fatalf("ValidIDNumber(%s%c) disagrees with the check character %c", first17, c, d)
			}
		}
	})
}
