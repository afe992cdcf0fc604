// Command statusads is the whole product in one binary: the dashboard, the
// API, migrations and set-up commands.
//
//	statusads [serve] [--demo]   serve the dashboard (default :8080)
//	statusads migrate            apply pending schema migrations and exit
//	statusads demo               create the demo workspace once, then serve it
//	statusads user create --email E --workspace W --role R
//	statusads token create --workspace W --name N --scopes all|read|feed|events
//	statusads profiles generate --workspace W --count N [--seed S]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // campaigns and workspaces name IANA zones; ship the data

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/config"
	"github.com/statusads/statusads/internal/db"
	"github.com/statusads/statusads/migrations"
	"github.com/statusads/statusads/targeting"
	"gorm.io/gorm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "statusads:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  statusads [serve] [--demo]     serve the dashboard
  statusads migrate              apply pending migrations and exit
  statusads demo                 create the demo workspace once and serve it
  statusads user create --email E --workspace W --role admin|marketer|manager|scheduler|viewer
  statusads token create --workspace W --name N --scopes all|read|feed|events[,…]
  statusads profiles generate --workspace W --count N [--seed S]   synthetic profiles for tests and benchmarks

Configuration comes from environment variables; see README.md.`

// env is everything a command needs, opened once.
type env struct {
	cfg       config.Config
	log       *slog.Logger
	db        *gorm.DB
	accounts  *accounts.Service
	targeting *targeting.Service
	clock     clock.Clock
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "serve", "migrate", "demo", "user", "token", "profiles":
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	e, err := open(ctx, stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer db.Close(e.db)
	switch cmd {
	case "migrate":
		fmt.Fprintf(stdout, "schema at version %d\n", migrations.Latest())
		return nil
	case "serve":
		demo := false
		for _, a := range args {
			switch a {
			case "--demo", "-demo":
				demo = true
			default:
				return fmt.Errorf("serve: unknown flag %q\n%s", a, usage)
			}
		}
		if demo {
			return e.demo(ctx)
		}
		return e.serve(ctx, nil)
	case "demo":
		return e.demo(ctx)
	case "user":
		return e.userCommand(ctx, args)
	case "token":
		return e.tokenCommand(ctx, args)
	case "profiles":
		return e.profilesCommand(ctx, args)
	}
	return nil
}

// open reads the configuration, opens and migrates the database.
func open(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) (*env, error) {
	cfg, err := config.Load(os.Getenv, isTerminal(os.Stderr))
	if err != nil {
		return nil, err
	}
	if err := cfg.EnsureDataDir(); err != nil {
		return nil, err
	}
	log := newLogger(cfg, stderr)
	var g *gorm.DB
	if cfg.DatabaseURL != "" {
		g, err = db.OpenPostgres(cfg.DatabaseURL)
	} else {
		g, err = db.OpenSQLite(cfg.SQLitePath())
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pingCtx, g); err != nil {
		db.Close(g)
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	clk := clock.Real{}
	n, err := migrations.Up(ctx, g, clk.Now)
	if err != nil {
		db.Close(g)
		if errors.Is(err, migrations.ErrSchemaTooNew) {
			return nil, fmt.Errorf("%w: upgrade statusads before starting it against this database", err)
		}
		return nil, err
	}
	if n > 0 {
		log.Info("Applied migrations", "count", n, "schema_version", migrations.Latest())
	}
	svc := accounts.NewService(g, clk, accounts.Options{SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax})
	tgt := targeting.NewService(g, clk, cfg.SecretKey, svc)
	return &env{cfg: cfg, log: log, db: g, accounts: svc, targeting: tgt, clock: clk, stdin: stdin, stdout: stdout, stderr: stderr}, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
