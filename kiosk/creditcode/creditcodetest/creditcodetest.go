package creditcodetest

// Published are real unified social credit codes, each from a public source, chosen so that
// every one of the 31 check characters appears, and so that position 7 (weight 16) and
// position 16 (weight 30) are not 0 in most of them: a code with 0 there cannot tell a wrong
// weight from the right one.
//
// Sources:
//   - python-stdnum, tests/test_cn_uscc.doctest ("found online and should all be valid
//     numbers"), github.com/arthurdejong/python-stdnum: all but the three below;
//   - hutool, hutool-core/src/test/java/cn/hutool/core/util/CreditCodeUtilTest.java,
//     github.com/dromara/hutool: 91310115591693856A and 91310110666007217T;
//   - Wikipedia, 华为 (Huawei Technologies Co., Ltd.), infobox 机构代码: 914403001922038216.
var Published = []string{
	"91340621MA2PBPM870", // check 0
	"9115220107837941X1", // 1
	"911522010783897302", // 2
	"913101153325803473", // 3
	"914112810713741814", // 4
	"9131012056010553X5", // 5
	"914403001922038216", // 6, Huawei
	"121200004013590816", // 6, a public institution (first character 1)
	"91340603MA2UJYNU67", // 7
	"913101203509708598", // 8
	"913101127033980359", // 9
	"91310115591693856A",
	"91310115MA1K3BTP2B",
	"91340621MA2PEMWN1C",
	"91152201078394644D",
	"92340621MA2UK3PJXE", // an individual business (first characters 92)
	"91310112087994932F",
	"92340621MA2PBKRXXG",
	"91340600MA2PBMBL5H",
	"91340621MA2PBPDT1J",
	"91340600MA2PENCC7K",
	"91310116076409427L",
	"91152201078382010M",
	"92340603MA2PBN2W0N",
	"91340621MA2PBNXR7P",
	"91152201078395188Q",
	"91340600MA2PBMDH5R",
	"91310110666007217T",
	"91120224064012553U",
	"91320214745555318W",
	"92340621MA2PBN0KXX",
	"91340621MA2PEN6Q3Y",
}

// Valid reports whether code is 18 characters of the GB 32100 alphabet whose check holds.
//
// Written apart from creditcode.CheckChar on purpose: the weights are computed as 3^i mod 31
// instead of read from a table, a character's value is found by a switch over ranges instead
// of an index into the alphabet, and the check is verified the way the standard states it,
// the weighted sum of the first 17 plus the check character's value being 0 mod 31, instead of
// computing the character and comparing.
func Valid(code string) bool {
	if len(code) != 18 {
		return false
	}
	sum, w := 0, 1
	for i := 0; i < 18; i++ {
		v := value(code[i])
		if v < 0 {
			return false
		}
		if i == 17 {
			return (sum+v)%31 == 0
		}
		sum += v * w
		w = w * 3 % 31
	}
	return false
}

// value is a character's value in GB 32100 table 2: 0-9, then the capitals less I, O, S, V
// and Z, counted in order.
func value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c < 'A' || c > 'Y' || c == 'I' || c == 'O' || c == 'S' || c == 'V':
		return -1
	}
	v := 10 + int(c-'A')
	for _, skipped := range []byte{'I', 'O', 'S', 'V'} {
		if c > skipped {
			v--
		}
	}
	return v
}
