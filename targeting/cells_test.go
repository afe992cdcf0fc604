package targeting_test

import (
	"reflect"
	"testing"

	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"gorm.io/gorm"
)

// TestEstimateMatchesFullScan checks the cell-based estimate against a scan
// of every profile with the full rule, before and after the kinds of change
// that move people between cells.
func TestEstimateMatchesFullScan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		if _, err := f.svc.Synthetic(f.ctx, f.ws, 1500, 11, nil); err != nil {
			t.Fatal(err)
		}
		specs := []targeting.Spec{
			{},
			{Countries: []string{"DE"}},
			{Countries: []string{"DE", "AT"}, Languages: []string{"de"}, Regions: []string{"Hamburg", "Wien"}},
			{AgeMin: 25, AgeMax: 45},
			{Countries: []string{"NL"}, AgeMin: 18},
			{InterestsInclude: []string{"coffee", "food"}},
			{InterestsInclude: []string{"coffee"}},
			{Countries: []string{"DE"}, AgeMin: 30, InterestsInclude: []string{"running"}},
			{InterestsExclude: []string{"gaming"}},
			{InterestsInclude: []string{"sport"}, InterestsExclude: []string{"gaming"}},
			{InterestsExclude: []string{"gaming", "cars"}},
			{Countries: []string{"DE"}, AgeMax: 30, InterestsExclude: []string{"music"}},
		}
		check := func(stage string) {
			t.Helper()
			for _, sp := range specs {
				got, err := f.svc.EstimateAt(f.ctx, f.ws, sp, now)
				if err != nil {
					t.Fatal(err)
				}
				want, err := targeting.EstimateScan(f.svc, f.ctx, f.ws, sp, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, spec %+v:\ncells %+v\nscan  %+v", stage, sp, got, want)
				}
			}
		}
		check("generated")
		profiles, _ := f.svc.Profiles(f.ctx, f.ws, targeting.ProfileFilter{Limit: 40})
		for i, p := range profiles {
			switch i % 4 {
			case 0:
				f.svc.RecordConsent(f.ctx, f.ws, p.ID, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: false, Source: "test"}})
			case 1:
				f.svc.Object(f.ctx, f.ws, p.ID, "test")
			case 2:
				if err := f.svc.Erase(f.ctx, f.ws, p.ID, "test"); err != nil {
					t.Fatal(err)
				}
			case 3:
				f.svc.RecordConsent(f.ctx, f.ws, p.ID, []targeting.ConsentChange{{Purpose: targeting.PurposeAdsProfile, Granted: true, Source: "test"},
					{Purpose: targeting.PurposePersonalisedAds, Granted: true, Source: "test"}, {Purpose: targeting.PurposeBasicAds, Granted: true, Source: "test"}})
			}
		}
		runImport(t, f, "csv", "external_id,country,birth_year,interests,consent_2\nsynthetic-11-3,AT,1999,coffee|gaming,yes\nsynthetic-11-5,FR,2012,,no\nnew-person,DE,1980,running,yes\nsynthetic-11-7,DE,1970,coffee,yes\n")
		check("after changes")
	})
}
