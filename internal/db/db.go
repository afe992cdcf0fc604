// Package db opens the application's database, PostgreSQL or the embedded
// SQLite file, behind GORM, and names the dialect so that the few places that
// need dialect-specific SQL can ask for it.
package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names a supported database.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DialectOf reports which database a handle talks to.
func DialectOf(g *gorm.DB) Dialect {
	if g.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

// OpenPostgres connects to PostgreSQL.
func OpenPostgres(dsn string) (*gorm.DB, error) {
	g, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", redact(err, dsn))
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return g, nil
}

// OpenSQLite opens (creating if needed) the SQLite file at path in WAL mode
// with a busy timeout and foreign keys on.
//
// SQLite has a single writer and, in WAL mode, any number of readers.
// Transactions begin IMMEDIATE, so a writer takes the write lock up front and
// waits its turn (busy timeout) instead of failing when it would upgrade a
// read lock; reads go on in parallel on the other pooled connections. The
// embedded database is meant for one instance, PostgreSQL for more.
func OpenSQLite(path string) (*gorm.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	g, err := gorm.Open(sqlite.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(4)
	sqlDB.SetMaxIdleConns(4)
	return g, nil
}

// Ping checks that the database answers within the context's deadline.
func Ping(ctx context.Context, g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the handle's connections.
func Close(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		// Queries may contain personal data; GORM's own logger is off and
		// failures are logged by callers without their arguments.
		Logger:                                   logger.Discard,
		NowFunc:                                  func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
	}
}

// redact removes a password that a driver error might echo.
func redact(err error, dsn string) error {
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "***"))
	}
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either dialect.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
