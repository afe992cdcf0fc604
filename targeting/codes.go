package targeting

import "github.com/nyaruka/phonenumbers"

// countryCodeKnown reports whether c is a region code the phone-number
// library knows (ISO 3166-1 alpha-2 plus a few telephony regions such as XK).
func countryCodeKnown(c string) bool {
	if len(c) != 2 {
		return false
	}
	_, ok := phonenumbers.GetSupportedRegions()[c]
	return ok
}

// languageCodeKnown reports whether l looks like an ISO 639-1 code.
func languageCodeKnown(l string) bool {
	return len(l) == 2 && l[0] >= 'a' && l[0] <= 'z' && l[1] >= 'a' && l[1] <= 'z'
}
