// Package testdb gives tests a freshly migrated database on every configured
// dialect: SQLite always, PostgreSQL when STATUSADS_TEST_DATABASE_URL names a
// database. Each test gets its own SQLite file or its own PostgreSQL schema,
// so tests may run in parallel. Under CI=true a missing PostgreSQL URL is a
// failure, not a skip.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/statusads/statusads/internal/db"
	"github.com/statusads/statusads/migrations"
	"gorm.io/gorm"
)

// EnvURL names the PostgreSQL database tests may use.
const EnvURL = "STATUSADS_TEST_DATABASE_URL"

// CI reports whether nothing may be skipped.
func CI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

// PostgresURL returns the configured test database or skips (fails under CI).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if CI() {
			t.Fatalf("%s is not set; under CI=true PostgreSQL tests may not be skipped", EnvURL)
		}
		t.Skipf("SKIP PostgreSQL: %s is not set", EnvURL)
	}
	return u
}

// Each runs fn once per dialect as a subtest named after it, each with a new
// migrated database.
func Each(t *testing.T, fn func(t *testing.T, g *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a temporary file.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	g, err := db.OpenSQLite(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(g) })
	migrate(t, g)
	return g
}

// Postgres returns a migrated database in a new schema that is dropped when
// the test ends.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	base := PostgresURL(t)
	schema := "t_" + randHex(8)
	admin, err := db.OpenPostgres(base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	if err := admin.Exec(`CREATE SCHEMA ` + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close(admin)
	})
	g, err := db.OpenPostgres(WithSearchPath(base, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(g) })
	migrate(t, g)
	return g
}

// WithSearchPath returns the URL with its search_path set to schema.
func WithSearchPath(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrate(t testing.TB, g *gorm.DB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := migrations.Up(ctx, g, time.Now); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Name is a helper for distinct test fixture names.
func Name(prefix string) string { return fmt.Sprintf("%s-%s", prefix, randHex(3)) }
