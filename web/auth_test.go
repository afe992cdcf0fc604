package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/testdb"
	"gorm.io/gorm"
)

func TestLoginLogoutAndCookies(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		c := h.client()

		res := c.get("/dashboard")
		expect(t, res, http.StatusSeeOther)
		if res.Header.Get("Location") != "/login" {
			t.Fatalf("anonymous dashboard redirects to %q", res.Header.Get("Location"))
		}

		res = c.get("/login")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "login-form") || c.csrf == "" {
			t.Fatal("login page without form or CSRF token")
		}

		res = c.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"wrong password"}})
		expect(t, res, http.StatusUnprocessableEntity)
		if !hasTestID(res.body, "login-error") || !strings.Contains(res.body, "Email or password is incorrect") {
			t.Fatal("failed login does not say so")
		}
		unknown := c.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}})
		if unknown.StatusCode != res.StatusCode || !strings.Contains(unknown.body, "Email or password is incorrect") {
			t.Fatal("unknown email answered differently from a wrong password")
		}

		res = c.post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}})
		expect(t, res, http.StatusSeeOther)
		var session *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "statusads_session" {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Secure {
			t.Fatalf("session cookie flags over plain HTTP: %+v", session)
		}
		res = c.get("/dashboard")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "kpi-members") || !hasTestID(res.body, "nav-settings") {
			t.Fatal("dashboard misses its figures or the admin menu")
		}

		res = c.post("/logout", nil)
		expect(t, res, http.StatusSeeOther)
		expect(t, c.get("/dashboard"), http.StatusSeeOther)
		// The old cookie value no longer works even if replayed.
		replay := h.client()
		replay.cookies["statusads_session"] = session
		expect(t, replay.get("/dashboard"), http.StatusSeeOther)
	})
}

func TestSecureCookiesOverHTTPS(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), map[string]string{"STATUSADS_BASE_URL": "https://ads.example.com"})
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	c.get("/login")
	if _, ok := c.cookies["__Host-statusads_csrf"]; !ok {
		t.Fatalf("csrf cookie not __Host- prefixed: %v", c.cookies)
	}
	res := c.post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}})
	expect(t, res, http.StatusSeeOther)
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "__Host-statusads_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.Domain != "" || ck.Path != "/" {
				t.Fatalf("session cookie flags: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("no __Host- session cookie over HTTPS")
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS over HTTPS")
	}
}

func TestCSRFRequired(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	c.login("ana@example.com")
	cases := []struct {
		name  string
		token string
	}{
		{"missing", ""},
		{"forged", "AAAA" + strings.Repeat("x", 39)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.post("/settings/tokens", url.Values{"_csrf": {tc.token}, "name": {"sneaky"}, "scopes": {"all"}})
			expect(t, res, http.StatusForbidden)
			if !strings.Contains(res.body, "form expired") && !strings.Contains(res.body, "Reload") {
				t.Fatalf("CSRF refusal does not explain itself: %.300s", res.body)
			}
		})
	}
	// A token from another visitor's cookie does not transfer.
	other := h.client()
	other.get("/login")
	res := c.post("/settings/tokens", url.Values{"_csrf": {other.csrf}, "name": {"sneaky"}, "scopes": {"all"}})
	expect(t, res, http.StatusForbidden)
	toks, _ := h.svc.Tokens(t.Context(), 1)
	if len(toks) != 0 {
		t.Fatal("a refused request created a token")
	}
	// Logout without a token is refused too.
	expect(t, c.post("/logout", url.Values{"_csrf": {""}}), http.StatusForbidden)
	// The header works for htmx requests.
	req := c.post("/settings/tokens", url.Values{"name": {"fine"}, "scopes": {"read"}})
	expect(t, req, http.StatusCreated)
}

func TestLoginLimiterEngages(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	for i := 0; i < 5; i++ {
		expect(t, c.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"guess " + string(rune('a'+i)) + "xxxxxxx"}}), http.StatusUnprocessableEntity)
	}
	res := c.post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}})
	expect(t, res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" || !strings.Contains(res.body, "Too many sign-in attempts") {
		t.Fatalf("limited login: Retry-After %q body %.300s", res.Header.Get("Retry-After"), res.body)
	}
}

// TestLoginLimiterCountsClientsBehindProxy: behind a trusted proxy the
// address limit counts the client named in X-Forwarded-For, not the proxy.
func TestLoginLimiterCountsClientsBehindProxy(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), map[string]string{"STATUSADS_TRUSTED_PROXIES": "0.0.0.0/0,::/0"})
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	attacker := h.client()
	attacker.ip = "198.51.100.7"
	for i := 0; i < 20; i++ {
		attacker.post("/login", url.Values{"email": {fmt.Sprintf("user%d@example.com", i)}, "password": {"guess guess guess"}})
	}
	expect(t, attacker.post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}}), http.StatusTooManyRequests)
	other := h.client()
	other.ip = "203.0.113.9"
	expect(t, other.post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}}), http.StatusSeeOther)
}
