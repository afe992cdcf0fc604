package targeting

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prebid/go-gdpr/consentconstants"
	tcf2 "github.com/prebid/go-gdpr/vendorconsent/tcf2"
)

// ErrTCString means a TC string was refused as consent evidence. Every error
// DecodeTCString returns wraps it, so the web layer can answer 422 and show
// the message, which is written for the CMP integrator who sent the string.
var ErrTCString = errors.New("invalid TC string")

// minTCFPolicyVersion is the first TCF policy version of TCF v2.2. Strings
// made under older policies carry purpose texts and legitimate-interest rules
// that v2.2 withdrew, so they are not evidence of a choice made today.
const minTCFPolicyVersion = 4

// TCConsent is what a TC string says about the purposes the ledger records.
type TCConsent struct {
	Raw           string    // the string as given (trimmed)
	PolicyVersion int       // TCF policy version, 4 or later
	CMPID         int       // the IAB-registered id of the CMP that wrote the string
	Created       time.Time // UTC, decisecond precision
	LastUpdated   time.Time // UTC, decisecond precision

	// Consents has an entry for every Purpose in Purposes. A TC string states
	// the whole choice, so a purpose it does not grant is false, not absent.
	Consents map[Purpose]bool
	// LegitimateInterest has an entry for every Purpose in Purposes: true
	// where the string carries a legitimate-interest (transparency) signal.
	// Only purposes 2 and 7 may rest on it, and only where the workspace
	// enables it; the rest are recorded as the string has them.
	LegitimateInterest map[Purpose]bool
}

// tcCore is the part of go-gdpr's decoded core segment that we read.
// tcf2.ConsentMetadata is what tcf2.Parse returns; the assertion below keeps
// a library upgrade that drops a method from compiling.
type tcCore interface {
	Created() time.Time
	LastUpdated() time.Time
	CmpID() uint16
	TCFPolicyVersion() uint8
	PurposeAllowed(consentconstants.Purpose) bool
	PurposeLITransparency(consentconstants.Purpose) bool
}

var _ tcCore = tcf2.ConsentMetadata{}

// DecodeTCString parses and checks an IAB TCF v2.2 TC string. Only the core
// segment is read; segments after the first "." (disclosed vendors, publisher
// TC) do not change what the ledger records and are ignored. Errors say what
// is wrong in words a CMP integrator understands, and all wrap ErrTCString.
func DecodeTCString(s string) (TCConsent, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return TCConsent{}, fmt.Errorf("%w: the TC string is empty", ErrTCString)
	}
	core, _, _ := strings.Cut(raw, ".")
	// The spec says unpadded base64url. Padding adds no information, so
	// tolerate it rather than refuse strings from a sloppy but honest encoder.
	core = strings.TrimRight(core, "=")
	if core == "" {
		return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: the core segment before the first \".\" is empty", ErrTCString)
	}
	data, err := base64.RawURLEncoding.DecodeString(core)
	if err != nil {
		var bad base64.CorruptInputError
		if errors.As(err, &bad) {
			return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: the core segment is not unpadded base64url (bad character or length at position %d)", ErrTCString, int64(bad))
		}
		return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: the core segment is not unpadded base64url", ErrTCString)
	}

	// The version sits in the first six bits of every TCF string, v1 or v2;
	// read it before handing the bytes to the v2 parser so that a v1 string
	// gets a useful answer instead of a bit-layout complaint.
	switch version := data[0] >> 2; version {
	case 2:
	case 1:
		return TCConsent{}, fmt.Errorf("%w: TCF v1 strings are not accepted; send a TCF v2.2 string", ErrTCString)
	default:
		return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: its version field is %d, but a TCF v2 string has 2 (and starts with \"C\")", ErrTCString, version)
	}

	md, err := parseTCCore(data)
	if err != nil {
		return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: %v", ErrTCString, err)
	}

	if pv := int(md.TCFPolicyVersion()); pv < minTCFPolicyVersion {
		return TCConsent{}, fmt.Errorf("%w: TC string uses TCF policy version %d; version %d (TCF v2.2) or later is required", ErrTCString, pv, minTCFPolicyVersion)
	}
	// A zero creation time is not a plausible CMP output: it is a string
	// assembled by hand or a corrupted one. Times in the future are accepted,
	// since device clocks are wrong often enough that refusing them would
	// lose real choices.
	created := md.Created().UTC()
	if created.Equal(time.Unix(0, 0)) {
		return TCConsent{}, fmt.Errorf("%w: the TC string is malformed: its creation time (Created) is not set", ErrTCString)
	}

	c := TCConsent{
		Raw:                raw,
		PolicyVersion:      int(md.TCFPolicyVersion()),
		CMPID:              int(md.CmpID()),
		Created:            created,
		LastUpdated:        md.LastUpdated().UTC(),
		Consents:           make(map[Purpose]bool, len(Purposes)),
		LegitimateInterest: make(map[Purpose]bool, len(Purposes)),
	}
	for _, p := range Purposes {
		c.Consents[p] = md.PurposeAllowed(consentconstants.Purpose(p))
		c.LegitimateInterest[p] = md.PurposeLITransparency(consentconstants.Purpose(p))
	}
	return c, nil
}

// parseTCCore runs go-gdpr's v2 parser on a decoded core segment.
func parseTCCore(data []byte) (md tcCore, err error) {
	// go-gdpr v1.12.0 panics (index out of range) on some truncated strings:
	// after the vendor-consent section it bounds-checks the 16-bit
	// MaxVendorId of the legitimate-interest section but not the encoding
	// bit that follows it. Observed with a core segment cut right there; see
	// TestDecodeTCStringTruncatedAfterLIMaxVendor.
	defer func() {
		if r := recover(); r != nil {
			md, err = nil, errors.New("it ends in the middle of its vendor legitimate-interest section")
		}
	}()
	vc, err := tcf2.Parse(data)
	if err != nil {
		return nil, err
	}
	md, ok := vc.(tcCore)
	if !ok {
		// Cannot happen with the pinned library (see the assertion above);
		// kept so that a change of its return type fails loudly, not silently.
		return nil, fmt.Errorf("the decoder returned an unexpected %T", vc)
	}
	return md, nil
}

// Changes turns a decoded TC string into ledger changes: every recorded
// purpose on the consent basis (a purpose the string does not grant is a
// "no"), plus the legitimate-interest signals for purposes 2 and 7, the only
// ones that may rest on it. The raw string is the evidence. The choice's
// time is the string's last update, never before its creation and never
// after now: device clocks are often wrong, and the ledger does not record
// choices in the future (the string itself stays the evidence of what the
// device claimed).
func (tc TCConsent) Changes(source, notice string, now time.Time) []ConsentChange {
	if source == "" {
		source = "tc_string"
	}
	at := tc.LastUpdated
	if at.Before(tc.Created) {
		at = tc.Created
	}
	if at.After(now) {
		at = now
	}
	changes := make([]ConsentChange, 0, len(Purposes)+len(legitimateInterestPurposes))
	for _, p := range Purposes {
		changes = append(changes, ConsentChange{Purpose: p, Granted: tc.Consents[p], Basis: BasisConsent,
			Source: source, NoticeVersion: notice, Evidence: tc.Raw, OccurredAt: at})
	}
	for _, p := range legitimateInterestPurposes {
		changes = append(changes, ConsentChange{Purpose: p, Granted: tc.LegitimateInterest[p], Basis: BasisLegitimateInterest,
			Source: source, NoticeVersion: notice, Evidence: tc.Raw, OccurredAt: at})
	}
	return changes
}
