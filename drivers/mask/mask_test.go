package mask

import (
	"fmt"
	"testing"
)

func TestName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张伟", "张*"},
		{"欧阳娜娜", "欧***"},
		{"ZHANG WEI", "Z**** W**"},
		{"  李  ", "李"},
		{"", ""},
	} {
		if got := Name(c.in); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"41040219800101123X", "4104**********123X"},
		{"810000199001011234", "8100**********1234"},
		{"12345678", "********"},
		{"1234", "****"},
		{"", ""},
	} {
		if got := ID(c.in); got != c.want {
			t.Errorf("ID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func ExampleName() {
	fmt.Println(Name("欧阳娜娜"), ID("41040219800101123X"))
	// Output: 欧*** 4104**********123X
}
