package web

// The audience part of the JSON API: the interest list, reach estimates and
// saved audiences. Specs are read strictly (targeting.ParseSpec) so that a
// misspelt criterion is refused instead of silently widening an audience.

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
)

type apiInterest struct {
	ID       int64              `json:"id"`
	Name     string             `json:"name"`
	Category targeting.Category `json:"category"`
	// Special says that the interest may never be targeted (DSA Art. 26(3)).
	Special bool `json:"special"`
}

func toAPIInterest(in targeting.Interest) apiInterest {
	return apiInterest{in.ID, in.Name, in.Category, in.Category.Special()}
}

// apiListInterests answers the workspace's interest list.
func (s *server) apiListInterests(c *fiber.Ctx) error {
	all, err := s.Targeting.Interests(c.UserContext(), state(c).APIWS.ID)
	if err != nil {
		return err
	}
	out := make([]apiInterest, len(all))
	for i, in := range all {
		out[i] = toAPIInterest(in)
	}
	return c.JSON(fiber.Map{"interests": out})
}

// apiCreateInterest adds an interest. The category is required: whether an
// interest is a special category is data the workspace states, never a
// guess from its name.
func (s *server) apiCreateInterest(c *fiber.Ctx) error {
	var req struct {
		Name     string `json:"name"`
		Category string `json:"category"`
	}
	if answered, err := decodeJSON(c, &req, false); answered {
		return err
	}
	if strings.TrimSpace(req.Category) == "" {
		return apiError(c, fiber.StatusUnprocessableEntity, "required",
			"category: is required: none, or the special category the interest reveals ("+categoryList()+")", "category")
	}
	in, err := s.Targeting.CreateInterest(s.ctx(c), state(c).APIWS.ID, req.Name, targeting.Category(req.Category))
	if err != nil {
		return apiFail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIInterest(in))
}

func categoryList() string {
	names := make([]string, 0, len(targeting.Categories)-1)
	for _, cat := range targeting.Categories[1:] {
		names = append(names, string(cat))
	}
	return strings.Join(names, ", ")
}

// apiEstimateAudience counts a spec's reach now. The body is the spec.
func (s *server) apiEstimateAudience(c *fiber.Ctx) error {
	sp, err := targeting.ParseSpec(c.Body())
	if err != nil {
		return apiFail(c, err)
	}
	est, err := s.Targeting.Estimate(c.UserContext(), state(c).APIWS.ID, sp)
	if err != nil {
		return apiFail(c, err)
	}
	return c.JSON(est)
}

// apiCreateAudience saves a named audience. Problems with the spec are
// reported with fields prefixed "spec.", as the request nests them.
func (s *server) apiCreateAudience(c *fiber.Ctx) error {
	var req struct {
		Name string          `json:"name"`
		Spec json.RawMessage `json:"spec"`
	}
	if answered, err := decodeJSON(c, &req, false); answered {
		return err
	}
	if len(req.Spec) == 0 || string(req.Spec) == "null" {
		return apiError(c, fiber.StatusUnprocessableEntity, "required", "spec: is required ({} targets everyone with consent)", "spec")
	}
	sp, err := targeting.ParseSpec(req.Spec)
	if err == nil {
		var a targeting.Audience
		a, err = s.Targeting.SaveAudience(s.ctx(c), state(c).APIWS.ID, 0, req.Name, sp)
		if err == nil {
			return c.Status(fiber.StatusCreated).JSON(a)
		}
	}
	var ve *targeting.ValidationError
	if errors.As(err, &ve) {
		for i, p := range ve.Problems {
			if p.Field != "name" && p.Field != "spec" {
				ve.Problems[i].Field = "spec." + p.Field
			}
		}
	}
	return apiFail(c, err)
}

// apiShowAudience answers a saved audience of the workspace.
func (s *server) apiShowAudience(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	a, err := s.Targeting.Audience(c.UserContext(), state(c).APIWS.ID, id)
	if err != nil {
		return apiFail(c, err)
	}
	return c.JSON(a)
}
