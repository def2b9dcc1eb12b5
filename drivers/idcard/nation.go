package idcard

// nations is the GB 3304 table as printed on the card (without 族), index = code - 1, plus
// the two extra codes 97 and 98.
func nations() [56]string {
	return [56]string{
		"汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
		"满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
		"佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
		"达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
		"塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
		"独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
	}
}

const (
	nationOther   = "其他"
	nationForeign = "外国血统中国籍人士"
)

// NationName turns a two-digit GB 3304 code into the name printed on the card ("01" -> "汉").
// ok is false for a code outside the table.
func NationName(code string) (name string, ok bool) {
	switch code {
	case "97":
		return nationOther, true
	case "98":
		return nationForeign, true
	}
	if len(code) != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return "", false
	}
	n := int(code[0]-'0')*10 + int(code[1]-'0')
	if n < 1 || n > 56 {
		return "", false
	}
	return nations()[n-1], true
}

// NationCode is the inverse of NationName; it also accepts the name with 族 ("回族").
func NationCode(name string) (code string, ok bool) {
	switch name {
	case nationOther:
		return "97", true
	case nationForeign:
		return "98", true
	}
	const zu = "族"
	if len(name) > len(zu) && name[len(name)-len(zu):] == zu {
		name = name[:len(name)-len(zu)]
	}
	for i, n := range nations() {
		if n == name {
			return string([]byte{byte('0' + (i+1)/10), byte('0' + (i+1)%10)}), true
		}
	}
	return "", false
}
