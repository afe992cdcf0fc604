package targeting

import (
	"fmt"
	"strconv"
)

// Purpose is a processing purpose numbered as in IAB TCF v2.2, so that TC
// strings map onto the ledger directly.
type Purpose int

const (
	PurposeStoreAccess     Purpose = 1 // store and/or access information on a device
	PurposeBasicAds        Purpose = 2 // use limited data to select ads (contextual, frequency capping)
	PurposeAdsProfile      Purpose = 3 // create profiles for personalised advertising
	PurposePersonalisedAds Purpose = 4 // use profiles to select personalised advertising
	PurposeMeasureAds      Purpose = 7 // measure advertising performance
	PurposeAudienceStats   Purpose = 9 // understand audiences through statistics
)

// Purposes lists the purposes the ledger records, in TCF order.
var Purposes = []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeAdsProfile, PurposePersonalisedAds, PurposeMeasureAds, PurposeAudienceStats}

// Valid reports whether p is a purpose the ledger records.
func (p Purpose) Valid() bool {
	for _, q := range Purposes {
		if p == q {
			return true
		}
	}
	return false
}

// bit is the purpose's bit in the profile's consent masks.
func (p Purpose) bit() int64 { return 1 << uint(p) }

func (p Purpose) String() string { return "purpose " + strconv.Itoa(int(p)) }

// ParsePurpose reads a purpose number.
func ParsePurpose(s string) (Purpose, error) {
	n, err := strconv.Atoi(s)
	if err != nil || !Purpose(n).Valid() {
		return 0, fmt.Errorf("%q is not a recorded purpose (1, 2, 3, 4, 7 or 9)", s)
	}
	return Purpose(n), nil
}

// Basis is the legal basis a purpose's state rests on.
type Basis string

const (
	BasisConsent            Basis = "consent"
	BasisLegitimateInterest Basis = "legitimate_interest"
)

// Tier is how much a campaign's audience uses about a person, which decides
// the purposes it needs (DESIGN.md, consent table).
type Tier string

const (
	TierContextual   Tier = "contextual"
	TierPersonalised Tier = "personalised"
)

// RequiredPurposes are the purposes every profile must grant for the tier.
func (t Tier) RequiredPurposes() []Purpose {
	if t == TierPersonalised {
		return []Purpose{PurposeBasicAds, PurposeAdsProfile, PurposePersonalisedAds}
	}
	return []Purpose{PurposeBasicAds}
}

func maskOf(ps []Purpose) int64 {
	var m int64
	for _, p := range ps {
		m |= p.bit()
	}
	return m
}

// legitimateInterestPurposes may rest on a TCF legitimate-interest signal,
// and only where the workspace enables it.
var legitimateInterestPurposes = []Purpose{PurposeBasicAds, PurposeMeasureAds}
