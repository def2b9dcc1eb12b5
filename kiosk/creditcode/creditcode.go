package creditcode

import (
	"errors"
	"fmt"
	"strings"
)

// Alphabet is the code's character set in value order (0..30).
const Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Len is a code's length.
const Len = 18

var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var (
	// ErrLength: not 18 characters.
	ErrLength = errors.New("creditcode: a code has 18 characters")
	// ErrChar: a character outside the alphabet (I, O, S, V and Z are never used).
	ErrChar = errors.New("creditcode: character not used in codes")
	// ErrCheck: the 18th character does not match the first 17.
	ErrCheck = errors.New("creditcode: check character does not match")
)

// Normalize upper-cases s and drops spaces, as a taxpayer may type it.
func Normalize(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckChar computes the check character of the first 17 characters.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != Len-1 {
		return 0, ErrLength
	}
	sum := 0
	for i := 0; i < Len-1; i++ {
		v := strings.IndexByte(Alphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("%w: position %d", ErrChar, i+1)
		}
		sum += v * weights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return Alphabet[c], nil
}

// Check validates a normalized code.
func Check(code string) error {
	if len(code) != Len {
		return ErrLength
	}
	want, err := CheckChar(code[:Len-1])
	if err != nil {
		return err
	}
	if strings.IndexByte(Alphabet, code[Len-1]) < 0 {
		return fmt.Errorf("%w: position %d", ErrChar, Len)
	}
	if code[Len-1] != want {
		return ErrCheck
	}
	return nil
}
