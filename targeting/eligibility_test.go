package targeting_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

type fixture struct {
	t    testing.TB
	g    *gorm.DB
	svc  *targeting.Service
	acc  *accounts.Service
	ws   int64
	ctx  context.Context
	hook *recordingHook
}

type recordingHook struct{ calls []string }

func (h *recordingHook) ProfileRevoked(ctx context.Context, tx *gorm.DB, ws, profileID int64, reason string) error {
	h.calls = append(h.calls, fmt.Sprintf("%d:%s", profileID, reason))
	return nil
}

func newFixture(t testing.TB, g *gorm.DB) *fixture {
	t.Helper()
	clk := clock.NewManual(now)
	acc := accounts.NewService(g, clk, accounts.Options{BcryptCost: bcrypt.MinCost})
	u, w, _, err := acc.Bootstrap(context.Background(), accounts.UserInput{Email: "ana@example.com", Name: "Ana", Password: "long enough pw"},
		accounts.WorkspaceInput{Name: "Alpha", AdvertiserName: "A", PayerName: "A", TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"}, accounts.RoleAdmin, false)
	if err != nil {
		t.Fatal(err)
	}
	svc := targeting.NewService(g, clk, []byte("0123456789abcdef0123456789abcdef"), acc)
	h := &recordingHook{}
	svc.OnRevocation(h)
	return &fixture{t: t, g: g, svc: svc, acc: acc, ws: w.ID, ctx: accounts.WithActor(context.Background(), accounts.UserActor(u, "test")), hook: h}
}

// person creates a profile with attributes and consents; grants lists the
// purposes granted by consent.
func (f *fixture) person(ext string, country, lang string, birthYear int, interests []string, grants ...targeting.Purpose) int64 {
	f.t.Helper()
	ids, _, err := f.svc.InterestIDs(f.ctx, f.ws)
	if err != nil {
		f.t.Fatal(err)
	}
	var p targeting.Profile
	err = f.g.Transaction(func(tx *gorm.DB) error {
		var err error
		p, _, err = f.svc.UpsertProfile(f.ctx, tx, f.ws, targeting.ProfileInput{Identity: targeting.Identity{Kind: targeting.RefExternal, Value: ext},
			Country: country, Language: lang, BirthYear: birthYear, Interests: interests}, ids)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	var changes []targeting.ConsentChange
	for _, pu := range grants {
		changes = append(changes, targeting.ConsentChange{Purpose: pu, Granted: true, Source: "test"})
	}
	if len(changes) > 0 {
		if _, err := f.svc.RecordConsent(f.ctx, f.ws, p.ID, changes); err != nil {
			f.t.Fatal(err)
		}
	}
	return p.ID
}

func (f *fixture) eligibleIDs(sp targeting.Spec) []int64 {
	f.t.Helper()
	q, err := f.svc.Eligible(f.ctx, f.g, f.ws, sp, now)
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []int64
	if err := q.Order("id").Pluck("profiles.id", &ids).Error; err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// TestConsentTable walks the DESIGN.md consent table: each kind of
// criterion against each consent state and age.
func TestConsentTable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		const adult, minor = 1990, 2012
		P1, P2, P3, P4, P7 := targeting.PurposeStoreAccess, targeting.PurposeBasicAds, targeting.PurposeAdsProfile, targeting.PurposePersonalisedAds, targeting.PurposeMeasureAds
		specs := map[string]targeting.Spec{
			"country":   {Countries: []string{"DE"}},
			"language":  {Languages: []string{"de"}},
			"age":       {Countries: []string{"DE"}, AgeMin: 25, AgeMax: 45},
			"interests": {InterestsInclude: []string{"sport"}},
		}
		people := []struct {
			name      string
			birth     int
			grants    []targeting.Purpose
			eligibleF map[string]bool // spec name -> eligible
			reason    map[string]targeting.Reason
		}{
			{"no consent", adult, nil,
				map[string]bool{}, map[string]targeting.Reason{"country": "no_consent", "age": "no_consent", "interests": "no_consent"}},
			{"only purpose 1", adult, []targeting.Purpose{P1},
				map[string]bool{}, map[string]targeting.Reason{"country": "no_consent"}},
			{"purpose 2", adult, []targeting.Purpose{P2},
				map[string]bool{"country": true, "language": true}, map[string]targeting.Reason{"age": "no_consent", "interests": "no_consent"}},
			{"purposes 2 3", adult, []targeting.Purpose{P2, P3},
				map[string]bool{"country": true, "language": true}, map[string]targeting.Reason{"interests": "no_consent"}},
			{"purposes 2 3 4", adult, []targeting.Purpose{P2, P3, P4, P7},
				map[string]bool{"country": true, "language": true, "age": true, "interests": true}, nil},
			{"minor with all", minor, []targeting.Purpose{P2, P3, P4},
				map[string]bool{"country": true, "language": true}, map[string]targeting.Reason{"interests": "minor", "age": "out_of_target"}},
			{"unknown age with all", 0, []targeting.Purpose{P2, P3, P4},
				map[string]bool{"country": true, "language": true}, map[string]targeting.Reason{"interests": "unknown_age", "age": "out_of_target"}},
			{"turns 18 this year", 2008, []targeting.Purpose{P2, P3, P4},
				map[string]bool{"country": true, "language": true, "interests": true}, map[string]targeting.Reason{"age": "out_of_target"}},
		}
		ids := map[string]int64{}
		for _, p := range people {
			ids[p.name] = f.person(p.name, "DE", "de", p.birth, []string{"sport"}, p.grants...)
		}
		for specName, sp := range specs {
			got := f.eligibleIDs(sp)
			for _, p := range people {
				want := p.eligibleF[specName]
				if slices.Contains(got, ids[p.name]) != want {
					t.Errorf("%s × %s: eligible = %v, want %v", specName, p.name, !want, want)
				}
				ex, err := f.svc.Explain(f.ctx, f.ws, ids[p.name], sp, now)
				if err != nil {
					t.Fatal(err)
				}
				if ex.Eligible != want {
					t.Errorf("%s × %s: explanation says eligible=%v (%v)", specName, p.name, ex.Eligible, ex.Reasons)
				}
				if r, ok := p.reason[specName]; ok && !slices.ContainsFunc(ex.Reasons, func(s string) bool { return strings.HasPrefix(s, string(r)) }) {
					t.Errorf("%s × %s: reasons %v lack %s", specName, p.name, ex.Reasons, r)
				}
			}
			est, err := f.svc.EstimateAt(f.ctx, f.ws, sp, now)
			if err != nil {
				t.Fatal(err)
			}
			if est.Eligible != int64(len(got)) {
				t.Errorf("%s: estimate %d, eligible query %d: the one rule disagrees with itself", specName, est.Eligible, len(got))
			}
			var sum int64 = est.Eligible
			for _, n := range est.Excluded {
				sum += n
			}
			if sum != est.Total || est.Total != int64(len(people)) {
				t.Errorf("%s: buckets sum to %d of %d", specName, sum, est.Total)
			}
		}
	})
}

func TestWorkspaceSettingsChangeTheRule(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		unknown := f.person("u", "DE", "de", 0, []string{"sport"}, targeting.PurposeBasicAds, targeting.PurposeAdsProfile, targeting.PurposePersonalisedAds)
		li := f.person("li", "DE", "de", 1990, nil)
		if _, err := f.svc.RecordConsent(f.ctx, f.ws, li, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: true, Basis: targeting.BasisLegitimateInterest, Source: "tc_string"}}); err != nil {
			t.Fatal(err)
		}
		interests := targeting.Spec{InterestsInclude: []string{"sport"}}
		contextual := targeting.Spec{Countries: []string{"DE"}}
		if slices.Contains(f.eligibleIDs(interests), unknown) || slices.Contains(f.eligibleIDs(contextual), li) {
			t.Fatal("defaults: unknown age must not count as adult, legitimate interest must not count")
		}
		if err := f.svc.SaveSettings(f.ctx, targeting.Settings{WorkspaceID: f.ws, LegitimateInterest: true, UnknownAgeIsAdult: true, MinCellSize: 10}); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(f.eligibleIDs(interests), unknown) || !slices.Contains(f.eligibleIDs(contextual), li) {
			t.Fatal("enabled settings not applied")
		}
		// Legitimate interest never covers purposes 3 and 4.
		if slices.Contains(f.eligibleIDs(interests), li) {
			t.Fatal("legitimate interest made a personalised audience")
		}
	})
}

func TestWithdrawalVisibleAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		id := f.person("w", "DE", "de", 1990, nil, targeting.PurposeBasicAds)
		sp := targeting.Spec{Countries: []string{"DE"}}
		if est, _ := f.svc.Estimate(f.ctx, f.ws, sp); est.Eligible != 1 {
			t.Fatalf("before withdrawal: %+v", est)
		}
		evs, err := f.svc.RecordConsent(f.ctx, f.ws, id, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: false, Source: "form", NoticeVersion: "v3"}})
		if err != nil || len(evs) != 1 {
			t.Fatalf("withdraw: %v %v", evs, err)
		}
		est, _ := f.svc.Estimate(f.ctx, f.ws, sp)
		if est.Eligible != 0 || est.Excluded[targeting.ReasonWithdrawn] != 1 {
			t.Fatalf("after withdrawal: %+v", est)
		}
		if len(f.hook.calls) != 1 || f.hook.calls[0] != fmt.Sprintf("%d:consent_withdrawn", id) {
			t.Fatalf("revocation hook calls: %v", f.hook.calls)
		}
		// Saying it again adds nothing to the ledger.
		evs, _ = f.svc.RecordConsent(f.ctx, f.ws, id, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: false, Source: "form"}})
		if len(evs) != 0 {
			t.Fatal("a repeated statement was appended")
		}
		hist, _ := f.svc.ConsentHistory(f.ctx, f.ws, id)
		if len(hist) != 2 || !hist[0].Granted || hist[1].Granted || hist[1].NoticeVersion != "v3" || hist[1].Actor != "ana@example.com" {
			t.Fatalf("ledger: %+v", hist)
		}
		// Objection beats fresh consent.
		f.svc.RecordConsent(f.ctx, f.ws, id, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: true, Source: "form"}})
		if err := f.svc.Object(f.ctx, f.ws, id, "api"); err != nil {
			t.Fatal(err)
		}
		est, _ = f.svc.Estimate(f.ctx, f.ws, sp)
		if est.Eligible != 0 || est.Excluded[targeting.ReasonObjected] != 1 {
			t.Fatalf("after objection: %+v", est)
		}
	})
}

func TestSpecialCategoriesRejected(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		if _, err := f.svc.CreateInterest(f.ctx, f.ws, "Diabetes care", targeting.CategoryHealth); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			spec targeting.Spec
			arg  string
		}{
			{"default health", targeting.Spec{InterestsInclude: []string{"health"}}, "health (health)"},
			{"workspace health", targeting.Spec{InterestsInclude: []string{"sport", "diabetes care"}}, "diabetes care (health)"},
			{"excluding politics", targeting.Spec{InterestsExclude: []string{"Politics"}}, "politics (politics)"},
			{"religion", targeting.Spec{InterestsInclude: []string{"religion"}}, "religion (religion)"},
		}
		for _, tt := range tests {
			_, err := f.svc.SaveAudience(f.ctx, f.ws, 0, tt.name, tt.spec)
			var ve *targeting.ValidationError
			if !errors.Is(err, targeting.ErrForbiddenCriterion) || !errors.As(err, &ve) {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if !slices.ContainsFunc(ve.Problems, func(p targeting.Problem) bool { return p.Code == "special_category" && p.Arg == tt.arg }) {
				t.Errorf("%s: problems %+v do not name %q", tt.name, ve.Problems, tt.arg)
			}
			if _, err := f.svc.Estimate(f.ctx, f.ws, tt.spec); !errors.Is(err, targeting.ErrForbiddenCriterion) {
				t.Errorf("%s: estimate evaluated a forbidden spec: %v", tt.name, err)
			}
		}
		if as, _ := f.svc.Audiences(f.ctx, f.ws); len(as) != 0 {
			t.Fatal("a forbidden audience was saved")
		}
		a, err := f.svc.SaveAudience(f.ctx, f.ws, 0, "Sporty Germans", targeting.Spec{Countries: []string{"de"}, InterestsInclude: []string{"Sport"}})
		if err != nil || a.Tier != targeting.TierPersonalised || a.Spec.Countries[0] != "DE" {
			t.Fatalf("valid audience: %+v %v", a, err)
		}
		for _, bad := range []targeting.Spec{{Countries: []string{"XX"}}, {AgeMin: 40, AgeMax: 30}, {InterestsInclude: []string{"knitting"}}, {AgeMin: 16}, {AgeMax: 17}} {
			if _, err := f.svc.Validate(f.ctx, f.ws, bad); err == nil {
				t.Errorf("spec %+v accepted", bad)
			}
		}
	})
}

func TestErasureLeavesNoPersonalData(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		id := f.person("+4917612345678", "DE", "de", 1990, []string{"sport"}, targeting.PurposeBasicAds)
		before, _ := f.svc.Profile(f.ctx, f.ws, id)
		ex, err := f.svc.ExportProfile(f.ctx, f.ws, id)
		if err != nil || len(ex.Ledger) != 1 || ex.Interests[0] != "sport" {
			t.Fatalf("export: %+v %v", ex, err)
		}
		if err := f.svc.Erase(f.ctx, f.ws, id, "api"); err != nil {
			t.Fatal(err)
		}
		p, _ := f.svc.Profile(f.ctx, f.ws, id)
		if p.ErasedAt == nil || p.Ref == before.Ref || p.Country != "" || p.BirthYear != nil || p.GrantedMask != 0 {
			t.Fatalf("tombstone keeps data: %+v", p)
		}
		for _, table := range []string{"consent_events", "consent_state", "profile_interests"} {
			var n int64
			g.Table(table).Where("profile_id = ?", id).Count(&n)
			if n != 0 {
				t.Errorf("%s keeps %d rows", table, n)
			}
		}
		var audits []accounts.AuditEntry
		g.Where("object_type = 'profile'").Find(&audits)
		for _, a := range audits {
			if a.AfterData != nil && strings.Contains(*a.AfterData, before.Ref) {
				t.Fatal("audit keeps the reference")
			}
		}
		var erasures int64
		g.Table("erasures").Where("workspace_id = ? AND profile_id = ?", f.ws, id).Count(&erasures)
		if erasures != 1 {
			t.Fatal("no erasure record")
		}
		if _, err := f.svc.Lookup(f.ctx, f.ws, targeting.Identity{Kind: targeting.RefExternal, Value: "+4917612345678"}); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatalf("erased person still found: %v", err)
		}
		if est, _ := f.svc.Estimate(f.ctx, f.ws, targeting.Spec{}); est.Total != 0 {
			t.Fatalf("erased profile counted: %+v", est)
		}
		if len(f.hook.calls) != 1 || !strings.HasSuffix(f.hook.calls[0], "erasure") {
			t.Fatalf("hook: %v", f.hook.calls)
		}
	})
}

func TestProfilesAreTenantIsolated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		id := f.person("shared-id", "DE", "de", 1990, nil, targeting.PurposeBasicAds)
		_, w2, _, _ := f.acc.Bootstrap(context.Background(), accounts.UserInput{Email: "bob@example.com", Name: "Bob", Password: "long enough pw"},
			accounts.WorkspaceInput{Name: "Bravo", AdvertiserName: "B", PayerName: "B", TimeZone: "UTC", Currency: "EUR", Locale: "en"}, accounts.RoleAdmin, false)
		if _, err := f.svc.Profile(f.ctx, w2.ID, id); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatalf("other workspace reads profile: %v", err)
		}
		if _, err := f.svc.RecordConsent(f.ctx, w2.ID, id, []targeting.ConsentChange{{Purpose: 2, Granted: false, Source: "api"}}); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatalf("other workspace writes consent: %v", err)
		}
		if err := f.svc.Erase(f.ctx, w2.ID, id, "api"); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatalf("other workspace erases: %v", err)
		}
		if _, err := f.svc.Lookup(f.ctx, w2.ID, targeting.Identity{Kind: targeting.RefExternal, Value: "shared-id"}); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatal("other workspace finds the person by id")
		}
		if f.svc.Ref(f.ws, targeting.Identity{Kind: targeting.RefExternal, Value: "x"}) == f.svc.Ref(w2.ID, targeting.Identity{Kind: targeting.RefExternal, Value: "x"}) {
			t.Fatal("references are the same across workspaces")
		}
		if est, _ := f.svc.Estimate(f.ctx, w2.ID, targeting.Spec{}); est.Total != 0 {
			t.Fatal("other workspace's estimate counts the profile")
		}
	})
}

func TestLateStatementsDoNotOverrideNewerChoices(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		id := f.person("late", "DE", "de", 1990, nil)
		newer, older := now.Add(-time.Hour), now.Add(-48*time.Hour)
		if _, err := f.svc.RecordConsent(f.ctx, f.ws, id, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: true, Source: "cmp", OccurredAt: newer}}); err != nil {
			t.Fatal(err)
		}
		evs, err := f.svc.RecordConsent(f.ctx, f.ws, id, []targeting.ConsentChange{{Purpose: targeting.PurposeBasicAds, Granted: false, Source: "import", OccurredAt: older}})
		if err != nil || len(evs) != 0 {
			t.Fatalf("a stale refusal was recorded: %v %v", evs, err)
		}
		if est, _ := f.svc.Estimate(f.ctx, f.ws, targeting.Spec{}); est.Eligible != 1 {
			t.Fatalf("stale statement changed eligibility: %+v", est)
		}
		var audits int64
		g.Table("audit_entries").Where("workspace_id = ? AND action = 'profile.consent' AND object_id = ?", f.ws, fmt.Sprint(id)).Count(&audits)
		if audits != 1 {
			t.Fatalf("consent changes audited %d times, want 1", audits)
		}
	})
}
