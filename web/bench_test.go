package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/config"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web"
	"golang.org/x/crypto/bcrypt"
)

// The benchmarks measure one request through the whole middleware chain with
// app.Test, which serves over an in-memory connection. BenchmarkPlainFiber is
// the floor: Fiber and app.Test with nothing of ours. Compare them in one run:
//
//	go test -run '^$' -bench . -benchtime 200x ./web/
//
// internal/loadtest/load.sh measures the same over real sockets with wrk.

// benchCSRFSeed stands for the CSRF cookie a returning browser sends, so that
// GETs do not mint a new one each time.
var benchCSRFSeed = strings.Repeat("c", 64)

func BenchmarkDashboard(b *testing.B) {
	app, session := benchApp(b)
	benchGet(b, app, "/dashboard", &http.Cookie{Name: "statusads_session", Value: session})
}

func BenchmarkLoginPage(b *testing.B) {
	app, _ := benchApp(b)
	benchGet(b, app, "/login")
}

func BenchmarkPlainFiber(b *testing.B) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		c.Type("html", "utf-8")
		return c.SendString(plainPage)
	})
	benchGet(b, app, "/")
}

const plainPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>plain</title></head><body><h1>Hello</h1></body></html>`

// benchApp builds the real app over SQLite with one admin whose workspace
// has some history, and returns a session token for them.
func benchApp(b *testing.B) (*fiber.App, string) {
	b.Helper()
	g := testdb.SQLite(b)
	env := map[string]string{"STATUSADS_ADDR": "127.0.0.1:8080", "STATUSADS_DATA_DIR": b.TempDir()}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		b.Fatal(err)
	}
	cfg.SecretKey = []byte(strings.Repeat("k", 32))
	svc := accounts.NewService(g, clock.Real{}, accounts.Options{BcryptCost: bcrypt.MinCost})
	ctx := context.Background()
	const email, password = "bench@example.com", "correct horse battery staple"
	u, w, _, err := svc.Bootstrap(ctx, accounts.UserInput{Email: email, Name: "Bench Admin", Password: password},
		accounts.WorkspaceInput{Name: "Bench", AdvertiserName: "Bench GmbH", PayerName: "Bench GmbH", TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"},
		accounts.RoleAdmin, false)
	if err != nil {
		b.Fatal(err)
	}
	// A few tokens, so that the dashboard has figures and a full activity list.
	actx := accounts.WithActor(ctx, accounts.UserActor(u, ""))
	for _, name := range []string{"Feed 1", "Feed 2", "Feed 3", "Feed 4", "Feed 5", "Feed 6", "Feed 7", "Feed 8"} {
		if _, _, err := svc.CreateToken(actx, w.ID, name, []accounts.Scope{accounts.ScopeRead}); err != nil {
			b.Fatal(err)
		}
	}
	sess, err := svc.Login(ctx, email, password, "192.0.2.1")
	if err != nil {
		b.Fatal(err)
	}
	// The server runs at warn in production-like setups; slog.DiscardHandler
	// keeps the per-request access log from being formatted at all.
	app := web.New(web.Deps{Config: cfg, DB: g, Accounts: svc, Targeting: targeting.NewService(g, clock.Real{}, cfg.SecretKey, svc), Log: slog.New(slog.DiscardHandler), Clock: clock.Real{}})
	return app, sess.Token
}

// benchGet measures GET path with the cookies a returning browser sends; a
// status other than 200 fails the benchmark, since its numbers would
// measure an error page.
func benchGet(b *testing.B, app *fiber.App, path string, cookies ...*http.Cookie) {
	b.Helper()
	cookies = append(cookies, &http.Cookie{Name: "statusads_csrf", Value: benchCSRFSeed})
	var bytes int64
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		bytes = n
	}
	b.ReportMetric(float64(bytes), "page-bytes")
}
