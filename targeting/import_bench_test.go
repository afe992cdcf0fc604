package targeting_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/statusads/statusads/internal/db"
	"github.com/statusads/statusads/internal/testdb"
	"gorm.io/gorm"
)

// csvRows streams n realistic import rows without holding them.
func csvRows(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		countries := []string{"DE", "AT", "NL", "FR"}
		phones := []string{"0171%07d", "0664%07d", "0612%06d", "06%08d"}
		fmt.Fprintln(pw, "phone,country,language,birth_year,interests,consent_1,consent_2,consent_3,consent_4,consent_source,notice_version")
		for i := 0; i < n; i++ {
			c := i % len(countries)
			yes := map[bool]string{true: "yes", false: "no"}
			fmt.Fprintf(pw, "%s,%s,%s,%d,%s,yes,%s,%s,%s,import,v%d\n", fmt.Sprintf(phones[c], i%10000000), countries[c],
				[]string{"de", "de", "nl", "fr"}[c], 1950+i%60, []string{"sport|coffee", "travel", "", "music|food"}[i%4],
				yes[i%5 != 0], yes[i%3 == 0], yes[i%3 == 0], 1+i%3)
		}
		pw.Close()
	}()
	return pr
}

// BenchmarkImport measures the CSV import path end to end (parse, normalise,
// upsert, ledger) in rows per second with the peak heap, and, on
// PostgreSQL, a raw COPY of the same number of narrow rows into a scratch
// table as the baseline. STATUSADS_BENCH_IMPORT_ROWS sets the size (default
// 20,000); the figure is for 1,000,000.
func BenchmarkImport(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("STATUSADS_BENCH_IMPORT_ROWS")); err == nil && v > 0 {
		n = v
	}
	var g *gorm.DB
	if os.Getenv(testdb.EnvURL) != "" {
		g = testdb.Postgres(b)
	} else {
		g = testdb.SQLite(b)
	}
	f := newFixture(b, g)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	var rowsPerSec float64
	for b.Loop() {
		j, err := f.svc.CreateImportJob(f.ctx, f.ws, "csv", "bench.csv", 0)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		j, err = f.svc.RunImport(f.ctx, f.ws, j.ID, csvRows(n))
		if err != nil {
			b.Fatal(err)
		}
		if j.Imported+j.Updated+j.Unchanged != int64(n) {
			b.Fatalf("imported %+v of %d", j, n)
		}
		rowsPerSec = float64(n) / time.Since(start).Seconds()
	}
	close(stop)
	b.ReportMetric(rowsPerSec, "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak_heap_MiB")
	if db.DialectOf(g) == db.Postgres {
		b.ReportMetric(copyBaseline(b, g, n), "copy_rows/s")
	}
}

// copyBaseline COPYs n rows of the profile table's shape into a scratch
// table: the fastest PostgreSQL can take rows in, for comparison.
func copyBaseline(b *testing.B, g *gorm.DB, n int) float64 {
	g.Exec("CREATE TEMP TABLE IF NOT EXISTS copy_bench (ref text, country text, language text, birth_year int, granted_mask int)")
	sqlDB, _ := g.DB()
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		i := 0
		_, err := pc.CopyFrom(context.Background(), pgx.Identifier{"copy_bench"}, []string{"ref", "country", "language", "birth_year", "granted_mask"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i >= n {
					return nil, nil
				}
				i++
				return []any{fmt.Sprintf("%064x", i), "DE", "de", 1950 + i%60, 6}, nil
			}))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}
