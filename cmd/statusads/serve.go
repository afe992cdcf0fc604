package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/statusads/statusads/web"
)

// serve runs the web server until ctx ends, then drains requests.
func (e *env) serve(ctx context.Context, demo *web.DemoLogin) error {
	app := web.New(web.Deps{Config: e.cfg, DB: e.db, Accounts: e.accounts, Targeting: e.targeting, Log: e.log, Clock: e.clock, Demo: demo})
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (STATUSADS_ADDR): %w", e.cfg.Addr, err)
	}
	if token, err := e.accounts.NewSetupToken(ctx); err != nil {
		return err
	} else if token != "" {
		// Printed, not logged: it is a credential for this one installation.
		fmt.Fprintf(e.stdout, "\nNo users yet. Create the first admin and workspace here (link works once):\n\n  %s/setup?token=%s\n\n", e.cfg.BaseURL, token)
	}
	go e.housekeeping(ctx)
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	e.log.Info("Serving", "addr", ln.Addr().String(), "base_url", e.cfg.BaseURL.String(), "database", dialectName(e.cfg.DatabaseURL))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	e.log.Info("Shutting down")
	if err := app.ShutdownWithTimeout(20 * time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// housekeeping removes expired sessions; every instance may run it, the
// deletes are idempotent.
func (e *env) housekeeping(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		if n, err := e.accounts.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("Purging sessions failed", "error", err.Error())
		} else if n > 0 {
			e.log.Info("Purged expired sessions", "count", n)
		}
		if n, err := e.targeting.FailInterruptedImports(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("Sweeping interrupted imports failed", "error", err.Error())
		} else if n > 0 {
			e.log.Warn("Marked interrupted imports as failed", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func dialectName(url string) string {
	if url == "" {
		return "sqlite"
	}
	return "postgres"
}
