package targeting_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
)

// FuzzAudienceSpec feeds arbitrary JSON through the strict spec parser and
// the validation against a workspace's interest list: no panics, a parsed
// spec either validates or names its problems, a valid spec normalises to
// itself, and a special category is never accepted.
func FuzzAudienceSpec(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"countries":["DE"],"regions":[],"languages":["de"],"age_min":18,"age_max":65,"interests_include":["sport"],"interests_exclude":[]}`,
		`{"countries":["de"," at "],"interests_include":["Health"]}`,
		`{"age_min":40,"age_max":30}`,
		`{"interests_exclude":["politics","gaming"]}`,
		`{"countries":"DE"}`,
		`{"countrys":["DE"]}`,
		`{"age_min":-1}`,
		`{} {}`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	fx := newFixture(f, testdb.SQLite(f))
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		sp, err := targeting.ParseSpec(b)
		if err != nil {
			var ve *targeting.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("parse error is not a ValidationError: %v", err)
			}
			return
		}
		norm, err := fx.svc.Validate(ctx, fx.ws, sp)
		if err != nil {
			var ve *targeting.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("validation error without problems: %v", err)
			}
			return
		}
		again, err := fx.svc.Validate(ctx, fx.ws, norm)
		if err != nil {
			t.Fatalf("a normalised valid spec fails validation: %v", err)
		}
		if len(again.Countries) != len(norm.Countries) || len(again.InterestsInclude) != len(norm.InterestsInclude) {
			t.Fatalf("normalising is not idempotent: %+v vs %+v", norm, again)
		}
		for _, n := range append(append([]string{}, norm.InterestsInclude...), norm.InterestsExclude...) {
			switch n {
			case "health", "religion", "politics", "lgbtq", "trade unions":
				t.Fatalf("special category %q accepted", n)
			}
		}
		if _, err := fx.svc.EstimateAt(ctx, fx.ws, norm, at); err != nil {
			t.Fatalf("estimate of a valid spec failed: %v", err)
		}
	})
}
