package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/config"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

const testPassword = "correct horse battery"

type harness struct {
	t   *testing.T
	app *fiber.App
	svc *accounts.Service
	tgt *targeting.Service
	cfg config.Config
}

func newHarness(t *testing.T, g *gorm.DB, env map[string]string) *harness {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = []byte(strings.Repeat("k", 32))
	svc := accounts.NewService(g, clock.Real{}, accounts.Options{BcryptCost: bcrypt.MinCost})
	tgt := targeting.NewService(g, clock.Real{}, cfg.SecretKey, svc)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := web.New(web.Deps{Config: cfg, DB: g, Accounts: svc, Targeting: tgt, Log: log})
	return &harness{t: t, app: app, svc: svc, tgt: tgt, cfg: cfg}
}

// seed creates a workspace with a user of the given role.
func (h *harness) seed(email, ws string, role accounts.Role) (accounts.User, accounts.Workspace) {
	h.t.Helper()
	u, w, _, err := h.svc.Bootstrap(context.Background(), accounts.UserInput{Email: email, Name: strings.Split(email, "@")[0], Password: testPassword},
		accounts.WorkspaceInput{Name: ws, AdvertiserName: ws + " GmbH", PayerName: ws + " GmbH", TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"}, role, false)
	if err != nil {
		h.t.Fatal(err)
	}
	return u, w
}

// client is a browser: it keeps cookies and the last page's CSRF token.
type client struct {
	h       *harness
	cookies map[string]*http.Cookie
	csrf    string
	ip      string
}

func (h *harness) client() *client {
	return &client{h: h, cookies: map[string]*http.Cookie{}, ip: "192.0.2.10"}
}

type response struct {
	*http.Response
	body string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func (c *client) do(req *http.Request) response {
	c.h.t.Helper()
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	res, err := c.h.app.Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	body := string(b)
	if m := csrfMeta.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return response{res, body}
}

func (c *client) get(path string) response {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form with the current CSRF token (fetching a page first if
// the client has none).
func (c *client) post(path string, form url.Values) response {
	c.h.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) login(email string) {
	c.h.t.Helper()
	res := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/dashboard" {
		c.h.t.Fatalf("login %s: %d %s", email, res.StatusCode, res.Header.Get("Location"))
	}
	c.get("/dashboard")
}

func hasTestID(body, id string) bool { return strings.Contains(body, `data-testid="`+id+`"`) }

func expect(t *testing.T, res response, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d\n%.600s", res.StatusCode, status, res.body)
	}
}
