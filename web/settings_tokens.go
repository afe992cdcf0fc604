package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

func (s *server) renderTokens(c *fiber.Ctx, status int, tp views.TokensProps) error {
	var err error
	if tp.Tokens, err = s.Accounts.Tokens(c.UserContext(), state(c).Session.Workspace.ID); err != nil {
		return err
	}
	p := s.page(c, i18n.T(state(c).Lang, "settings.tokens"), "settings")
	return render(c, status, views.Tokens(p, tp))
}

// showTokens lists API tokens.
func (s *server) showTokens(c *fiber.Ctx) error {
	return s.renderTokens(c, fiber.StatusOK, views.TokensProps{})
}

// createToken creates a token and shows its secret once.
func (s *server) createToken(c *fiber.Ctx) error {
	st := state(c)
	var scopes []accounts.Scope
	args := c.Request().PostArgs()
	for _, v := range args.PeekMulti("scopes") {
		scopes = append(scopes, accounts.Scope(v))
	}
	if form, err := c.MultipartForm(); err == nil {
		for _, v := range form.Value["scopes"] {
			scopes = append(scopes, accounts.Scope(v))
		}
	}
	vals := formValues(c, "name")
	_, secret, err := s.Accounts.CreateToken(s.ctx(c), st.Session.Workspace.ID, vals["name"], scopes)
	if fe, ok := formErrors(st.Lang, err); ok {
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, views.TokensProps{Form: views.Form{Values: vals, Errors: fe}})
	} else if err != nil {
		return err
	}
	return s.renderTokens(c, fiber.StatusCreated, views.TokensProps{NewToken: secret})
}

// revokeToken revokes a token of the current workspace.
func (s *server) revokeToken(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeToken(s.ctx(c), state(c).Session.Workspace.ID, id); err != nil {
		return err
	}
	s.flash(c, "success", "flash.token_revoked")
	return redirect(c, "/settings/tokens")
}
