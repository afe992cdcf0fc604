package web

import (
	"errors"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// page builds the view context for the current request.
func (s *server) page(c *fiber.Ctx, title, active string) views.Page {
	st := state(c)
	p := views.Page{
		Locale: i18n.NewLocale(st.Lang, time.UTC),
		Title:  title,
		Active: active,
		CSRF:   st.CSRF,
		Asset:  s.assets.Path,
		Flash:  s.takeFlash(c, st.Lang),
		// htmx requests that target part of a page get the fragment; boosted
		// navigation wants the whole document.
		Fragment: c.Get("HX-Request") == "true" && c.Get("HX-Boosted") != "true",
	}
	if sess := st.Session; sess != nil {
		p.User, p.Workspace, p.Role = &sess.User, &sess.Workspace, sess.Role
		p.Locale.Location = sess.Workspace.Location()
		if wss, err := s.Accounts.WorkspacesOf(c.UserContext(), sess.User.ID); err == nil {
			p.Workspaces = wss
		}
	}
	return p
}

// render writes a component with a status.
func render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// flash stores a one-time message key for the next page.
func (s *server) flash(c *fiber.Ctx, kind, key string) {
	s.setCookie(c, s.cookies.flash, kind+":"+key, time.Minute)
}

// takeFlash reads and clears the flash. Only catalog keys under "flash."
// are shown, so a forged cookie cannot inject text.
func (s *server) takeFlash(c *fiber.Ctx, lang string) *views.Flash {
	v := c.Cookies(s.cookies.flash)
	if v == "" {
		return nil
	}
	s.setCookie(c, s.cookies.flash, "", -1)
	kind, key, ok := strings.Cut(v, ":")
	if !ok || !strings.HasPrefix(key, "flash.") || !i18n.Has(key) {
		return nil
	}
	switch kind {
	case "success", "error", "info":
	default:
		return nil
	}
	return &views.Flash{Kind: kind, Text: i18n.T(lang, key)}
}

// redirect answers a POST with 303 to a page (or HX-Redirect for htmx).
func redirect(c *fiber.Ctx, to string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// formErrors turns a domain validation error into translated messages by
// field. It returns false for other errors, which the caller returns as is.
func formErrors(lang string, err error) (views.FieldErrors, bool) {
	var ve *accounts.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	out := views.FieldErrors{}
	for field, code := range ve.Fields {
		out[field] = i18n.T(lang, "validation."+code)
	}
	return out, true
}

// formValues copies the named form fields.
func formValues(c *fiber.Ctx, names ...string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = c.FormValue(n)
	}
	return out
}
