package targeting

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// RefKind says what a pseudonymous reference was made from.
type RefKind string

const (
	RefPhone    RefKind = "phone"
	RefExternal RefKind = "external"
)

// ErrPhoneInvalid means a phone number could not be read as a valid number.
var ErrPhoneInvalid = errors.New("not a valid phone number")

// NormalisePhone turns a number as people type it into E.164. A national
// number ("0171/2345678") is read in the given ISO country ("DE"); an
// international one ("+49 171 2345678", "0049…") needs none.
func NormalisePhone(raw, country string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ErrPhoneInvalid
	}
	if strings.HasPrefix(raw, "00") {
		raw = "+" + raw[2:]
	}
	region := strings.ToUpper(strings.TrimSpace(country))
	if region == "" && !strings.HasPrefix(raw, "+") {
		return "", errors.New("a national number needs the row's country")
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrPhoneInvalid
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// NormaliseExternalID trims an external id; ids are case-sensitive.
func NormaliseExternalID(raw string) (string, error) {
	id := strings.TrimSpace(raw)
	switch {
	case id == "":
		return "", errors.New("is empty")
	case len(id) > 200:
		return "", errors.New("is longer than 200 characters")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "", errors.New("contains control characters")
	}
	return id, nil
}

// refKey derives a workspace's pseudonymisation key from the server secret.
// The key never sits in the database, so a copy of the database alone does
// not let anyone test phone numbers against the references. Changing the
// server secret therefore changes every reference: keep it.
func refKey(secret []byte, workspaceID int64) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("statusads/profile-ref/v1/" + strconv.FormatInt(workspaceID, 10)))
	return m.Sum(nil)
}

// makeRef is the pseudonymous reference for a normalised phone number or
// external id.
func makeRef(key []byte, kind RefKind, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(string(kind) + ":" + value))
	return hex.EncodeToString(m.Sum(nil))
}
