package maint

import (
	"errors"
	"strings"
)

// ErrCardNumber: an allow-list entry is made from a whole ID number: 15 to 18 digits and
// capital letters, as GA 467 readers return them (18-digit resident numbers may end in X;
// permanent residence cards of foreigners start with three letters).
var ErrCardNumber = errors.New("maint: not an ID number")

// cardDomain keeps a card hash from ever matching a PIN and the reverse.
const cardDomain = "technician card\x00"

// CheckCardNumber reports whether id has the form of an ID number.
func CheckCardNumber(id string) error {
	if len(id) < 15 || len(id) > 18 || strings.Trim(id, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return ErrCardNumber
	}
	return nil
}

// HashCard returns the allow-list entry (technician_cards in kiosk.json) for a technician's
// ID card: an scrypt hash of the number, in the form HashPIN uses, so the configuration never
// holds the number itself.
func HashCard(idNumber string) (string, error) {
	if err := CheckCardNumber(idNumber); err != nil {
		return "", err
	}
	return hashSecret(cardDomain + idNumber)
}

// VerifyCard reports whether the ID number read from a card is on the allow list. Every
// entry is tried, so the time taken does not say which matched.
func VerifyCard(hashes []string, idNumber string) bool {
	if CheckCardNumber(idNumber) != nil {
		return false
	}
	return verify(hashes, cardDomain+idNumber)
}
