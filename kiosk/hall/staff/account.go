package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Role is what a staff member does in the hall; it decides which pages they see.
type Role string

// Roles. An admin sees every page.
const (
	RoleSeat    Role = "seat"    // the expert seat: help calls
	RoleCounter Role = "counter" // a counter clerk: calls queue tickets
	RoleDuty    Role = "duty"    // the duty leader: the hall's board, alarms, duty log
	RoleAdmin   Role = "admin"   // everything, and the staff list
)

// Roles lists every role, for flags and tests.
var Roles = []Role{RoleSeat, RoleCounter, RoleDuty, RoleAdmin}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w: role %q (want seat, counter, duty or admin)", ErrInvalid, s)
}

// Account is one staff member. Counter is the counter number a clerk calls to (1..99),
// zero for other roles.
type Account struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Counter     int       `json:"counter,omitempty"`
	Hash        string    `json:"hash"` // PasswordHash's PHC string
	Failures    int       `json:"failures,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Created     time.Time `json:"created"`
}

var namePattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._-]{0,31}$`)

// Validate checks the fields a person typed.
func (a Account) Validate() error {
	switch {
	case !namePattern.MatchString(a.Name):
		return fmt.Errorf("%w: name %q (1 to 32 letters, digits, . _ -)", ErrInvalid, a.Name)
	case a.Role == RoleCounter && (a.Counter < 1 || a.Counter > 99):
		return fmt.Errorf("%w: a counter clerk needs a counter number 1..99", ErrInvalid)
	case a.Role != RoleCounter && a.Counter != 0:
		return fmt.Errorf("%w: only a counter clerk has a counter number", ErrInvalid)
	case !strings.HasPrefix(a.Hash, "$argon2id$"):
		return fmt.Errorf("%w: account without a password hash", ErrInvalid)
	}
	_, err := ParseRole(string(a.Role))
	return err
}

// Sees reports whether the account may open a page meant for roles: an admin sees all.
func (a Account) Sees(roles ...Role) bool {
	if a.Role == RoleAdmin {
		return true
	}
	for _, r := range roles {
		if r == a.Role {
			return true
		}
	}
	return false
}

// Locked reports whether the account refuses logins at now.
func (a Account) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }

// HashParams are argon2id's costs. The defaults are RFC 9106's second recommended option
// scaled to a hall server shared with other work: 19 MiB, 2 passes, 1 lane (OWASP's minimum
// for argon2id). A hash records its own parameters, so raising them later keeps old
// passwords valid.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHash is what PasswordHash uses.
var DefaultHash = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// MinPassword is the shortest password accepted, in characters.
const MinPassword = 10

// PasswordHash hashes a password with argon2id under a fresh salt, in the PHC string
// format ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
func PasswordHash(password string, p HashParams) (string, error) {
	if utf8.RuneCountInString(password) < MinPassword {
		return "", fmt.Errorf("%w: password shorter than %d characters", ErrInvalid, MinPassword)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// CheckPassword reports whether password matches a PasswordHash string.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p HashParams
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || p.Threads == 0 || p.Time == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.MemoryKiB > 1<<20 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
