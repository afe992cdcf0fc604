package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// showTargetingSettings shows the workspace's targeting choices.
func (s *server) showTargetingSettings(c *fiber.Ctx) error {
	st := state(c)
	set, err := s.Targeting.Settings(c.UserContext(), st.Session.Workspace.ID)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"legitimate_interest": onOff(set.LegitimateInterest),
		"unknown_age_is_adult": onOff(set.UnknownAgeIsAdult), "min_cell_size": strconv.Itoa(set.MinCellSize)}}
	p := s.page(c, i18n.T(st.Lang, "settings.targeting"), "settings")
	return render(c, fiber.StatusOK, views.TargetingSettings(p, f))
}

// saveTargetingSettings stores them. An unchecked box is absent from the
// form, which means off.
func (s *server) saveTargetingSettings(c *fiber.Ctx) error {
	st := state(c)
	vals := formValues(c, "legitimate_interest", "unknown_age_is_adult", "min_cell_size")
	set := targeting.Settings{WorkspaceID: st.Session.Workspace.ID, LegitimateInterest: vals["legitimate_interest"] != "",
		UnknownAgeIsAdult: vals["unknown_age_is_adult"] != ""}
	vals["legitimate_interest"], vals["unknown_age_is_adult"] = onOff(set.LegitimateInterest), onOff(set.UnknownAgeIsAdult)
	errs := views.FieldErrors{}
	n, err := strconv.Atoi(strings.TrimSpace(vals["min_cell_size"]))
	if err != nil {
		errs["min_cell_size"] = problemText(st.Lang, targeting.Problem{Field: "min_cell_size", Code: "not_a_number", Arg: vals["min_cell_size"]})
	} else {
		set.MinCellSize = n
		var ve *targeting.ValidationError
		if err := s.Targeting.SaveSettings(s.ctx(c), set); errors.As(err, &ve) {
			errs = problemErrors(st.Lang, ve.Problems, "min_cell_size")
			if ve.Problems[0].Code == "out_of_range" {
				errs["min_cell_size"] = i18n.T(st.Lang, "targeting.min_cell_range")
			}
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p := s.page(c, i18n.T(st.Lang, "settings.targeting"), "settings")
		return render(c, fiber.StatusUnprocessableEntity, views.TargetingSettings(p, views.Form{Values: vals, Errors: errs}))
	}
	s.flash(c, "success", "flash.targeting_saved")
	return redirect(c, "/settings/targeting")
}
