package targeting

import (
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/SirDataFR/iabtcfv2"
)

// The TC strings in these tests come from github.com/SirDataFR/iabtcfv2, an
// encoder written independently of the go-gdpr decoder under test, so a
// shared misreading of the bit layout cannot make both sides agree.

var (
	tcCreated = time.Date(2025, 3, 14, 9, 26, 53, 500_000_000, time.UTC)
	tcUpdated = time.Date(2025, 6, 1, 18, 0, 0, 700_000_000, time.UTC)
)

// testCore is a plausible TCF v2.2 core segment that grants nothing; tests
// change what they are about.
func testCore() *iabtcfv2.CoreString {
	return &iabtcfv2.CoreString{
		Version:                2,
		Created:                tcCreated,
		LastUpdated:            tcUpdated,
		CmpId:                  28,
		CmpVersion:             4,
		ConsentScreen:          1,
		ConsentLanguage:        "DE",
		VendorListVersion:      120,
		TcfPolicyVersion:       4,
		PurposesConsent:        map[int]bool{},
		PurposesLITransparency: map[int]bool{},
		PublisherCC:            "DE",
		VendorsConsent:         map[int]bool{1: true, 21: true},
		VendorsLITransparency:  map[int]bool{21: true},
	}
}

func encodeCore(edit func(c *iabtcfv2.CoreString)) string {
	c := testCore()
	if edit != nil {
		edit(c)
	}
	return c.Encode()
}

func grant(ids ...int) map[int]bool {
	m := make(map[int]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// checkPurposes fails unless m has exactly one entry per recorded purpose
// and those in want are the ones set.
func checkPurposes(t *testing.T, what string, m map[Purpose]bool, want ...Purpose) {
	t.Helper()
	if len(m) != len(Purposes) {
		t.Errorf("%s has %d entries, want one per recorded purpose (%d): %v", what, len(m), len(Purposes), m)
	}
	wanted := make(map[Purpose]bool)
	for _, p := range want {
		wanted[p] = true
	}
	for _, p := range Purposes {
		got, ok := m[p]
		if !ok {
			t.Errorf("%s has no entry for %v", what, p)
			continue
		}
		if got != wanted[p] {
			t.Errorf("%s[%v] = %v, want %v", what, p, got, wanted[p])
		}
	}
}

func TestDecodeTCStringPurposes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		consent []Purpose
		li      []Purpose
	}{
		{
			name: "policy 4 grants 1,2,3,4,7 with LI for 2 and 7",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.PurposesConsent = grant(1, 2, 3, 4, 7)
				c.PurposesLITransparency = grant(2, 7)
			}),
			consent: []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeAdsProfile, PurposePersonalisedAds, PurposeMeasureAds},
			li:      []Purpose{PurposeBasicAds, PurposeMeasureAds},
		},
		{
			name:    "only purpose 1",
			in:      encodeCore(func(c *iabtcfv2.CoreString) { c.PurposesConsent = grant(1) }),
			consent: []Purpose{PurposeStoreAccess},
		},
		{
			name:    "nothing granted",
			in:      encodeCore(nil),
			consent: nil,
		},
		{
			name: "purposes the ledger does not record do not leak in",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.PurposesConsent = grant(5, 6, 8, 10, 11)
				c.PurposesLITransparency = grant(8, 10)
			}),
			consent: nil,
		},
		{
			name: "every purpose granted, purpose 9 included",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.PurposesConsent = grant(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
			}),
			consent: Purposes,
		},
		{
			name: "LI without consent is not consent",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.PurposesLITransparency = grant(2, 7, 9)
			}),
			li: []Purpose{PurposeBasicAds, PurposeMeasureAds, PurposeAudienceStats},
		},
		{
			name: "policy version 5 is accepted",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.TcfPolicyVersion = 5
				c.PurposesConsent = grant(2, 9)
			}),
			consent: []Purpose{PurposeBasicAds, PurposeAudienceStats},
		},
		{
			name: "range-encoded vendors and a publisher restriction",
			in: encodeCore(func(c *iabtcfv2.CoreString) {
				c.PurposesConsent = grant(1, 3)
				c.IsRangeEncoding = true
				c.MaxVendorId = 900
				c.NumEntries = 2
				c.RangeEntries = []*iabtcfv2.RangeEntry{{StartVendorID: 1, EndVendorID: 300}, {StartVendorID: 900, EndVendorID: 900}}
				c.NumPubRestrictions = 1
				c.PubRestrictions = []*iabtcfv2.PubRestriction{{
					PurposeId: 3, RestrictionType: iabtcfv2.RestrictionTypeNotAllowed, NumEntries: 1,
					RangeEntries: []*iabtcfv2.RangeEntry{{StartVendorID: 5, EndVendorID: 9}},
				}}
			}),
			consent: []Purpose{PurposeStoreAccess, PurposeAdsProfile},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeTCString(tt.in)
			if err != nil {
				t.Fatalf("DecodeTCString(%q): %v", tt.in, err)
			}
			checkPurposes(t, "Consents", got.Consents, tt.consent...)
			checkPurposes(t, "LegitimateInterest", got.LegitimateInterest, tt.li...)
			if got.CMPID != 28 {
				t.Errorf("CMPID = %d, want 28", got.CMPID)
			}
			if got.PolicyVersion < 4 {
				t.Errorf("PolicyVersion = %d, want >= 4", got.PolicyVersion)
			}
			if got.Raw != tt.in {
				t.Errorf("Raw = %q, want %q", got.Raw, tt.in)
			}
		})
	}
}

func TestDecodeTCStringRefused(t *testing.T) {
	t.Parallel()
	valid := encodeCore(func(c *iabtcfv2.CoreString) { c.PurposesConsent = grant(1, 2) })
	validBytes, err := base64.RawURLEncoding.DecodeString(valid)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	random[0] = 2<<2 | random[0]&3 // looks like a v2 string, so the parser proper has to refuse it

	// This real TC string from 2020 (the example in iabtcfv2's README)
	// was made under TCF policy version 2.
	const tcf20 = "COxR03kOxR1CqBcABCENAgCMAP_AAH_AAAqIF3EXySoGY2thI2YVFxBEIYwfJxyigMgChgQIsSwNQIeFLBoGLiAAHBGYJAQAGBAEEACBAQIkHGBMCQAAgAgBiRCMQEGMCzNIBIBAggEbY0FACCVmHkHSmZCY7064O__QLuIJEFQMAkSBAIACLECIQwAQDiAAAYAlAAABAhIaAAgIWBQEeAAAACAwAAgAAABBAAACAAQAAICIAAABAAAgAiAQAAAAGgIQAACBABACRIAAAEANCAAgiCEAQg4EAo4AAA"

	tests := []struct {
		name string
		in   string
		want string // a phrase the integrator needs to see
	}{
		{"empty", "", "empty"},
		{"only spaces", "  \t\n", "empty"},
		{"only a separator", ".", "core segment"},
		{"empty core before other segments", ".IAaABAAAEAAB", "core segment"},
		{"only padding", "=", "core segment"},
		{"only padding before other segments", "==.IAaABAAAEAAB", "core segment"},
		{"not a TC string", "not-a-tc-string", "malformed"},
		{"not base64url", "%%%%%%%%", "base64url"},
		{"standard base64 alphabet", "CP+BGIQQ/aArPAfADCDEBOEIAPLAAENAAAYgF5wAoAAgBkAvMACiAgAhIAIC8w", "base64url"},
		{"impossible base64 length", "CPxyz", "base64url"},
		{"truncated real string", tcf20[:20], "malformed"},
		{"truncated encoder string", valid[:len(valid)-12], "malformed"},
		{"random bytes", base64.RawURLEncoding.EncodeToString(random), "malformed"},
		{"version field 3", base64.RawURLEncoding.EncodeToString(append([]byte{3<<2 | validBytes[0]&3}, validBytes[1:]...)), "version field is 3"},
		{"TCF v1 (IAB v1.1 spec example)", "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA", "TCF v1 strings are not accepted; send a TCF v2.2 string"},
		{"TCF v1 from the encoder", encodeCore(func(c *iabtcfv2.CoreString) { c.Version = 1 }), "TCF v1 strings are not accepted"},
		{"policy version 2", encodeCore(func(c *iabtcfv2.CoreString) { c.TcfPolicyVersion = 2; c.PurposesConsent = grant(1, 2, 3, 4) }), "TC string uses TCF policy version 2; version 4 (TCF v2.2) or later is required"},
		{"policy version 3", encodeCore(func(c *iabtcfv2.CoreString) { c.TcfPolicyVersion = 3 }), "policy version 3"},
		{"real TCF v2.0 string", tcf20, "policy version 2"},
		{"zero creation time", encodeCore(func(c *iabtcfv2.CoreString) { c.Created = time.Unix(0, 0) }), "creation time"},
		{"vendor range beyond the max vendor id", encodeCore(func(c *iabtcfv2.CoreString) {
			c.IsRangeEncoding = true
			c.MaxVendorId = 10
			c.NumEntries = 1
			c.RangeEntries = []*iabtcfv2.RangeEntry{{StartVendorID: 5, EndVendorID: 20}}
		}), "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeTCString(tt.in)
			if err == nil {
				t.Fatalf("DecodeTCString(%q) = %+v, want an error", tt.in, got)
			}
			if !errors.Is(err, ErrTCString) {
				t.Errorf("error %q does not wrap ErrTCString", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if got.Consents != nil || got.LegitimateInterest != nil {
				t.Errorf("refused string still returned consents: %+v", got)
			}
		})
	}
}

// go-gdpr v1.12.0 indexes past the end of a core segment that stops right
// after the 16-bit MaxVendorId of the legitimate-interest section when that
// field is byte-aligned; DecodeTCString must turn that into an error.
func TestDecodeTCStringTruncatedAfterLIMaxVendor(t *testing.T) {
	t.Parallel()
	// Vendors 1 and 2 as a bit field put the LI section at bit 232, a byte
	// boundary; its MaxVendorId ends at byte 31.
	full, err := base64.RawURLEncoding.DecodeString(encodeCore(func(c *iabtcfv2.CoreString) {
		c.VendorsConsent = grant(1, 2)
		c.VendorsLITransparency = nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	in := base64.RawURLEncoding.EncodeToString(full[:31])
	_, err = DecodeTCString(in)
	if !errors.Is(err, ErrTCString) || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("DecodeTCString(%q) error = %v, want a malformed-string error", in, err)
	}
}

func TestDecodeTCStringSegments(t *testing.T) {
	t.Parallel()
	core := encodeCore(func(c *iabtcfv2.CoreString) {
		c.PurposesConsent = grant(1, 2, 7)
		c.PurposesLITransparency = grant(2)
	})
	disclosed := (&iabtcfv2.DisclosedVendors{SegmentType: int(iabtcfv2.SegmentTypeDisclosedVendors), DisclosedVendors: grant(1, 21, 755)}).Encode()
	// The publisher segment says the opposite of the core, to show it is not read.
	publisher := (&iabtcfv2.PublisherTC{SegmentType: int(iabtcfv2.SegmentTypePublisherTC), PubPurposesConsent: grant(3, 4, 9)}).Encode()
	padded := base64.URLEncoding.EncodeToString(mustDecode(t, core))
	if padded == core {
		t.Fatalf("test needs a core whose length is not a multiple of 3 bytes; got %q", core)
	}

	want, err := DecodeTCString(core)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"disclosed vendors":               core + "." + disclosed,
		"disclosed vendors and publisher": core + "." + disclosed + "." + publisher,
		"publisher only":                  core + "." + publisher,
		"surrounding whitespace":          "  " + core + "." + disclosed + "\n",
		"padded core":                     padded + "." + disclosed,
		"trailing separator":              core + ".",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeTCString(in)
			if err != nil {
				t.Fatalf("DecodeTCString(%q): %v", in, err)
			}
			if got.Raw != strings.TrimSpace(in) {
				t.Errorf("Raw = %q, want the trimmed input %q", got.Raw, strings.TrimSpace(in))
			}
			got.Raw = want.Raw
			if !equalTCConsent(got, want) {
				t.Errorf("with segments: %+v\ncore alone:    %+v", got, want)
			}
		})
	}
}

func TestDecodeTCStringTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		created, updated time.Time
		wantC, wantU     time.Time
	}{
		{
			name:    "decisecond values survive",
			created: tcCreated, updated: tcUpdated,
			wantC: tcCreated, wantU: tcUpdated,
		},
		{
			name:    "finer precision is truncated to deciseconds",
			created: time.Date(2025, 12, 31, 23, 59, 59, 987_654_321, time.UTC),
			updated: time.Date(2026, 1, 1, 0, 0, 0, 123_000_000, time.UTC),
			wantC:   time.Date(2025, 12, 31, 23, 59, 59, 900_000_000, time.UTC),
			wantU:   time.Date(2026, 1, 1, 0, 0, 0, 100_000_000, time.UTC),
		},
		{
			name:    "non-UTC input comes back as the same instant in UTC",
			created: time.Date(2025, 7, 1, 2, 30, 0, 0, time.FixedZone("CEST", 2*3600)),
			updated: time.Date(2025, 7, 1, 2, 30, 0, 0, time.FixedZone("CEST", 2*3600)),
			wantC:   time.Date(2025, 7, 1, 0, 30, 0, 0, time.UTC),
			wantU:   time.Date(2025, 7, 1, 0, 30, 0, 0, time.UTC),
		},
		{
			// Device clocks run ahead; a future time is not a reason to lose the choice.
			name:    "far in the future is accepted",
			created: time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC),
			updated: time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC),
			wantC:   time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC),
			wantU:   time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeTCString(encodeCore(func(c *iabtcfv2.CoreString) {
				c.Created, c.LastUpdated = tt.created, tt.updated
			}))
			if err != nil {
				t.Fatal(err)
			}
			if got.Created.Location() != time.UTC || got.LastUpdated.Location() != time.UTC {
				t.Errorf("times not in UTC: %v, %v", got.Created, got.LastUpdated)
			}
			if !got.Created.Equal(tt.wantC) || got.Created.Format(time.DateOnly) != tt.wantC.Format(time.DateOnly) {
				t.Errorf("Created = %v, want %v", got.Created, tt.wantC)
			}
			if !got.LastUpdated.Equal(tt.wantU) || got.LastUpdated.Format(time.DateOnly) != tt.wantU.Format(time.DateOnly) {
				t.Errorf("LastUpdated = %v, want %v", got.LastUpdated, tt.wantU)
			}
		})
	}
}

// Fixed strings, written out so that the test also notices if the encoder's
// output drifts: each spec must still encode to its literal, and the literal
// must decode to the hand-written expectation.
func TestDecodeTCStringFixed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    func() *iabtcfv2.TCData
		literal string
		want    TCConsent
		consent []Purpose
		li      []Purpose
	}{
		{
			name: "CMP-style v2.2 string with range-encoded vendors, a restriction and a publisher segment",
			spec: func() *iabtcfv2.TCData {
				return &iabtcfv2.TCData{
					CoreString: &iabtcfv2.CoreString{
						Version: 2, Created: time.Date(2024, 5, 2, 14, 30, 0, 0, time.UTC), LastUpdated: time.Date(2024, 11, 20, 8, 15, 42, 300_000_000, time.UTC),
						CmpId: 31, CmpVersion: 3, ConsentScreen: 2, ConsentLanguage: "DE", VendorListVersion: 78, TcfPolicyVersion: 4,
						SpecialFeatureOptIns:   grant(1),
						PurposesConsent:        grant(1, 2, 3, 4, 7, 9, 10),
						PurposesLITransparency: grant(2, 7, 8, 10),
						PublisherCC:            "DE",
						IsRangeEncoding:        true, MaxVendorId: 755, NumEntries: 2,
						RangeEntries:          []*iabtcfv2.RangeEntry{{StartVendorID: 1, EndVendorID: 50}, {StartVendorID: 755, EndVendorID: 755}},
						VendorsLITransparency: grant(2, 10),
						NumPubRestrictions:    1,
						PubRestrictions: []*iabtcfv2.PubRestriction{{
							PurposeId: 2, RestrictionType: iabtcfv2.RestrictionTypeRequireConsent, NumEntries: 1,
							RangeEntries: []*iabtcfv2.RangeEntry{{StartVendorID: 755, EndVendorID: 755}},
						}},
					},
					PublisherTC: &iabtcfv2.PublisherTC{SegmentType: int(iabtcfv2.SegmentTypePublisherTC), PubPurposesConsent: grant(1, 3)},
				}
			},
			literal: "CP-BGIQQIaArPAfADCDEBOEIAPLAAENAAAYgF5wAoAAgBkAvMACiAgAhIAIC8w.dAAAAAAAAAA",
			want: TCConsent{
				PolicyVersion: 4,
				CMPID:         31,
				Created:       time.Date(2024, 5, 2, 14, 30, 0, 0, time.UTC),
				LastUpdated:   time.Date(2024, 11, 20, 8, 15, 42, 300_000_000, time.UTC),
			},
			consent: []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeAdsProfile, PurposePersonalisedAds, PurposeMeasureAds, PurposeAudienceStats},
			li:      []Purpose{PurposeBasicAds, PurposeMeasureAds},
		},
		{
			name: "policy version 5 string with its disclosed-vendors segment",
			spec: func() *iabtcfv2.TCData {
				at := time.Date(2026, 3, 10, 7, 5, 12, 900_000_000, time.UTC)
				return &iabtcfv2.TCData{
					CoreString: &iabtcfv2.CoreString{
						Version: 2, Created: at, LastUpdated: at,
						CmpId: 300, CmpVersion: 12, ConsentScreen: 1, ConsentLanguage: "EN", VendorListVersion: 140, TcfPolicyVersion: 5,
						PurposesConsent: grant(1, 2, 7, 9),
						PublisherCC:     "AT",
						VendorsConsent:  grant(10, 32),
					},
					DisclosedVendors: &iabtcfv2.DisclosedVendors{SegmentType: int(iabtcfv2.SegmentTypeDisclosedVendors), DisclosedVendors: grant(10, 32, 52)},
				}
			},
			literal: "CQg3ZqZQg3ZqZEsAMBENCMFAAMKAAAAAAACYAQABAAAEAAAAAA.IAaABAAAEAAB",
			want: TCConsent{
				PolicyVersion: 5,
				CMPID:         300,
				Created:       time.Date(2026, 3, 10, 7, 5, 12, 900_000_000, time.UTC),
				LastUpdated:   time.Date(2026, 3, 10, 7, 5, 12, 900_000_000, time.UTC),
			},
			consent: []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeMeasureAds, PurposeAudienceStats},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if enc := tt.spec().ToTCString(); enc != tt.literal {
				t.Errorf("encoder drift: spec now encodes to\n%s\nwant\n%s", enc, tt.literal)
			}
			// The encoder's own decoder, in its strict TCF v2.3 mode, must
			// accept the literal too, or it is not a string a CMP would send.
			if _, err := iabtcfv2.Decode(tt.literal); err != nil {
				t.Errorf("iabtcfv2.Decode refuses the literal: %v", err)
			}
			got, err := DecodeTCString(tt.literal)
			if err != nil {
				t.Fatal(err)
			}
			if got.Raw != tt.literal || got.PolicyVersion != tt.want.PolicyVersion || got.CMPID != tt.want.CMPID ||
				!got.Created.Equal(tt.want.Created) || !got.LastUpdated.Equal(tt.want.LastUpdated) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			checkPurposes(t, "Consents", got.Consents, tt.consent...)
			checkPurposes(t, "LegitimateInterest", got.LegitimateInterest, tt.li...)
		})
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equalTCConsent(a, b TCConsent) bool {
	if a.Raw != b.Raw || a.PolicyVersion != b.PolicyVersion || a.CMPID != b.CMPID ||
		!a.Created.Equal(b.Created) || !a.LastUpdated.Equal(b.LastUpdated) ||
		len(a.Consents) != len(b.Consents) || len(a.LegitimateInterest) != len(b.LegitimateInterest) {
		return false
	}
	for p, v := range a.Consents {
		if w, ok := b.Consents[p]; !ok || w != v {
			return false
		}
	}
	for p, v := range a.LegitimateInterest {
		if w, ok := b.LegitimateInterest[p]; !ok || w != v {
			return false
		}
	}
	return true
}
