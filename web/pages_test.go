package web_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/web/i18n"
	"gorm.io/gorm"
)

func TestSetupFlow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		token, err := h.svc.NewSetupToken(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c := h.client()
		expect(t, c.get("/setup?token=wrong"), http.StatusNotFound)
		res := c.get("/setup?token=" + token)
		expect(t, res, http.StatusOK)
		form := url.Values{"token": {token}, "name": {"Ana"}, "email": {"not-an-email"}, "password": {"short"},
			"workspace_name": {""}, "advertiser_name": {"Kaffee GmbH"}, "payer_name": {"Kaffee GmbH"}, "time_zone": {"Europe/Berlin"}, "currency": {"EUR"}, "locale": {"de"}}
		res = c.post("/setup", form)
		expect(t, res, http.StatusUnprocessableEntity)
		for _, f := range []string{"email", "password", "workspace_name"} {
			if !hasTestID(res.body, "error-"+f) {
				t.Errorf("setup form lacks the error beside %s", f)
			}
		}
		if !strings.Contains(res.body, `value="Kaffee GmbH"`) {
			t.Error("setup form lost the values typed in")
		}
		form.Set("email", "ana@example.com")
		form.Set("password", testPassword)
		form.Set("workspace_name", "Kaffee")
		res = c.post("/setup", form)
		expect(t, res, http.StatusSeeOther)
		res = c.get("/dashboard")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "flash") || !strings.Contains(res.body, "Kaffee") {
			t.Fatal("dashboard after setup lacks welcome or workspace")
		}
		// The link works once.
		expect(t, h.client().get("/setup?token="+token), http.StatusNotFound)
	})
}

func TestFormsRerenderWith422(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	c.login("ana@example.com")
	tests := []struct {
		path   string
		form   url.Values
		errors []string
	}{
		{"/settings", url.Values{"name": {"Alpha"}, "advertiser_name": {""}, "payer_name": {"P"}, "time_zone": {"Mars/Base"}, "currency": {"EUR"}, "locale": {"en"}}, []string{"advertiser_name", "time_zone"}},
		{"/settings/users", url.Values{"name": {""}, "email": {"x@"}, "password": {"pw"}, "role": {"marketer"}}, []string{"name", "email", "password"}},
		{"/settings/users/invite", url.Values{"email": {"ana@example.com"}, "role": {"viewer"}}, []string{"email"}},
		{"/settings/tokens", url.Values{"name": {""}}, []string{"name", "scopes"}},
		{"/account/password", url.Values{"current_password": {"nope"}, "new_password": {"x"}}, []string{"current_password", "new_password"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := c.post(tt.path, tt.form)
			expect(t, res, http.StatusUnprocessableEntity)
			for _, f := range tt.errors {
				if !hasTestID(res.body, "error-"+f) {
					t.Errorf("no error beside %s", f)
				}
			}
		})
	}
	// Nothing was half-written.
	w, _ := h.svc.WorkspaceByName(context.Background(), "Alpha")
	if w.TimeZone != "Europe/Berlin" {
		t.Fatalf("workspace changed by a failed form: %+v", w)
	}
	if ms, _ := h.svc.Members(context.Background(), w.ID); len(ms) != 1 {
		t.Fatalf("members after failed form: %d", len(ms))
	}
}

func TestAdminJourneyAndAudit(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	c.login("ana@example.com")

	res := c.post("/settings/tokens", url.Values{"name": {"Messenger feed"}, "scopes": {"feed", "events"}})
	expect(t, res, http.StatusCreated)
	secret := regexp.MustCompile(`data-testid="new-token-secret">(sa_[A-Za-z0-9_-]+)<`).FindStringSubmatch(res.body)
	if secret == nil {
		t.Fatal("new token not shown")
	}
	if strings.Contains(c.get("/settings/tokens").body, secret[1]) {
		t.Fatal("token secret shown a second time")
	}
	res = c.post("/settings/users/invite", url.Values{"email": {"eva@example.com"}, "role": {"manager"}})
	expect(t, res, http.StatusCreated)
	link := regexp.MustCompile(`http://localhost:8080(/invite/[A-Za-z0-9_-]+)`).FindStringSubmatch(res.body)
	if link == nil {
		t.Fatalf("invitation link not shown: %.500s", res.body)
	}
	eva := h.client()
	expect(t, eva.get(link[1]), http.StatusOK)
	expect(t, eva.post(link[1], url.Values{"name": {"Eva"}, "password": {"x"}}), http.StatusUnprocessableEntity)
	expect(t, eva.post(link[1], url.Values{"name": {"Eva"}, "password": {testPassword}}), http.StatusSeeOther)
	dash := eva.get("/dashboard")
	expect(t, dash, http.StatusOK)
	if !strings.Contains(dash.body, "Manager") {
		t.Fatal("invited manager's dashboard does not show the role")
	}
	// The manager reads the audit log; it names who did what.
	audit := eva.get("/settings/audit")
	expect(t, audit, http.StatusOK)
	for _, want := range []string{"API token created", "Invitation accepted", "ana@example.com"} {
		if !strings.Contains(audit.body, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	filtered := eva.get("/settings/audit?action=token.create")
	_, table, _ := strings.Cut(filtered.body, `data-testid="audit-table"`)
	if strings.Contains(table, "Invitation accepted") || !strings.Contains(table, "API token created") {
		t.Error("audit filter by action does not filter")
	}
	expect(t, eva.get("/settings/audit?from=yesterday"), http.StatusUnprocessableEntity)
}

func TestLanguageAndFormatting(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	c := h.client()
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
	if res := c.do(req); !strings.Contains(res.body, "Anmelden") || !strings.Contains(res.body, `lang="de"`) {
		t.Fatal("German browser does not get German")
	}
	c.login("ana@example.com")
	expect(t, c.post("/account/language", url.Values{"locale": {"de"}}), http.StatusSeeOther)
	if res := c.get("/dashboard"); !strings.Contains(res.body, "Kampagnen") {
		t.Fatal("chosen language not applied")
	}
}

func TestHealthAndHeaders(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	c := h.client()
	expect(t, c.get("/healthz"), http.StatusOK)
	res := c.get("/readyz")
	expect(t, res, http.StatusOK)
	if !strings.Contains(res.body, `"schema_version"`) {
		t.Fatalf("readyz: %s", res.body)
	}
	res = c.get("/login")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "media-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
	for _, hd := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
		if res.Header.Get(hd) == "" {
			t.Errorf("missing header %s", hd)
		}
	}
	res = c.get("/no/such/page")
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown page: %d", res.StatusCode)
	}
}

// TestCatalogCoversViews: every literal message key used in the web layer
// exists in English and German.
func TestCatalogCoversViews(t *testing.T) {
	key := regexp.MustCompile(`\.T\("([a-z_0-9.]+)"|T\((?:st\.Lang|lang|state\(c\)\.Lang), "([a-z_0-9.]+)"|"(flash\.[a-z_]+)"`)
	var missing []string
	seen := 0
	filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2] + m[3]
			if strings.HasSuffix(k, ".") {
				continue // a prefix completed at run time
			}
			seen++
			if !i18n.Has(k) {
				missing = append(missing, path+": "+k)
			}
		}
		return nil
	})
	sort.Strings(missing)
	if seen < 50 {
		t.Fatalf("found only %d keys; the scan is broken", seen)
	}
	if len(missing) > 0 {
		t.Fatalf("keys missing from the catalog:\n%s", strings.Join(missing, "\n"))
	}
	for _, r := range accounts.Roles {
		if !i18n.Has("role." + string(r)) {
			t.Errorf("role %s has no name", r)
		}
	}
	for _, s := range accounts.Scopes {
		if !i18n.Has("scope." + string(s)) {
			t.Errorf("scope %s has no name", s)
		}
	}
}

func TestAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		ctx := context.Background()
		_, read, _ := h.svc.CreateToken(ctx, w.ID, "reader", []accounts.Scope{accounts.ScopeRead})
		ftok, feed, _ := h.svc.CreateToken(ctx, w.ID, "feed", []accounts.Scope{accounts.ScopeFeed})
		call := func(token, path string) (int, map[string]any) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := h.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			json.NewDecoder(res.Body).Decode(&body)
			return res.StatusCode, body
		}
		status, body := call("", "/api/v1/me")
		if status != 401 || body["error"].(map[string]any)["code"] != "unauthorized" {
			t.Fatalf("no token: %d %v", status, body)
		}
		status, body = call(read, "/api/v1/me")
		if status != 200 || body["workspace"].(map[string]any)["name"] != "Alpha" {
			t.Fatalf("me: %d %v", status, body)
		}
		status, body = call(read, "/api/v1/audit?limit=2")
		if status != 200 || len(body["entries"].([]any)) != 2 {
			t.Fatalf("audit: %d %v", status, body)
		}
		status, body = call(read, "/api/v1/audit?limit=0")
		if status != 400 || body["error"].(map[string]any)["field"] != "limit" {
			t.Fatalf("bad limit: %d %v", status, body)
		}
		if status, _ = call(feed, "/api/v1/me"); status != 403 {
			t.Fatalf("feed token reading /me: %d", status)
		}
		if status, _ = call(read, "/api/v1/nothing"); status != 404 {
			t.Fatalf("unknown API path: %d", status)
		}
		h.svc.RevokeToken(ctx, w.ID, ftok.ID)
		if status, body = call(feed, "/api/v1/me"); status != 401 || body["error"].(map[string]any)["code"] != "invalid_token" {
			t.Fatalf("revoked token: %d %v", status, body)
		}
		// API state changes need no CSRF token but do need a bearer token.
		req := httptest.NewRequest(http.MethodPost, "/api/v1/me", nil)
		res, _ := h.app.Test(req, -1)
		if res.StatusCode != 401 {
			t.Fatalf("anonymous API POST: %d", res.StatusCode)
		}
	})
}

// TestOpenAPIMatchesRoutes keeps the served description true.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	res, err := h.app.Test(httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil), -1)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("openapi: %v %d", err, res.StatusCode)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range h.app.GetRoutes(true) {
		if strings.HasPrefix(r.Path, "/api/v1/") && r.Method != "USE" && r.Method != "HEAD" {
			p := regexp.MustCompile(`:([a-z_]+)`).ReplaceAllString(r.Path, "{$1}")
			served[r.Method+" "+p] = true
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("openapi.json documents %s, which is not served", k)
		}
	}
}

// TestAuditActionsHaveNames: every action the services record has a name in
// both languages, so the audit log never shows a raw identifier.
func TestAuditActionsHaveNames(t *testing.T) {
	re := regexp.MustCompile(`Audit\(ctx, tx, [a-zA-Z.]+, "([a-z_.]+)"`)
	found := 0
	for _, dir := range []string{"../accounts", "../targeting"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found++
				if !i18n.Has("audit.action." + m[1]) {
					t.Errorf("%s: audit action %q has no name", f, m[1])
				}
			}
		}
	}
	if found < 15 {
		t.Fatalf("found only %d audit actions; the scan is broken", found)
	}
}
