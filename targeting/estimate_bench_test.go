package targeting_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/db"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// BenchmarkEstimate measures the reach estimate and reports p50 and p95
// over a mix of specs.
//
// By default it generates STATUSADS_BENCH_PROFILES synthetic profiles
// (default 50,000) in a fresh PostgreSQL schema (SQLite when no PostgreSQL
// is configured). To measure at scale without regenerating, point
// STATUSADS_BENCH_DATABASE_URL at a database prepared with
// `statusads profiles generate --workspace Bench --count 1000000` and the
// same STATUSADS_SECRET_KEY; the workspace named by
// STATUSADS_BENCH_WORKSPACE (default "Bench") is used as it is.
func BenchmarkEstimate(b *testing.B) {
	ctx := context.Background()
	var g *gorm.DB
	var ws int64
	var acc *accounts.Service
	if url := os.Getenv("STATUSADS_BENCH_DATABASE_URL"); url != "" {
		var err error
		if g, err = db.OpenPostgres(url); err != nil {
			b.Fatal(err)
		}
		acc = accounts.NewService(g, clock.Real{}, accounts.Options{BcryptCost: bcrypt.MinCost})
		name := os.Getenv("STATUSADS_BENCH_WORKSPACE")
		if name == "" {
			name = "Bench"
		}
		w, err := acc.WorkspaceByName(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		ws = w.ID
	} else {
		if os.Getenv(testdb.EnvURL) != "" {
			g = testdb.Postgres(b)
		} else {
			g = testdb.SQLite(b)
		}
		acc = accounts.NewService(g, clock.Real{}, accounts.Options{BcryptCost: bcrypt.MinCost})
		_, w, _, err := acc.Bootstrap(ctx, accounts.UserInput{Email: "bench@example.com", Name: "Bench", Password: "long enough pw"},
			accounts.WorkspaceInput{Name: "Bench", AdvertiserName: "B", PayerName: "B", TimeZone: "UTC", Currency: "EUR", Locale: "en"}, accounts.RoleAdmin, false)
		if err != nil {
			b.Fatal(err)
		}
		ws = w.ID
	}
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("STATUSADS_BENCH_PROFILES")); err == nil && v > 0 {
		n = v
	}
	svc := targeting.NewService(g, clock.Real{}, []byte(os.Getenv("STATUSADS_SECRET_KEY")+"bench-secret-bench-secret-32byte"), acc)
	if os.Getenv("STATUSADS_BENCH_DATABASE_URL") == "" {
		if _, err := svc.Synthetic(ctx, ws, n, 7, nil); err != nil {
			b.Fatal(err)
		}
		if db.DialectOf(g) == db.Postgres {
			g.Exec("ANALYZE")
		}
	}
	total, _ := svc.CountProfiles(ctx, ws)
	specs := []targeting.Spec{
		{},
		{Countries: []string{"DE"}},
		{Countries: []string{"DE", "AT", "CH"}, Languages: []string{"de"}},
		{Countries: []string{"DE"}, AgeMin: 25, AgeMax: 45},
		{InterestsInclude: []string{"coffee", "food"}, InterestsExclude: []string{"gaming"}},
		{InterestsInclude: []string{"coffee"}},
		{Countries: []string{"DE"}, InterestsExclude: []string{"gaming"}},
		{Countries: []string{"NL"}, Regions: []string{"Utrecht"}, AgeMin: 18, AgeMax: 30, InterestsInclude: []string{"running"}},
	}
	// Specs without interests are answered from profile_cells, specs with
	// one interest from interest_cells; specs with several interests also
	// read the people whose interests match. The classes are reported
	// separately because their costs differ by an order of magnitude.
	var all, cells, one, interests []time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		sp := specs[i%len(specs)]
		start := time.Now()
		if _, err := svc.Estimate(ctx, ws, sp); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		all = append(all, d)
		switch len(sp.InterestsInclude) + len(sp.InterestsExclude) {
		case 0:
			cells = append(cells, d)
		case 1:
			one = append(one, d)
		default:
			interests = append(interests, d)
		}
		i++
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p float64) float64 {
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		return float64(ds[int(float64(len(ds)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(all, 0.50), "p50_ms")
	b.ReportMetric(pct(all, 0.95), "p95_ms")
	b.ReportMetric(pct(cells, 0.95), "p95_no_interests_ms")
	b.ReportMetric(pct(one, 0.95), "p95_one_interest_ms")
	b.ReportMetric(pct(interests, 0.95), "p95_several_interests_ms")
	b.ReportMetric(float64(total), "profiles")
}
