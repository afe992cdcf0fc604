package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// showDashboard renders the workspace overview.
func (s *server) showDashboard(c *fiber.Ctx) error {
	st := state(c)
	sess := st.Session
	ctx := c.UserContext()
	wsID := sess.Workspace.ID
	members, err := s.Accounts.Members(ctx, wsID)
	if err != nil {
		return err
	}
	tokens, err := s.Accounts.Tokens(ctx, wsID)
	if err != nil {
		return err
	}
	var active int64
	for _, t := range tokens {
		if t.RevokedAt == nil {
			active++
		}
	}
	changes, err := s.Accounts.CountAudit(ctx, wsID, s.Clock.Now().AddDate(0, 0, -7))
	if err != nil {
		return err
	}
	recent, err := s.Accounts.ListAudit(ctx, wsID, accounts.AuditFilter{Limit: 8})
	if err != nil {
		return err
	}
	d := views.DashboardProps{Members: int64(len(members)), ActiveTokens: active, Changes7d: changes, Recent: recent}
	if sess.Role.Can(accounts.PermViewAudiences) {
		est, err := s.Targeting.Estimate(ctx, wsID, targeting.Spec{})
		if err != nil {
			return err
		}
		d.ShowAudience, d.Profiles, d.Reachable = true, est.Total, est.Eligible
	}
	if sess.Role.Can(accounts.PermManageWorkspace) {
		d.Steps = []views.Step{
			{Label: i18n.T(st.Lang, "dashboard.step_workspace"), Href: "/settings", Done: true},
			{Label: i18n.T(st.Lang, "dashboard.step_team"), Href: "/settings/users", Done: len(members) > 1},
			{Label: i18n.T(st.Lang, "dashboard.step_import"), Href: "/audiences/imports", Done: d.Profiles > 0},
			{Label: i18n.T(st.Lang, "dashboard.step_token"), Href: "/settings/tokens", Done: active > 0},
		}
	} else {
		d.Steps = []views.Step{{Label: i18n.T(st.Lang, "dashboard.step_joined"), Done: true}}
	}
	p := s.page(c, i18n.T(st.Lang, "nav.dashboard"), "dashboard")
	return render(c, fiber.StatusOK, views.Dashboard(p, d))
}

// showSection renders a section whose lists are still empty in this release.
func (s *server) showSection(key string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := s.page(c, i18n.T(state(c).Lang, "nav."+key), key)
		return render(c, fiber.StatusOK, views.Section(p, views.SectionProps{Key: key}))
	}
}

// switchWorkspace moves the session to another of the user's workspaces.
func (s *server) switchWorkspace(c *fiber.Ctx) error {
	id, err := parseID(c.FormValue("workspace_id"))
	if err != nil {
		return err
	}
	if err := s.Accounts.SwitchWorkspace(c.UserContext(), c.Cookies(s.cookies.session), id); err != nil {
		return err
	}
	s.flash(c, "success", "flash.workspace_switched")
	return redirect(c, "/dashboard")
}
