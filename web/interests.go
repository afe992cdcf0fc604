package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

func (s *server) renderInterests(c *fiber.Ctx, status int, f views.Form) error {
	st := state(c)
	list, err := s.Targeting.Interests(c.UserContext(), st.Session.Workspace.ID)
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{"category": string(targeting.CategoryNone)}
	}
	p := s.page(c, i18n.T(st.Lang, "audiences.tab_interests"), "audiences")
	return render(c, status, views.Interests(p, views.InterestsProps{Interests: list, Form: f}))
}

// showInterests lists the workspace's interests, special categories marked.
func (s *server) showInterests(c *fiber.Ctx) error {
	return s.renderInterests(c, fiber.StatusOK, views.Form{})
}

// createInterest adds an interest. Naming its category is how the rule
// against special-category targeting knows about it.
func (s *server) createInterest(c *fiber.Ctx) error {
	st := state(c)
	vals := formValues(c, "name", "category")
	_, err := s.Targeting.CreateInterest(s.ctx(c), st.Session.Workspace.ID, vals["name"], targeting.Category(vals["category"]))
	var ve *targeting.ValidationError
	if errors.As(err, &ve) {
		return s.renderInterests(c, fiber.StatusUnprocessableEntity, views.Form{Values: vals, Errors: problemErrors(st.Lang, ve.Problems, "name", "category")})
	} else if err != nil {
		return err
	}
	s.flash(c, "success", "flash.interest_created")
	return redirect(c, "/audiences/interests")
}
