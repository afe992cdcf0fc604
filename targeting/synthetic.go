package targeting

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// Synthetic generates n made-up profiles with a realistic mix of countries,
// languages, ages and consent states, for the demo and for benchmarks. Each
// profile's consents go through the ledger and the current-state table, as
// real ones do, but rows are written set-wise in batches rather than through
// RecordConsent one person at a time. External ids are "synthetic-<seed>-<i>",
// so running it again with the same seed adds nothing.
func (s *Service) Synthetic(ctx context.Context, workspaceID int64, n int, seed uint64, progress func(done int)) (int, error) {
	ids, _, err := s.InterestIDs(ctx, workspaceID)
	if err != nil {
		return 0, err
	}
	var interestIDs []int64
	for _, id := range ids {
		interestIDs = append(interestIDs, id)
	}
	rnd := rand.New(rand.NewPCG(seed, 0x5eed))
	now := s.now()
	const batch = 2000
	created := 0
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		people := make([]synthPerson, 0, end-start)
		for i := start; i < end; i++ {
			people = append(people, makeSynthPerson(rnd, now.Year(), interestIDs, fmt.Sprintf("synthetic-%d-%d", seed, i)))
		}
		k, err := s.writeSynthetic(ctx, workspaceID, people, now)
		if err != nil {
			return created, err
		}
		created += k
		if progress != nil {
			progress(end)
		}
	}
	return created, nil
}

type synthPerson struct {
	ext                       string
	country, language, region string
	birthYear                 int
	grants                    []Purpose
	withdrawn                 []Purpose // granted earlier, then withdrawn
	objected                  bool
	interests                 []int64
}

var synthCountries = []struct {
	code, lang string
	weight     int
	regions    []string
}{
	{"DE", "de", 50, []string{"Hamburg", "Berlin", "Bayern", "Nordrhein-Westfalen", "Hessen", "Sachsen"}},
	{"AT", "de", 12, []string{"Wien", "Tirol", "Steiermark"}},
	{"CH", "de", 8, []string{"Zürich", "Bern", "Basel-Stadt"}},
	{"NL", "nl", 10, []string{"Noord-Holland", "Zuid-Holland", "Utrecht"}},
	{"FR", "fr", 8, []string{"Île-de-France", "Bretagne"}},
	{"PL", "pl", 6, []string{"Mazowieckie", "Małopolskie"}},
	{"ES", "es", 6, []string{"Madrid", "Cataluña"}},
}

func makeSynthPerson(rnd *rand.Rand, year int, interests []int64, ext string) synthPerson {
	p := synthPerson{ext: ext}
	w := rnd.IntN(100)
	for _, c := range synthCountries {
		if w < c.weight {
			p.country, p.language = c.code, c.lang
			p.region = c.regions[rnd.IntN(len(c.regions))]
			break
		}
		w -= c.weight
	}
	if rnd.IntN(10) == 0 {
		p.language = "en"
	}
	switch a := rnd.IntN(100); {
	case a < 5: // unknown age
	case a < 13:
		p.birthYear = year - 13 - rnd.IntN(5) // minors, 13-17
	default:
		p.birthYear = year - 18 - rnd.IntN(60)
	}
	c := rnd.IntN(100)
	switch {
	case c < 20: // no consent at all
	case c < 25:
		p.grants = []Purpose{PurposeStoreAccess}
	case c < 30:
		p.grants = []Purpose{PurposeStoreAccess}
		p.withdrawn = []Purpose{PurposeBasicAds}
	case c < 60:
		p.grants = []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeMeasureAds}
	default:
		p.grants = []Purpose{PurposeStoreAccess, PurposeBasicAds, PurposeAdsProfile, PurposePersonalisedAds, PurposeMeasureAds, PurposeAudienceStats}
	}
	p.objected = rnd.IntN(50) == 0
	if len(interests) > 0 {
		k := rnd.IntN(4)
		seen := map[int64]bool{}
		for j := 0; j < k; j++ {
			id := interests[rnd.IntN(len(interests))]
			if !seen[id] {
				seen[id] = true
				p.interests = append(p.interests, id)
			}
		}
	}
	return p
}

func (s *Service) writeSynthetic(ctx context.Context, workspaceID int64, people []synthPerson, now time.Time) (int, error) {
	created := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			// Made-up data: losing the last batch in a crash costs nothing.
			tx.Exec("SET LOCAL synchronous_commit = off")
		}
		refs := make([]string, len(people))
		for i, p := range people {
			refs[i] = s.Ref(workspaceID, Identity{Kind: RefExternal, Value: p.ext})
		}
		var existing []string
		if err := tx.Model(&Profile{}).Where("workspace_id = ? AND ref IN ?", workspaceID, refs).Pluck("ref", &existing).Error; err != nil {
			return err
		}
		skip := map[string]bool{}
		for _, r := range existing {
			skip[r] = true
		}
		var rows []Profile
		var fresh []synthPerson
		for i, p := range people {
			if skip[refs[i]] {
				continue
			}
			row := Profile{WorkspaceID: workspaceID, Ref: refs[i], RefKind: RefExternal, Country: p.country, Region: p.region, Language: p.language,
				GrantedMask: maskOf(p.grants), WithdrawnMask: maskOf(p.withdrawn), CreatedAt: now, UpdatedAt: now}
			if p.birthYear != 0 {
				y := p.birthYear
				row.BirthYear = &y
			}
			if p.objected {
				t := now
				row.ObjectedAt = &t
			}
			rows = append(rows, row)
			fresh = append(fresh, p)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
			return fmt.Errorf("targeting: synthetic profiles: %w", err)
		}
		var events []ConsentEvent
		var pis []map[string]any
		for i, p := range fresh {
			id := rows[i].ID
			at := now.Add(-time.Duration(i%720) * time.Hour)
			for _, pu := range p.grants {
				events = append(events, ConsentEvent{WorkspaceID: workspaceID, ProfileID: id, Purpose: pu, Granted: true, LegalBasis: BasisConsent,
					Source: "import", NoticeVersion: "2026-01", Actor: "synthetic", OccurredAt: at, CreatedAt: now})
			}
			for _, pu := range p.withdrawn {
				events = append(events,
					ConsentEvent{WorkspaceID: workspaceID, ProfileID: id, Purpose: pu, Granted: true, LegalBasis: BasisConsent, Source: "form", NoticeVersion: "2026-01", Actor: "synthetic", OccurredAt: at.Add(-48 * time.Hour), CreatedAt: now},
					ConsentEvent{WorkspaceID: workspaceID, ProfileID: id, Purpose: pu, Granted: false, LegalBasis: BasisConsent, Source: "form", NoticeVersion: "2026-01", Actor: "synthetic", OccurredAt: at, CreatedAt: now})
			}
			if p.objected {
				events = append(events, ConsentEvent{WorkspaceID: workspaceID, ProfileID: id, Purpose: PurposeObjection, Granted: false, LegalBasis: BasisConsent,
					Source: "api", Actor: "synthetic", OccurredAt: at, CreatedAt: now})
			}
			for _, in := range p.interests {
				pis = append(pis, map[string]any{"workspace_id": workspaceID, "profile_id": id, "interest_id": in})
			}
		}
		if len(events) > 0 {
			if err := tx.CreateInBatches(&events, 500).Error; err != nil {
				return fmt.Errorf("targeting: synthetic ledger: %w", err)
			}
		}
		// The current state is the last entry per purpose, as RecordConsent keeps it.
		last := map[[2]int64]ConsentEvent{}
		for _, e := range events {
			if e.Purpose != PurposeObjection {
				last[[2]int64{e.ProfileID, int64(e.Purpose)}] = e
			}
		}
		states := make([]ConsentState, 0, len(last))
		for _, e := range last {
			states = append(states, ConsentState{WorkspaceID: workspaceID, ProfileID: e.ProfileID, Purpose: e.Purpose, Granted: e.Granted, LegalBasis: e.LegalBasis, EventID: e.ID, OccurredAt: e.OccurredAt})
		}
		if len(states) > 0 {
			if err := tx.CreateInBatches(&states, 500).Error; err != nil {
				return fmt.Errorf("targeting: synthetic state: %w", err)
			}
		}
		if len(pis) > 0 {
			if err := tx.Table("profile_interests").CreateInBatches(pis, 500).Error; err != nil {
				return fmt.Errorf("targeting: synthetic interests: %w", err)
			}
		}
		created = len(rows)
		return nil
	})
	return created, err
}
