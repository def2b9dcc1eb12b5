package mask

import "strings"

// Name keeps the first character of a name and hides the rest: "张伟" -> "张*",
// "欧阳娜娜" -> "欧***". Latin names keep their first letter per word.
func Name(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	r := []rune(name)
	if r[0] < 0x80 { // Latin script: "ZHANG WEI" -> "Z**** W**"
		words := strings.Fields(name)
		for i, w := range words {
			wr := []rune(w)
			words[i] = string(wr[0]) + strings.Repeat("*", len(wr)-1)
		}
		return strings.Join(words, " ")
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// ID keeps the first four and last four characters of an ID number:
// "41040219800101123X" -> "4104**********123X". Short numbers are hidden whole.
func ID(id string) string {
	r := []rune(strings.TrimSpace(id))
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}
