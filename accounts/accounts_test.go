package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/testdb"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func newService(g *gorm.DB) (*accounts.Service, *clock.Manual) {
	clk := clock.NewManual(t0)
	return accounts.NewService(g, clk, accounts.Options{BcryptCost: bcrypt.MinCost, SessionIdle: time.Hour, SessionMax: 24 * time.Hour}), clk
}

func wsInput(name string) accounts.WorkspaceInput {
	return accounts.WorkspaceInput{Name: name, AdvertiserName: name + " GmbH", PayerName: name + " GmbH", TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "de"}
}

func seed(t *testing.T, s *accounts.Service, email, wsName string, role accounts.Role) (accounts.User, accounts.Workspace) {
	t.Helper()
	u, w, _, err := s.Bootstrap(context.Background(), accounts.UserInput{Email: email, Name: "Test " + email, Password: "correct horse battery"}, wsInput(wsName), role, false)
	if err != nil {
		t.Fatal(err)
	}
	return u, w
}

func fieldCode(err error, field string) string {
	var ve *accounts.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields[field]
	}
	return ""
}

func TestWorkspaceValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, _ := newService(g)
		ctx := context.Background()
		u, _ := seed(t, s, "a@example.com", "Alpha", accounts.RoleAdmin)
		tests := []struct {
			name  string
			edit  func(*accounts.WorkspaceInput)
			field string
			code  string
		}{
			{"missing name", func(w *accounts.WorkspaceInput) { w.Name = " " }, "name", "required"},
			{"bad zone", func(w *accounts.WorkspaceInput) { w.TimeZone = "Mars/Olympus" }, "time_zone", "invalid_time_zone"},
			{"bad currency", func(w *accounts.WorkspaceInput) { w.Currency = "XXX" }, "currency", "invalid_currency"},
			{"bad locale", func(w *accounts.WorkspaceInput) { w.Locale = "fr" }, "locale", "invalid_locale"},
			{"missing payer", func(w *accounts.WorkspaceInput) { w.PayerName = "" }, "payer_name", "required"},
		}
		for _, tt := range tests {
			in := wsInput("Beta")
			tt.edit(&in)
			_, err := s.CreateWorkspace(ctx, in, u.ID)
			if got := fieldCode(err, tt.field); got != tt.code {
				t.Errorf("%s: field %s = %q (err %v), want %q", tt.name, tt.field, got, err, tt.code)
			}
		}
		w, err := s.CreateWorkspace(ctx, wsInput("Beta"), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		wss, _ := s.WorkspacesOf(ctx, u.ID)
		if len(wss) != 2 || wss[1].ID != w.ID || wss[1].Role != accounts.RoleAdmin {
			t.Fatalf("workspaces of user: %+v", wss)
		}
	})
}

func TestLoginSessionsAndTimeouts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, clk := newService(g)
		ctx := context.Background()
		u, w := seed(t, s, "Ana@Example.com", "Alpha", accounts.RoleMarketer)

		if _, err := s.Login(ctx, "ana@example.com", "wrong password!", "10.0.0.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.Login(ctx, "nobody@example.com", "whatever12345", "10.0.0.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Fatalf("unknown email must look the same: %v", err)
		}
		sess, err := s.Login(ctx, " ANA@example.com ", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if sess.Token == "" || sess.User.ID != u.ID || sess.Workspace.ID != w.ID || sess.Role != accounts.RoleMarketer {
			t.Fatalf("session %+v", sess)
		}
		again, _ := s.Login(ctx, "ana@example.com", "correct horse battery", "10.0.0.1")
		if again.Token == sess.Token {
			t.Fatal("each login must get a new session id")
		}
		// Idle timeout: 59 minutes keeps it alive (and refreshes), 61 more end it.
		clk.Advance(59 * time.Minute)
		if _, err := s.Session(ctx, sess.Token); err != nil {
			t.Fatalf("session within idle window: %v", err)
		}
		clk.Advance(61 * time.Minute)
		if _, err := s.Session(ctx, sess.Token); !errors.Is(err, accounts.ErrSessionExpired) {
			t.Fatalf("idle session: %v", err)
		}
		// Absolute timeout even when active.
		s3, _ := s.Login(ctx, "ana@example.com", "correct horse battery", "10.0.0.1")
		for i := 0; i < 25; i++ {
			clk.Advance(59 * time.Minute)
			if _, err := s.Session(ctx, s3.Token); err != nil {
				if i < 24 {
					t.Fatalf("session ended early after %d steps: %v", i, err)
				}
				break
			}
			if i == 24 {
				t.Fatal("session outlived its absolute lifetime")
			}
		}
		// Logout ends the session.
		s4, _ := s.Login(ctx, "ana@example.com", "correct horse battery", "10.0.0.1")
		if err := s.Logout(ctx, s4.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, s4.Token); !errors.Is(err, accounts.ErrSessionExpired) {
			t.Fatalf("after logout: %v", err)
		}
	})
}

func TestLoginLimiter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, clk := newService(g)
		ctx := context.Background()
		seed(t, s, "ana@example.com", "Alpha", accounts.RoleAdmin)
		for i := 0; i < 5; i++ {
			if _, err := s.Login(ctx, "ana@example.com", "nope-nope-nope", "10.0.0.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		var rl *accounts.RateLimitedError
		// Even the right password is refused while locked, from any address.
		if _, err := s.Login(ctx, "ana@example.com", "correct horse battery", "10.0.0.9"); !errors.As(err, &rl) || rl.RetryAfter != 15*time.Minute {
			t.Fatalf("locked account: %v", err)
		}
		// An unknown email locks the same way (no enumeration by lock behaviour).
		for i := 0; i < 5; i++ {
			s.Login(ctx, "ghost@example.com", "nope-nope-nope", "10.0.0.2")
		}
		if _, err := s.Login(ctx, "ghost@example.com", "nope-nope-nope", "10.0.0.3"); !errors.As(err, &rl) {
			t.Fatalf("unknown email not limited: %v", err)
		}
		clk.Advance(16 * time.Minute)
		if _, err := s.Login(ctx, "ana@example.com", "correct horse battery", "10.0.0.1"); err != nil {
			t.Fatalf("after lock expiry: %v", err)
		}
		// By address: 20 failures over many emails lock the address.
		for i := 0; i < 20; i++ {
			s.Login(ctx, "user"+string(rune('a'+i))+"@example.com", "nope-nope-nope", "10.9.9.9")
		}
		if _, err := s.Login(ctx, "ana@example.com", "correct horse battery", "10.9.9.9"); !errors.As(err, &rl) {
			t.Fatalf("address not limited: %v", err)
		}
	})
}

func TestWorkspaceSwitchAndIsolation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, _ := newService(g)
		ctx := context.Background()
		u, a := seed(t, s, "ana@example.com", "Alpha", accounts.RoleAdmin)
		_, b := seed(t, s, "bob@example.com", "Bravo", accounts.RoleAdmin)
		sess, err := s.Login(ctx, "ana@example.com", "correct horse battery", "1.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SwitchWorkspace(ctx, sess.Token, b.ID); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("switch to foreign workspace: %v", err)
		}
		c, err := s.CreateWorkspace(accounts.WithActor(ctx, accounts.UserActor(u, "")), wsInput("Charlie"), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SwitchWorkspace(ctx, sess.Token, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Session(ctx, sess.Token)
		if got.Workspace.ID != c.ID || got.Role != accounts.RoleAdmin {
			t.Fatalf("after switch: %+v", got)
		}
		// Tokens of another workspace are not found.
		tok, secret, err := s.CreateToken(ctx, a.ID, "CRM sync", []accounts.Scope{accounts.ScopeRead})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "sa_") || strings.Contains(tok.TokenHash, secret) {
			t.Fatal("token secret format or storage")
		}
		if err := s.RevokeToken(ctx, b.ID, tok.ID); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("revoke foreign token: %v", err)
		}
		if _, err := s.Member(ctx, b.ID, u.ID); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("foreign member: %v", err)
		}
		if _, err := s.AuditEntry(ctx, b.ID, 1); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("foreign audit entry: %v", err)
		}
	})
}

func TestTokensAndAudit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, _ := newService(g)
		u, w := seed(t, s, "ana@example.com", "Alpha", accounts.RoleAdmin)
		ctx := accounts.WithActor(context.Background(), accounts.UserActor(u, "req-1"))
		tok, secret, err := s.CreateToken(ctx, w.ID, "Messenger feed", []accounts.Scope{accounts.ScopeFeed})
		if err != nil {
			t.Fatal(err)
		}
		got, gw, err := s.AuthenticateToken(ctx, secret)
		if err != nil || got.ID != tok.ID || gw.ID != w.ID || !got.HasScope(accounts.ScopeFeed) || got.HasScope(accounts.ScopeAll) {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, _, err := s.AuthenticateToken(ctx, secret+"x"); !errors.Is(err, accounts.ErrTokenInvalid) {
			t.Fatalf("wrong secret: %v", err)
		}
		if err := s.RevokeToken(ctx, w.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, w.ID, tok.ID); !errors.Is(err, accounts.ErrConflict) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, _, err := s.AuthenticateToken(ctx, secret); !errors.Is(err, accounts.ErrTokenInvalid) {
			t.Fatalf("revoked token still works: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, w.ID, "", nil); fieldCode(err, "name") != "required" || fieldCode(err, "scopes") != "required" {
			t.Fatalf("validation: %v", err)
		}
		entries, err := s.ListAudit(ctx, w.ID, accounts.AuditFilter{ObjectType: "api_token"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" {
			t.Fatalf("audit entries: %+v", entries)
		}
		e := entries[1]
		if e.ActorType != "user" || e.ActorLabel != "ana@example.com" || e.RequestID != "req-1" || e.AfterData == nil || strings.Contains(*e.AfterData, secret) {
			t.Fatalf("audit entry content: %+v", e)
		}
		byActor, _ := s.ListAudit(ctx, w.ID, accounts.AuditFilter{Actor: "ANA@"})
		if len(byActor) != 2 {
			t.Fatalf("filter by actor: %d", len(byActor))
		}
		none, _ := s.ListAudit(ctx, w.ID, accounts.AuditFilter{Actor: "%"})
		if len(none) != 0 {
			t.Fatalf("LIKE wildcard not escaped: %d", len(none))
		}
	})
}

func TestRolesMembersAndInvitations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, _ := newService(g)
		admin, w := seed(t, s, "ana@example.com", "Alpha", accounts.RoleAdmin)
		ctx := accounts.WithActor(context.Background(), accounts.UserActor(admin, ""))
		if err := s.ChangeRole(ctx, w.ID, admin.ID, accounts.RoleViewer); !errors.Is(err, accounts.ErrConflict) {
			t.Fatalf("demoting the last admin: %v", err)
		}
		if err := s.SetMemberDisabled(ctx, w.ID, admin.ID, true); !errors.Is(err, accounts.ErrConflict) {
			t.Fatalf("disabling the last admin: %v", err)
		}
		m, err := s.CreateMember(ctx, w.ID, accounts.UserInput{Email: "max@example.com", Name: "Max", Password: "short"}, accounts.RoleMarketer)
		if fieldCode(err, "password") != "password_too_short" {
			t.Fatalf("short password: %v", err)
		}
		m, err = s.CreateMember(ctx, w.ID, accounts.UserInput{Email: "max@example.com", Name: "Max", Password: "long enough pw"}, accounts.RoleMarketer)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.Login(ctx, "max@example.com", "long enough pw", "2.2.2.2")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetMemberDisabled(ctx, w.ID, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, sess.Token); !errors.Is(err, accounts.ErrSessionExpired) {
			t.Fatalf("disabled member's session: %v", err)
		}
		if _, err := s.Login(ctx, "max@example.com", "long enough pw", "2.2.2.2"); !errors.Is(err, accounts.ErrNoWorkspace) {
			t.Fatalf("disabled member login: %v", err)
		}

		inv, secret, err := s.Invite(ctx, w.ID, "Eva@Example.com", accounts.RoleManager)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Invite(ctx, w.ID, "ana@example.com", accounts.RoleManager); fieldCode(err, "email") != "already_member" {
			t.Fatalf("invite existing member: %v", err)
		}
		eva, err := s.AcceptInvitation(context.Background(), secret, "Eva", "evas long password")
		if err != nil {
			t.Fatal(err)
		}
		mem, err := s.Member(ctx, w.ID, eva.ID)
		if err != nil || mem.Role != accounts.RoleManager || mem.Email != "eva@example.com" {
			t.Fatalf("invited member: %+v %v", mem, err)
		}
		if _, err := s.AcceptInvitation(context.Background(), secret, "Eva", "evas long password"); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("invitation used twice: %v", err)
		}
		_ = inv
	})
}

func TestSetupOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		s, _ := newService(g)
		ctx := context.Background()
		secret, err := s.NewSetupToken(ctx)
		if err != nil || secret == "" {
			t.Fatalf("setup token: %q %v", secret, err)
		}
		if s.SetupTokenValid(ctx, "guess") || !s.SetupTokenValid(ctx, secret) {
			t.Fatal("setup token validity")
		}
		_, _, err = s.CompleteSetup(ctx, secret, accounts.UserInput{Email: "bad", Name: "", Password: "x"}, wsInput(""))
		for _, f := range []string{"email", "password", "workspace_name"} {
			if fieldCode(err, f) == "" {
				t.Errorf("setup validation misses %s: %v", f, err)
			}
		}
		u, w, err := s.CompleteSetup(ctx, secret, accounts.UserInput{Email: "root@example.com", Name: "Root", Password: "long enough pw"}, wsInput("First"))
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := s.Member(ctx, w.ID, u.ID); m.Role != accounts.RoleAdmin {
			t.Fatalf("first user role %q", m.Role)
		}
		if _, _, err := s.CompleteSetup(ctx, secret, accounts.UserInput{Email: "x@example.com", Name: "X", Password: "long enough pw"}, wsInput("Second")); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("second setup: %v", err)
		}
		if again, _ := s.NewSetupToken(ctx); again != "" {
			t.Fatal("no setup token once users exist")
		}
	})
}

func TestRolePermissions(t *testing.T) {
	tests := []struct {
		role accounts.Role
		perm accounts.Permission
		want bool
	}{
		{accounts.RoleAdmin, accounts.PermManageWorkspace, true},
		{accounts.RoleViewer, accounts.PermManageWorkspace, false},
		{accounts.RoleViewer, accounts.PermEditCampaigns, false},
		{accounts.RoleMarketer, accounts.PermEditCampaigns, true},
		{accounts.RoleMarketer, accounts.PermApprove, false},
		{accounts.RoleManager, accounts.PermApprove, true},
		{accounts.RoleScheduler, accounts.PermOperateSchedule, true},
		{accounts.RoleScheduler, accounts.PermViewReports, false},
		{accounts.Role("owner"), accounts.PermViewDashboard, false},
	}
	for _, tt := range tests {
		if got := tt.role.Can(tt.perm); got != tt.want {
			t.Errorf("%s can %s = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
}
