package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

var workspaceFields = []string{"name", "advertiser_name", "payer_name", "time_zone", "currency", "locale"}

// settingsHome opens the first settings tab the role may see.
func (s *server) settingsHome(c *fiber.Ctx) error {
	role := state(c).Session.Role
	switch {
	case role.Can(accounts.PermManageWorkspace):
		return s.showWorkspaceSettings(c)
	case role.Can(accounts.PermViewAudit):
		return c.Redirect("/settings/audit", fiber.StatusSeeOther)
	}
	return accounts.ErrForbidden
}

func (s *server) showWorkspaceSettings(c *fiber.Ctx) error {
	w := state(c).Session.Workspace
	f := views.Form{Values: map[string]string{"name": w.Name, "advertiser_name": w.AdvertiserName, "payer_name": w.PayerName,
		"time_zone": w.TimeZone, "currency": w.Currency, "locale": w.Locale}}
	p := s.page(c, i18n.T(state(c).Lang, "settings.workspace"), "settings")
	return render(c, fiber.StatusOK, views.WorkspaceSettings(p, f))
}

// saveWorkspace updates the current workspace's settings.
func (s *server) saveWorkspace(c *fiber.Ctx) error {
	st := state(c)
	vals := formValues(c, workspaceFields...)
	_, err := s.Accounts.UpdateWorkspace(s.ctx(c), st.Session.Workspace.ID, accounts.WorkspaceInput{Name: vals["name"],
		AdvertiserName: vals["advertiser_name"], PayerName: vals["payer_name"], TimeZone: vals["time_zone"], Currency: vals["currency"], Locale: vals["locale"]})
	if fe, ok := formErrors(st.Lang, err); ok {
		p := s.page(c, i18n.T(st.Lang, "settings.workspace"), "settings")
		return render(c, fiber.StatusUnprocessableEntity, views.WorkspaceSettings(p, views.Form{Values: vals, Errors: fe}))
	} else if err != nil {
		return err
	}
	s.flash(c, "success", "flash.workspace_saved")
	return redirect(c, "/settings")
}
