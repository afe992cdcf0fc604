package web

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// showHome sends visitors where they belong: setup, sign-in or dashboard.
func (s *server) showHome(c *fiber.Ctx) error {
	if state(c).Session != nil {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

func (s *server) loginProps(email, errText string) views.LoginProps {
	lp := views.LoginProps{Email: email, Error: errText}
	if s.Demo != nil {
		lp.Demo = &views.DemoHint{Email: s.Demo.Email, Password: s.Demo.Password}
	}
	return lp
}

// showLogin renders the sign-in form.
func (s *server) showLogin(c *fiber.Ctx) error {
	if state(c).Session != nil {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	p := s.page(c, i18n.T(state(c).Lang, "auth.login_title"), "")
	return render(c, fiber.StatusOK, views.Login(p, s.loginProps("", "")))
}

// login checks the credentials and starts a new session; the old session
// cookie, if any, is replaced (no fixation).
func (s *server) login(c *fiber.Ctx) error {
	st := state(c)
	email := c.FormValue("email")
	sess, err := s.Accounts.Login(s.ctx(c), email, c.FormValue("password"), c.IP())
	var rl *accounts.RateLimitedError
	var msg string
	status := fiber.StatusUnprocessableEntity
	switch {
	case err == nil:
		if old := c.Cookies(s.cookies.session); old != "" {
			s.Accounts.Logout(c.UserContext(), old)
		}
		s.setCookie(c, s.cookies.session, sess.Token, sess.ExpiresAt.Sub(time.Now()))
		s.Log.Info("Signed in", "request_id", st.ID, "user_id", sess.User.ID, "workspace_id", sess.Workspace.ID)
		return redirect(c, "/dashboard")
	case errors.As(err, &rl):
		status = fiber.StatusTooManyRequests
		c.Set(fiber.HeaderRetryAfter, fmtSeconds(rl.RetryAfter))
		msg = i18n.T(st.Lang, "auth.rate_limited", int(math.Ceil(rl.RetryAfter.Minutes())))
	case errors.Is(err, accounts.ErrInvalidCredentials):
		msg = i18n.T(st.Lang, "auth.invalid_credentials")
	case errors.Is(err, accounts.ErrNoWorkspace):
		msg = i18n.T(st.Lang, "auth.no_workspace")
	default:
		return err
	}
	p := s.page(c, i18n.T(st.Lang, "auth.login_title"), "")
	return render(c, status, views.Login(p, s.loginProps(email, msg)))
}

func fmtSeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// logout ends the session.
func (s *server) logout(c *fiber.Ctx) error {
	if token := c.Cookies(s.cookies.session); token != "" {
		if err := s.Accounts.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.setCookie(c, s.cookies.session, "", -1)
	s.flash(c, "info", "flash.logged_out")
	return redirect(c, "/login")
}

// setLanguageCookie lets visitors who are not signed in pick a language.
func (s *server) setLanguageCookie(c *fiber.Ctx) error {
	lang := c.FormValue("lang")
	if !i18n.Supported(lang) {
		return fiber.ErrBadRequest
	}
	s.setCookie(c, s.cookies.lang, lang, 365*24*time.Hour)
	back := c.Get(fiber.HeaderReferer)
	if u := safeLocalPath(back); u != "" {
		return redirect(c, u)
	}
	return redirect(c, "/login")
}
