package idcard

import "fmt"

// checkWeights are the GB 11643-1999 (ISO 7064 MOD 11-2) weights of the first 17 digits.
func checkWeights() [17]int {
	return [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
}

const checkChars = "10X98765432"

// CheckDigit computes the 18th character of a citizen ID number from the first 17 digits:
// CheckDigit("11010519491231002") = 'X'. The error wraps ErrBadIDNumber.
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("%w: want 17 digits, got %d characters", ErrBadIDNumber, len(first17))
	}
	w := checkWeights()
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: non-digit at position %d", ErrBadIDNumber, i+1)
		}
		sum += int(c-'0') * w[i]
	}
	return checkChars[sum%11], nil
}

// ValidIDNumber reports whether s is 18 characters whose last one is the GB 11643-1999 check
// digit of the first 17 (a lower-case x is accepted for X).
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	want, err := CheckDigit(s[:17])
	if err != nil {
		return false
	}
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	return got == want
}
