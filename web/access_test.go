package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/testdb"
	"gorm.io/gorm"
)

// TestTenantIsolation: every route that takes an id answers 404 for another
// workspace's object, and nothing changes.
func TestTenantIsolation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		bob, b := h.seed("bob@example.com", "Bravo", accounts.RoleAdmin)
		ctx := accounts.WithActor(context.Background(), accounts.UserActor(bob, ""))
		carl, err := h.svc.CreateMember(ctx, b.ID, accounts.UserInput{Email: "carl@example.com", Name: "Carl", Password: testPassword}, accounts.RoleMarketer)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := h.svc.CreateToken(ctx, b.ID, "Bravo feed", []accounts.Scope{accounts.ScopeFeed})
		if err != nil {
			t.Fatal(err)
		}
		inv, _, err := h.svc.Invite(ctx, b.ID, "dora@example.com", accounts.RoleViewer)
		if err != nil {
			t.Fatal(err)
		}
		entries, _ := h.svc.ListAudit(ctx, b.ID, accounts.AuditFilter{})
		if len(entries) == 0 {
			t.Fatal("no audit entries in B")
		}

		c := h.client()
		c.login("ana@example.com")
		routes := []struct {
			method, path string
			form         url.Values
		}{
			{"POST", fmt.Sprintf("/settings/users/%d/role", carl.ID), url.Values{"role": {"admin"}}},
			{"POST", fmt.Sprintf("/settings/users/%d/disable", carl.ID), nil},
			{"POST", fmt.Sprintf("/settings/users/%d/enable", carl.ID), nil},
			{"POST", fmt.Sprintf("/settings/invitations/%d/revoke", inv.ID), nil},
			{"POST", fmt.Sprintf("/settings/tokens/%d/revoke", tok.ID), nil},
			{"GET", fmt.Sprintf("/settings/audit/%d", entries[0].ID), nil},
			{"POST", "/workspace/switch", url.Values{"workspace_id": {fmt.Sprint(b.ID)}}},
			{"GET", "/settings/audit/abc", nil},
		}
		for _, r := range routes {
			var res response
			if r.method == "GET" {
				res = c.get(r.path)
			} else {
				res = c.post(r.path, r.form)
			}
			if res.StatusCode != http.StatusNotFound || !hasTestID(res.body, "error-page") {
				t.Errorf("%s %s: status %d, want 404 error page", r.method, r.path, res.StatusCode)
			}
		}
		m, _ := h.svc.Member(ctx, b.ID, carl.ID)
		if m.Role != accounts.RoleMarketer || !m.Active() {
			t.Fatalf("B's member was changed: %+v", m)
		}
		toks, _ := h.svc.Tokens(ctx, b.ID)
		if toks[0].RevokedAt != nil {
			t.Fatal("B's token was revoked")
		}
		// A's pages never list B's data.
		for _, path := range []string{"/settings/users", "/settings/tokens", "/settings/audit", "/dashboard"} {
			res := c.get(path)
			for _, leak := range []string{"carl@example.com", "Bravo feed", "dora@example.com", "bob@example.com"} {
				if strings.Contains(res.body, leak) {
					t.Errorf("%s shows %q from another workspace", path, leak)
				}
			}
		}
	})
}

// TestRoleChecks: routes check roles server-side, not only the menu.
func TestRoleChecks(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	admin, w := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	ctx := accounts.WithActor(context.Background(), accounts.UserActor(admin, ""))
	for _, r := range []accounts.Role{accounts.RoleViewer, accounts.RoleMarketer, accounts.RoleManager, accounts.RoleScheduler} {
		if _, err := h.svc.CreateMember(ctx, w.ID, accounts.UserInput{Email: string(r) + "@example.com", Name: string(r), Password: testPassword}, r); err != nil {
			t.Fatal(err)
		}
	}
	adminOnly := []struct {
		method, path string
	}{
		{"GET", "/settings/users"}, {"GET", "/settings/tokens"}, {"POST", "/settings"}, {"POST", "/settings/users"},
		{"POST", "/settings/users/invite"}, {"POST", fmt.Sprintf("/settings/users/%d/role", admin.ID)},
		{"POST", fmt.Sprintf("/settings/users/%d/disable", admin.ID)}, {"POST", "/settings/tokens"}, {"POST", "/settings/tokens/1/revoke"},
	}
	tests := []struct {
		role      accounts.Role
		visible   []string // nav entries
		hidden    []string
		forbidden []string // GET paths answering 403
	}{
		{accounts.RoleViewer, []string{"nav-dashboard", "nav-campaigns", "nav-reports"}, []string{"nav-settings", "nav-audiences", "nav-schedule"}, []string{"/audiences", "/schedule", "/settings", "/settings/audit"}},
		{accounts.RoleMarketer, []string{"nav-campaigns", "nav-audiences", "nav-reports"}, []string{"nav-settings"}, []string{"/settings", "/settings/audit"}},
		{accounts.RoleManager, []string{"nav-reports", "nav-settings"}, nil, nil},
		{accounts.RoleScheduler, []string{"nav-schedule"}, []string{"nav-reports", "nav-settings", "nav-audiences"}, []string{"/reports", "/audiences"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			c := h.client()
			c.login(string(tt.role) + "@example.com")
			dash := c.get("/dashboard")
			for _, id := range tt.visible {
				if !hasTestID(dash.body, id) {
					t.Errorf("menu lacks %s", id)
				}
			}
			for _, id := range tt.hidden {
				if hasTestID(dash.body, id) {
					t.Errorf("menu shows %s", id)
				}
			}
			for _, p := range tt.forbidden {
				expect(t, c.get(p), http.StatusForbidden)
			}
			for _, r := range adminOnly {
				var res response
				if r.method == "GET" {
					res = c.get(r.path)
				} else {
					res = c.post(r.path, url.Values{"role": {"admin"}, "name": {"x"}, "scopes": {"all"}})
				}
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", r.method, r.path, tt.role, res.StatusCode)
				}
			}
		})
	}
	m, _ := h.svc.Member(ctx, w.ID, admin.ID)
	if m.Role != accounts.RoleAdmin || !m.Active() {
		t.Fatal("a forbidden request changed the admin")
	}
	if toks, _ := h.svc.Tokens(ctx, w.ID); len(toks) != 0 {
		t.Fatal("a forbidden request created a token")
	}
}
