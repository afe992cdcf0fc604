package migrations_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/migrations"
	"gorm.io/gorm"
)

func TestMigrationsOnEveryDialect(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		if err := migrations.Check(ctx, g); err != nil {
			t.Fatalf("fresh schema not current: %v", err)
		}
		// Running again is a no-op.
		n, err := migrations.Up(ctx, g, time.Now)
		if err != nil || n != 0 {
			t.Fatalf("second Up ran %d, err %v", n, err)
		}
		// A schema from the future is refused.
		if err := g.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)`, migrations.Latest()+1, time.Now()).Error; err != nil {
			t.Fatal(err)
		}
		if err := migrations.Check(ctx, g); !errors.Is(err, migrations.ErrSchemaTooNew) {
			t.Fatalf("Check = %v, want ErrSchemaTooNew", err)
		}
		if _, err := migrations.Up(ctx, g, time.Now); !errors.Is(err, migrations.ErrSchemaTooNew) {
			t.Fatalf("Up = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestVersionsAscend(t *testing.T) {
	prev := 0
	for _, m := range migrations.All() {
		if m.Version != prev+1 {
			t.Fatalf("migration %s has version %d, want %d", m.Name, m.Version, prev+1)
		}
		prev = m.Version
	}
}
