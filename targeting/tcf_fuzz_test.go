package targeting

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/SirDataFR/iabtcfv2"
)

// FuzzDecodeTCString feeds DecodeTCString arbitrary text. It must never
// panic, must refuse only with ErrTCString, and whatever it accepts must be a
// complete answer for the ledger. Where the independent iabtcfv2 decoder also
// reads the core segment, the two must agree on everything we record.
func FuzzDecodeTCString(f *testing.F) {
	for _, edit := range []func(c *iabtcfv2.CoreString){
		nil,
		func(c *iabtcfv2.CoreString) {
			c.PurposesConsent = grant(1, 2, 3, 4, 7)
			c.PurposesLITransparency = grant(2, 7)
		},
		func(c *iabtcfv2.CoreString) { c.PurposesConsent = grant(1) },
		func(c *iabtcfv2.CoreString) { c.TcfPolicyVersion = 2 },
		func(c *iabtcfv2.CoreString) { c.Version = 1 },
		func(c *iabtcfv2.CoreString) {
			c.TcfPolicyVersion = 5
			c.PurposesConsent = grant(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
			c.IsRangeEncoding = true
			c.MaxVendorId = 900
			c.NumEntries = 2
			c.RangeEntries = []*iabtcfv2.RangeEntry{{StartVendorID: 1, EndVendorID: 300}, {StartVendorID: 900, EndVendorID: 900}}
			c.IsRangeEncodingLI = true
			c.MaxVendorIdLI = 40
			c.NumEntriesLI = 1
			c.RangeEntriesLI = []*iabtcfv2.RangeEntry{{StartVendorID: 40, EndVendorID: 40}}
			c.NumPubRestrictions = 1
			c.PubRestrictions = []*iabtcfv2.PubRestriction{{
				PurposeId: 3, RestrictionType: iabtcfv2.RestrictionTypeRequireLI, NumEntries: 1,
				RangeEntries: []*iabtcfv2.RangeEntry{{StartVendorID: 5, EndVendorID: 9}},
			}}
		},
		func(c *iabtcfv2.CoreString) {
			c.VendorsConsent = grant(1, 2)
			c.VendorsLITransparency = nil
		},
	} {
		f.Add(encodeCore(edit))
	}
	f.Add("CP-BGIQQIaArPAfADCDEBOEIAPLAAENAAAYgF5wAoAAgBkAvMACiAgAhIAIC8w.dAAAAAAAAAA")
	f.Add("CQg3ZqZQg3ZqZEsAMBENCMFAAMKAAAAAAACYAQABAAAEAAAAAA.IAaABAAAEAAB")
	f.Add("CQOR5-nQOR5-nAHABADEBkEAAAAAAAAAAAYgABMAAA") // go-gdpr panics on this one
	f.Add("BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA")
	f.Add("")
	f.Add(".")
	f.Add("=") // once indexed an empty core
	f.Add("not-a-tc-string")
	f.Add("COxR03kOxR1CqBcABCENAgCMAP_AAH_AAAq")
	f.Add("C" + strings.Repeat("_", 60))
	f.Add("C" + strings.Repeat("A", 60))

	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeTCString(s)
		if err != nil {
			if !errors.Is(err, ErrTCString) {
				t.Fatalf("error %q does not wrap ErrTCString", err)
			}
			return
		}
		for _, p := range Purposes {
			if _, ok := c.Consents[p]; !ok {
				t.Errorf("Consents has no entry for %v", p)
			}
			if _, ok := c.LegitimateInterest[p]; !ok {
				t.Errorf("LegitimateInterest has no entry for %v", p)
			}
		}
		if len(c.Consents) != len(Purposes) || len(c.LegitimateInterest) != len(Purposes) {
			t.Errorf("maps hold purposes the ledger does not record: %v / %v", c.Consents, c.LegitimateInterest)
		}
		if c.PolicyVersion < 4 {
			t.Errorf("accepted policy version %d", c.PolicyVersion)
		}
		if c.Created.Equal(time.Unix(0, 0)) {
			t.Errorf("accepted a zero creation time")
		}
		if c.Raw != strings.TrimSpace(s) {
			t.Errorf("Raw = %q, want %q", c.Raw, strings.TrimSpace(s))
		}

		// Differential check against the encoder's own decoder.
		core, _, _ := strings.Cut(c.Raw, ".")
		other, err := iabtcfv2.DecodeCoreString(strings.TrimRight(core, "="))
		if err != nil {
			return
		}
		if other.TcfPolicyVersion != c.PolicyVersion || other.CmpId != c.CMPID ||
			!other.Created.Equal(c.Created) || !other.LastUpdated.Equal(c.LastUpdated) {
			t.Errorf("iabtcfv2 reads policy %d, CMP %d, created %v, updated %v; we read %+v",
				other.TcfPolicyVersion, other.CmpId, other.Created, other.LastUpdated, c)
		}
		for _, p := range Purposes {
			if other.IsPurposeAllowed(int(p)) != c.Consents[p] {
				t.Errorf("consent for %v: iabtcfv2 %v, we %v", p, other.IsPurposeAllowed(int(p)), c.Consents[p])
			}
			// The raw bit, not IsPurposeLIAllowed: that one hides purpose 1 under
			// policy version 5, and DecodeTCString reports the signal as sent.
			if other.PurposesLITransparency[int(p)] != c.LegitimateInterest[p] {
				t.Errorf("LI for %v: iabtcfv2 %v, we %v", p, other.PurposesLITransparency[int(p)], c.LegitimateInterest[p])
			}
		}
	})
}
