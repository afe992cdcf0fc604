package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// fragmentPage is the view context for an htmx fragment: no flash is taken
// (the page around the fragment already showed it) and the workspace list
// for the switcher is not loaded, because fragments such as the reach
// estimate or the import progress are requested many times a minute.
func (s *server) fragmentPage(c *fiber.Ctx) views.Page {
	st := state(c)
	p := views.Page{Locale: i18n.NewLocale(st.Lang, time.UTC), CSRF: st.CSRF, Asset: s.assets.Path, Fragment: true}
	if sess := st.Session; sess != nil {
		p.User, p.Workspace, p.Role = &sess.User, &sess.Workspace, sess.Role
		p.Locale.Location = sess.Workspace.Location()
	}
	return p
}

// isHTMX reports an htmx request for part of a page.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") != "true"
}

// formList reads every value of a repeated form field (a checkbox group),
// from a urlencoded or a multipart body.
func formList(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	if form, err := c.MultipartForm(); err == nil {
		out = append(out, form.Value[name]...)
	}
	return out
}

// splitCodes splits "DE, at;CH" into codes; people type lists with commas,
// semicolons or spaces. targeting normalises case.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' })
}

// splitRegions splits on commas and semicolons only: region names contain
// spaces ("Nordrhein-Westfalen", "Île de France").
func splitRegions(s string) []string {
	var out []string
	for _, r := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// specForm is the audience editor's input.
type specForm struct {
	spec     targeting.Spec
	values   map[string]string
	include  map[string]bool
	exclude  map[string]bool
	problems []targeting.Problem // what the form itself cannot read (a non-number age)
}

var specTextFields = []string{"name", "countries", "regions", "languages", "age_min", "age_max"}

func parseSpecForm(c *fiber.Ctx) specForm {
	f := specForm{values: formValues(c, specTextFields...), include: map[string]bool{}, exclude: map[string]bool{}}
	f.spec.Countries = splitCodes(f.values["countries"])
	f.spec.Regions = splitRegions(f.values["regions"])
	f.spec.Languages = splitCodes(f.values["languages"])
	for _, field := range []string{"age_min", "age_max"} {
		v := strings.TrimSpace(f.values[field])
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.problems = append(f.problems, targeting.Problem{Field: field, Code: "not_a_number", Arg: v})
			continue
		}
		if field == "age_min" {
			f.spec.AgeMin = n
		} else {
			f.spec.AgeMax = n
		}
	}
	f.spec.InterestsInclude = formList(c, "interests_include")
	f.spec.InterestsExclude = formList(c, "interests_exclude")
	for _, n := range f.spec.InterestsInclude {
		f.include[n] = true
	}
	for _, n := range f.spec.InterestsExclude {
		f.exclude[n] = true
	}
	return f
}

// problemArgs says which problem texts take the offending value.
var problemArgs = map[string]bool{
	"unknown_interest": true, "invalid_country": true, "invalid_language": true, "out_of_range": true, "below_min": true,
	"taken": true, "not_a_number": true, "invalid_category": true, "invalid_purpose": true, "in_future": true, "malformed": true,
	"invalid_format": true, "invalid_basis": true,
}

// problemText translates a targeting problem. The domain's Arg carries the
// offending value; for special categories it is "name (category)", and the
// message names both so that the person sees which box was the problem.
func problemText(lang string, pr targeting.Problem) string {
	switch pr.Code {
	case "special_category", "special_category_stored":
		name, cat := pr.Arg, ""
		if i := strings.LastIndex(pr.Arg, " ("); i >= 0 {
			name, cat = pr.Arg[:i], strings.TrimSuffix(pr.Arg[i+2:], ")")
		}
		return i18n.T(lang, "problem."+pr.Code, name, i18n.T(lang, "category."+cat))
	}
	key := "problem." + pr.Code
	if !i18n.Has(key) {
		return i18n.T(lang, "problem.other", pr.Code)
	}
	if problemArgs[pr.Code] {
		return i18n.T(lang, key, pr.Arg)
	}
	return i18n.T(lang, key)
}

// problemErrors groups translated problems by field; fields the form does
// not show go under "form".
func problemErrors(lang string, ps []targeting.Problem, fields ...string) views.FieldErrors {
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	out := views.FieldErrors{}
	for _, pr := range ps {
		field := pr.Field
		if !known[field] {
			field = "form"
		}
		msg := problemText(lang, pr)
		if out[field] != "" {
			out[field] += " "
		}
		out[field] += msg
	}
	return out
}

var specFieldLabels = map[string]string{
	"name": "audiences.name", "countries": "audiences.countries", "regions": "audiences.regions", "languages": "audiences.languages",
	"age_min": "audiences.age_min", "age_max": "audiences.age_max", "interests_include": "audiences.include", "interests_exclude": "audiences.exclude",
}

func fieldProblems(lang string, ps []targeting.Problem) []views.FieldProblem {
	out := make([]views.FieldProblem, 0, len(ps))
	for _, pr := range ps {
		label := pr.Field
		if k, ok := specFieldLabels[pr.Field]; ok {
			label = i18n.T(lang, k)
		}
		out = append(out, views.FieldProblem{Field: pr.Field, Label: label, Message: problemText(lang, pr)})
	}
	return out
}

// specProblems validates a spec and adds the problems the form found.
func (s *server) specProblems(c *fiber.Ctx, f specForm) ([]targeting.Problem, error) {
	ps := append([]targeting.Problem(nil), f.problems...)
	_, err := s.Targeting.Validate(c.UserContext(), state(c).Session.Workspace.ID, f.spec)
	var ve *targeting.ValidationError
	if errors.As(err, &ve) {
		ps = append(ps, ve.Problems...)
	} else if err != nil {
		return nil, err
	}
	return ps, nil
}

// estimateProps estimates a spec; problems make the panel show them
// instead of a number.
func (s *server) estimateProps(c *fiber.Ctx, f specForm) (views.EstimateProps, error) {
	lang := state(c).Lang
	ep := views.EstimateProps{Tier: f.spec.Tier()}
	if len(f.problems) > 0 {
		ps, err := s.specProblems(c, f)
		if err != nil {
			return ep, err
		}
		ep.Problems = fieldProblems(lang, ps)
		return ep, nil
	}
	est, err := s.Targeting.Estimate(c.UserContext(), state(c).Session.Workspace.ID, f.spec)
	var ve *targeting.ValidationError
	if errors.As(err, &ve) {
		ep.Problems = fieldProblems(lang, ve.Problems)
		return ep, nil
	} else if err != nil {
		return ep, err
	}
	ep.Estimate, ep.Tier = est, est.Tier
	return ep, nil
}

// showAudiences lists saved audiences with their reach now.
func (s *server) showAudiences(c *fiber.Ctx) error {
	st := state(c)
	ctx, ws := c.UserContext(), st.Session.Workspace.ID
	total, err := s.Targeting.CountProfiles(ctx, ws)
	if err != nil {
		return err
	}
	contextual, err := s.Targeting.Estimate(ctx, ws, targeting.Spec{})
	if err != nil {
		return err
	}
	auds, err := s.Targeting.Audiences(ctx, ws)
	if err != nil {
		return err
	}
	ap := views.AudiencesProps{Profiles: total, Contextual: contextual.Eligible, Rows: make([]views.AudienceRow, len(auds))}
	// One estimate per audience is a GROUP BY over the workspace's profiles;
	// fine for tens of audiences. A cached count belongs next to campaigns.
	for i, a := range auds {
		ap.Rows[i].Audience = a
		est, err := s.Targeting.Estimate(ctx, ws, a.Spec)
		var ve *targeting.ValidationError
		switch {
		case errors.As(err, &ve):
			// Saved before a rule tightened; the editor shows why.
		case err != nil:
			return err
		default:
			ap.Rows[i].Eligible, ap.Rows[i].Known = est.Eligible, true
		}
	}
	p := s.page(c, i18n.T(st.Lang, "nav.audiences"), "audiences")
	return render(c, fiber.StatusOK, views.Audiences(p, ap))
}

// audienceID is 0 for /audiences/new and POST /audiences.
func audienceID(c *fiber.Ctx) (int64, error) {
	if c.Params("id") == "" {
		return 0, nil
	}
	return idParam(c, "id")
}

func (s *server) renderAudienceEditor(c *fiber.Ctx, status int, ep views.AudienceEditorProps) error {
	st := state(c)
	var err error
	if ep.Interests, err = s.Targeting.Interests(c.UserContext(), st.Session.Workspace.ID); err != nil {
		return err
	}
	title := i18n.T(st.Lang, "audiences.new_title")
	if ep.ID != 0 {
		title = ep.Form.Value("name")
	}
	p := s.page(c, title, "audiences")
	return render(c, status, views.AudienceEditor(p, ep))
}

// showAudienceEditor opens a new or saved audience.
func (s *server) showAudienceEditor(c *fiber.Ctx) error {
	id, err := audienceID(c)
	if err != nil {
		return err
	}
	f := specForm{values: map[string]string{}, include: map[string]bool{}, exclude: map[string]bool{}}
	if id != 0 {
		a, err := s.Targeting.Audience(c.UserContext(), state(c).Session.Workspace.ID, id)
		if err != nil {
			return err
		}
		f.spec = a.Spec
		f.values = map[string]string{"name": a.Name, "countries": strings.Join(a.Spec.Countries, ", "),
			"regions": strings.Join(a.Spec.Regions, ", "), "languages": strings.Join(a.Spec.Languages, ", ")}
		if a.Spec.AgeMin > 0 {
			f.values["age_min"] = strconv.Itoa(a.Spec.AgeMin)
		}
		if a.Spec.AgeMax > 0 {
			f.values["age_max"] = strconv.Itoa(a.Spec.AgeMax)
		}
		for _, n := range a.Spec.InterestsInclude {
			f.include[n] = true
		}
		for _, n := range a.Spec.InterestsExclude {
			f.exclude[n] = true
		}
	}
	est, err := s.estimateProps(c, f)
	if err != nil {
		return err
	}
	return s.renderAudienceEditor(c, fiber.StatusOK, views.AudienceEditorProps{ID: id, Form: views.Form{Values: f.values},
		Include: f.include, Exclude: f.exclude, Estimate: est})
}

// saveAudience creates or updates a saved audience. A special-category
// interest, even one a crafted request slips in, is refused by targeting
// and shown beside its field, naming the interest.
func (s *server) saveAudience(c *fiber.Ctx) error {
	st := state(c)
	ws := st.Session.Workspace.ID
	id, err := audienceID(c)
	if err != nil {
		return err
	}
	if id != 0 {
		if _, err := s.Targeting.Audience(c.UserContext(), ws, id); err != nil {
			return err // another workspace's id is not found
		}
	}
	f := parseSpecForm(c)
	var ps []targeting.Problem
	if len(f.problems) > 0 {
		if ps, err = s.specProblems(c, f); err != nil {
			return err
		}
		if strings.TrimSpace(f.values["name"]) == "" {
			ps = append(ps, targeting.Problem{Field: "name", Code: "required"})
		}
	} else {
		a, err := s.Targeting.SaveAudience(s.ctx(c), ws, id, f.values["name"], f.spec)
		var ve *targeting.ValidationError
		if errors.As(err, &ve) {
			ps = ve.Problems
		} else if err != nil {
			return err
		} else {
			s.flash(c, "success", "flash.audience_saved")
			return redirect(c, "/audiences/"+strconv.FormatInt(a.ID, 10))
		}
	}
	est, err := s.estimateProps(c, f)
	if err != nil {
		return err
	}
	errs := problemErrors(st.Lang, ps, "name", "countries", "regions", "languages", "age_min", "age_max", "interests_include", "interests_exclude")
	return s.renderAudienceEditor(c, fiber.StatusUnprocessableEntity, views.AudienceEditorProps{ID: id,
		Form: views.Form{Values: f.values, Errors: errs}, Include: f.include, Exclude: f.exclude, Estimate: est})
}

// estimateAudience renders the reach panel for the editor's current input.
// An invalid spec is answered with 200 and the problems in the panel, so
// that htmx swaps it in while the person types.
func (s *server) estimateAudience(c *fiber.Ctx) error {
	est, err := s.estimateProps(c, parseSpecForm(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.EstimatePanel(s.fragmentPage(c), est))
}
