package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

func (s *server) renderUsers(c *fiber.Ctx, status int, up views.UsersProps) error {
	ctx := c.UserContext()
	wsID := state(c).Session.Workspace.ID
	var err error
	if up.Members, err = s.Accounts.Members(ctx, wsID); err != nil {
		return err
	}
	if up.Invitations, err = s.Accounts.PendingInvitations(ctx, wsID); err != nil {
		return err
	}
	if up.Invite.Values == nil {
		up.Invite.Values = map[string]string{"role": string(accounts.RoleMarketer)}
	}
	if up.Create.Values == nil {
		up.Create.Values = map[string]string{"role": string(accounts.RoleMarketer)}
	}
	p := s.page(c, i18n.T(state(c).Lang, "settings.users"), "settings")
	return render(c, status, views.Users(p, up))
}

// showUsers lists the workspace's members and invitations.
func (s *server) showUsers(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, views.UsersProps{})
}

// createUser adds a member with an initial password.
func (s *server) createUser(c *fiber.Ctx) error {
	st := state(c)
	vals := formValues(c, "name", "email", "role")
	_, err := s.Accounts.CreateMember(s.ctx(c), st.Session.Workspace.ID,
		accounts.UserInput{Email: vals["email"], Name: vals["name"], Password: c.FormValue("password"), Locale: st.Session.Workspace.Locale},
		accounts.Role(vals["role"]))
	if fe, ok := formErrors(st.Lang, err); ok {
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, views.UsersProps{Create: views.Form{Values: vals, Errors: fe}})
	} else if err != nil {
		return err
	}
	s.flash(c, "success", "flash.user_created")
	return redirect(c, "/settings/users")
}

// inviteUser creates a one-time invitation link, shown once.
func (s *server) inviteUser(c *fiber.Ctx) error {
	st := state(c)
	vals := formValues(c, "email", "role")
	_, secret, err := s.Accounts.Invite(s.ctx(c), st.Session.Workspace.ID, vals["email"], accounts.Role(vals["role"]))
	if fe, ok := formErrors(st.Lang, err); ok {
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, views.UsersProps{Invite: views.Form{Values: vals, Errors: fe}})
	} else if err != nil {
		return err
	}
	return s.renderUsers(c, fiber.StatusCreated, views.UsersProps{NewInvite: s.Config.BaseURL.String() + "/invite/" + secret})
}

// changeRole sets a member's role.
func (s *server) changeRole(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.ChangeRole(s.ctx(c), state(c).Session.Workspace.ID, id, accounts.Role(c.FormValue("role"))); err != nil {
		return err
	}
	s.flash(c, "success", "flash.role_changed")
	return redirect(c, "/settings/users")
}

// setUserDisabled disables or re-enables a member.
func (s *server) setUserDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		st := state(c)
		if id == st.Session.User.ID && disabled {
			return accounts.ErrConflict
		}
		if err := s.Accounts.SetMemberDisabled(s.ctx(c), st.Session.Workspace.ID, id, disabled); err != nil {
			return err
		}
		if disabled {
			s.flash(c, "success", "flash.user_disabled")
		} else {
			s.flash(c, "success", "flash.user_enabled")
		}
		return redirect(c, "/settings/users")
	}
}

// revokeInvitation withdraws an open invitation.
func (s *server) revokeInvitation(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeInvitation(s.ctx(c), state(c).Session.Workspace.ID, id); err != nil {
		return err
	}
	s.flash(c, "success", "flash.invitation_revoked")
	return redirect(c, "/settings/users")
}
