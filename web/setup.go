package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

var setupFields = []string{"name", "email", "workspace_name", "advertiser_name", "payer_name", "time_zone", "currency", "locale"}

// showSetup renders the first-run form for a valid one-time setup link.
func (s *server) showSetup(c *fiber.Ctx) error {
	token := c.Query("token")
	if token == "" || !s.Accounts.SetupTokenValid(c.UserContext(), token) {
		return fiber.ErrNotFound
	}
	st := state(c)
	f := views.Form{Values: map[string]string{"time_zone": "Europe/Berlin", "currency": "EUR", "locale": st.Lang}}
	p := s.page(c, i18n.T(st.Lang, "setup.title"), "")
	return render(c, fiber.StatusOK, views.Setup(p, views.SetupProps{Token: token, Form: f, Zones: views.TimeZoneOptions("")}))
}

// completeSetup creates the first admin and workspace and signs them in.
func (s *server) completeSetup(c *fiber.Ctx) error {
	st := state(c)
	token := c.FormValue("token")
	vals := formValues(c, setupFields...)
	u, _, err := s.Accounts.CompleteSetup(s.ctx(c), token,
		accounts.UserInput{Email: vals["email"], Name: vals["name"], Password: c.FormValue("password"), Locale: vals["locale"]},
		accounts.WorkspaceInput{Name: vals["workspace_name"], AdvertiserName: vals["advertiser_name"], PayerName: vals["payer_name"],
			TimeZone: vals["time_zone"], Currency: vals["currency"], Locale: vals["locale"]})
	if fe, ok := formErrors(st.Lang, err); ok {
		p := s.page(c, i18n.T(st.Lang, "setup.title"), "")
		return render(c, fiber.StatusUnprocessableEntity, views.Setup(p, views.SetupProps{Token: token, Form: views.Form{Values: vals, Errors: fe}, Zones: views.TimeZoneOptions(vals["time_zone"])}))
	} else if errors.Is(err, accounts.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	sess, err := s.Accounts.StartSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	s.setCookie(c, s.cookies.session, sess.Token, time.Until(sess.ExpiresAt))
	s.flash(c, "success", "flash.setup_done")
	return redirect(c, "/dashboard")
}

// showInvite renders the form that accepts an invitation.
func (s *server) showInvite(c *fiber.Ctx) error {
	ip, _, err := s.inviteProps(c)
	if err != nil {
		return err
	}
	p := s.page(c, i18n.T(state(c).Lang, "invite.title", ip.WorkspaceName), "")
	return render(c, fiber.StatusOK, views.AcceptInvite(p, ip))
}

func (s *server) inviteProps(c *fiber.Ctx) (views.InviteProps, int64, error) {
	token := c.Params("token")
	inv, ws, err := s.Accounts.Invitation(c.UserContext(), token)
	if err != nil {
		return views.InviteProps{}, 0, err
	}
	_, uerr := s.Accounts.UserByEmail(c.UserContext(), inv.Email)
	return views.InviteProps{Token: token, Email: inv.Email, WorkspaceName: ws.Name, Role: i18n.T(state(c).Lang, "role."+string(inv.Role)),
		Existing: uerr == nil}, ws.ID, nil
}

// acceptInvite joins the workspace and signs the person in.
func (s *server) acceptInvite(c *fiber.Ctx) error {
	ip, wsID, err := s.inviteProps(c)
	if err != nil {
		return err
	}
	st := state(c)
	u, err := s.Accounts.AcceptInvitation(s.ctx(c), ip.Token, c.FormValue("name"), c.FormValue("password"))
	if fe, ok := formErrors(st.Lang, err); ok {
		ip.Form = views.Form{Values: formValues(c, "name"), Errors: fe}
		p := s.page(c, i18n.T(st.Lang, "invite.title", ip.WorkspaceName), "")
		return render(c, fiber.StatusUnprocessableEntity, views.AcceptInvite(p, ip))
	} else if err != nil {
		return err
	}
	if old := c.Cookies(s.cookies.session); old != "" {
		s.Accounts.Logout(c.UserContext(), old)
	}
	sess, err := s.Accounts.StartSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := s.Accounts.SwitchWorkspace(c.UserContext(), sess.Token, wsID); err != nil {
		return err
	}
	s.setCookie(c, s.cookies.session, sess.Token, time.Until(sess.ExpiresAt))
	s.flash(c, "success", "flash.invite_accepted")
	return redirect(c, "/dashboard")
}
