package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// showAccount renders the personal settings.
func (s *server) showAccount(c *fiber.Ctx) error {
	p := s.page(c, i18n.T(state(c).Lang, "account.title"), "")
	return render(c, fiber.StatusOK, views.Account(p, views.AccountProps{}))
}

// saveLanguage stores the language the user reads the interface in.
func (s *server) saveLanguage(c *fiber.Ctx) error {
	st := state(c)
	lang := c.FormValue("locale")
	if err := s.Accounts.SetLocale(s.ctx(c), st.Session.User.ID, lang); err != nil {
		return err
	}
	s.setCookie(c, s.cookies.lang, lang, 365*24*time.Hour)
	s.flash(c, "success", "flash.language_saved")
	return redirect(c, "/account")
}

// changePassword replaces the password; other sessions end and this one is
// renewed.
func (s *server) changePassword(c *fiber.Ctx) error {
	st := state(c)
	err := s.Accounts.ChangePassword(s.ctx(c), st.Session.User.ID, c.FormValue("current_password"), c.FormValue("new_password"))
	if fe, ok := formErrors(st.Lang, err); ok {
		p := s.page(c, i18n.T(st.Lang, "account.title"), "")
		return render(c, fiber.StatusUnprocessableEntity, views.Account(p, views.AccountProps{Password: views.Form{Errors: fe}}))
	} else if err != nil {
		return err
	}
	sess, err := s.Accounts.StartSession(c.UserContext(), st.Session.User.ID)
	if err != nil {
		return err
	}
	if sess.Workspace.ID != st.Session.Workspace.ID {
		s.Accounts.SwitchWorkspace(c.UserContext(), sess.Token, st.Session.Workspace.ID)
	}
	s.setCookie(c, s.cookies.session, sess.Token, time.Until(sess.ExpiresAt))
	s.flash(c, "success", "flash.password_changed")
	return redirect(c, "/account")
}
