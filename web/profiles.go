package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

const profilePage = 50

var refPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// showProfiles lists profiles with filters and paging, and finds one person
// by phone number or external id.
//
// The search is a GET form, so a typed phone number or external id reaches
// the server once in a query string. The access log never records query
// strings (middleware.go), and this handler does not keep or echo the
// identifier: it normalises and hashes it into the workspace's pseudonymous
// reference and answers 303 to a URL that carries only that keyed hash
// (?ref=…). The number therefore does not stay in the address bar, in
// bookmarks, in the Referer of later clicks, or in the rendered page; a
// browser may still list the first URL as a redirect source in its own
// history. A POST search would avoid even that, but the route table
// registers the list as GET only, and a bookmarkable filtered list is worth
// more than the remaining edge.
func (s *server) showProfiles(c *fiber.Ctx) error {
	st := state(c)
	ctx, ws := c.UserContext(), st.Session.Workspace.ID
	form := views.Form{Values: map[string]string{
		"phone_country": strings.ToUpper(strings.TrimSpace(c.Query("phone_country"))),
		"country":       strings.ToUpper(strings.TrimSpace(c.Query("country"))),
		"language":      strings.ToLower(strings.TrimSpace(c.Query("language"))),
		"consent":       c.Query("consent"),
	}, Errors: views.FieldErrors{}}
	if !slices.Contains(views.ConsentFilters, form.Values["consent"]) {
		form.Values["consent"] = ""
	}
	// Filter values to carry into a redirect or the next page.
	carry := url.Values{}
	for _, k := range []string{"country", "language", "consent"} {
		if v := form.Values[k]; v != "" {
			carry.Set(k, v)
		}
	}

	if phone, ext := strings.TrimSpace(c.Query("phone")), strings.TrimSpace(c.Query("external_id")); phone != "" || ext != "" {
		var id targeting.Identity
		if phone != "" {
			e164, err := targeting.NormalisePhone(phone, form.Values["phone_country"])
			switch {
			case errors.Is(err, targeting.ErrPhoneInvalid):
				form.Errors["phone"] = i18n.T(st.Lang, "profiles.phone_invalid")
			case err != nil:
				form.Errors["phone_country"] = i18n.T(st.Lang, "profiles.phone_needs_country")
			}
			id = targeting.Identity{Kind: targeting.RefPhone, Value: e164}
		} else {
			v, err := targeting.NormaliseExternalID(ext)
			if err != nil {
				form.Errors["external_id"] = i18n.T(st.Lang, "profiles.external_id_invalid")
			}
			id = targeting.Identity{Kind: targeting.RefExternal, Value: v}
		}
		if len(form.Errors) == 0 {
			carry.Set("ref", s.Targeting.Ref(ws, id))
			return c.Redirect("/audiences/profiles?"+carry.Encode(), fiber.StatusSeeOther)
		}
	}

	f := targeting.ProfileFilter{Country: form.Values["country"], Language: form.Values["language"], Consent: form.Values["consent"], Limit: profilePage + 1}
	pp := views.ProfilesProps{Filter: form}
	if ref := c.Query("ref"); refPattern.MatchString(ref) {
		f.Ref, pp.Ref = ref, ref
		carry.Set("ref", ref)
	}
	if after, err := strconv.ParseInt(c.Query("after"), 10, 64); err == nil && after > 0 {
		f.AfterID = after
	}
	var err error
	if pp.Total, err = s.Targeting.CountProfiles(ctx, ws); err != nil {
		return err
	}
	status := fiber.StatusOK
	if len(form.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	} else if pp.Profiles, err = s.Targeting.Profiles(ctx, ws, f); err != nil {
		return err
	}
	if len(pp.Profiles) > profilePage {
		pp.Profiles = pp.Profiles[:profilePage]
		carry.Set("after", strconv.FormatInt(pp.Profiles[profilePage-1].ID, 10))
		pp.NextQuery = carry.Encode()
	}
	p := s.page(c, i18n.T(st.Lang, "audiences.tab_profiles"), "audiences")
	return render(c, status, views.Profiles(p, pp))
}

// profileProps loads what the profile page shows.
func (s *server) profileProps(c *fiber.Ctx, pr targeting.Profile) (views.ProfileProps, error) {
	ctx, ws := c.UserContext(), state(c).Session.Workspace.ID
	pp := views.ProfileProps{Profile: pr, Year: s.Clock.Now().UTC().Year()}
	var err error
	if pp.Interests, err = s.Targeting.ProfileInterests(ctx, ws, pr.ID); err != nil {
		return pp, err
	}
	states, err := s.Targeting.ConsentStates(ctx, ws, pr.ID)
	if err != nil {
		return pp, err
	}
	ledger, err := s.Targeting.ConsentHistory(ctx, ws, pr.ID)
	if err != nil {
		return pp, err
	}
	if pp.Audiences, err = s.Targeting.Audiences(ctx, ws); err != nil {
		return pp, err
	}
	// What each entry meant when it was made: a "no" after a "yes" on the
	// same purpose and basis is a withdrawal; a first "no" is a refusal.
	type key struct {
		p targeting.Purpose
		b targeting.Basis
	}
	kinds := map[key]string{}
	rows := make([]views.LedgerRow, len(ledger))
	for i, ev := range ledger {
		k := key{ev.Purpose, ev.LegalBasis}
		kind := "refused"
		switch {
		case ev.Purpose == targeting.PurposeObjection:
			kind = "objection"
		case ev.Granted:
			kind = "granted"
		case kinds[k] == "granted" || kinds[k] == "withdrawn":
			kind = "withdrawn"
		}
		kinds[k] = kind
		rows[len(ledger)-1-i] = views.LedgerRow{Event: ev, Kind: kind} // newest first
	}
	pp.Ledger = rows
	for _, pu := range targeting.Purposes {
		ps := views.PurposeState{Purpose: pu, Consent: "unknown"}
		for _, cs := range states {
			if cs.Purpose != pu {
				continue
			}
			switch cs.LegalBasis {
			case targeting.BasisConsent:
				ps.Consent, ps.ConsentAt = "refused", cs.OccurredAt
				if cs.Granted {
					ps.Consent = "granted"
				} else if kinds[key{pu, targeting.BasisConsent}] == "withdrawn" {
					ps.Consent = "withdrawn"
				}
			case targeting.BasisLegitimateInterest:
				ps.LI = "objected"
				if cs.Granted {
					ps.LI = "granted"
				}
			}
		}
		pp.States = append(pp.States, ps)
	}
	return pp, nil
}

func (s *server) renderProfile(c *fiber.Ctx, status int, pr targeting.Profile, adjust func(*views.ProfileProps)) error {
	st := state(c)
	p := s.page(c, i18n.T(st.Lang, "profile.title", strconv.FormatInt(pr.ID, 10)), "audiences")
	if pr.ErasedAt != nil {
		return render(c, status, views.ProfileErased(p, pr))
	}
	pp, err := s.profileProps(c, pr)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&pp)
	}
	return render(c, status, views.Profile(p, pp))
}

// loadProfile reads the :id profile of the session's workspace.
func (s *server) loadProfile(c *fiber.Ctx) (targeting.Profile, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return targeting.Profile{}, err
	}
	return s.Targeting.Profile(c.UserContext(), state(c).Session.Workspace.ID, id)
}

// showProfile shows one person; an erased one only as a tombstone.
func (s *server) showProfile(c *fiber.Ctx) error {
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	return s.renderProfile(c, fiber.StatusOK, pr, nil)
}

// explainProfile answers "why would this person see or not see" a saved
// audience, with the same rule the estimate and the push use.
func (s *server) explainProfile(c *fiber.Ctx) error {
	st := state(c)
	ws := st.Session.Workspace.ID
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	var ex views.ExplainProps
	aid, err := parseID(c.FormValue("audience_id"))
	if err == nil {
		ex.Audience, err = s.Targeting.Audience(c.UserContext(), ws, aid)
	}
	var ve *targeting.ValidationError
	switch {
	case errors.Is(err, targeting.ErrNotFound) || errors.Is(err, fiber.ErrNotFound):
		ex.Error = i18n.T(st.Lang, "explain.pick_audience")
	case err != nil:
		return err
	default:
		ex.Explanation, err = s.Targeting.Explain(c.UserContext(), ws, pr.ID, ex.Audience.Spec, s.Clock.Now())
		switch {
		case errors.Is(err, targeting.ErrErased):
			ex.Error = i18n.T(st.Lang, "explain.erased")
		case errors.As(err, &ve):
			ex.Error = i18n.T(st.Lang, "explain.invalid_audience")
		case err != nil:
			return err
		}
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.Explanation(s.fragmentPage(c), ex))
	}
	return s.renderProfile(c, fiber.StatusOK, pr, func(pp *views.ProfileProps) { pp.Explain = &ex })
}

// recordProfileConsent records a consent change made through support, for
// example a person who withdrew by phone.
func (s *server) recordProfileConsent(c *fiber.Ctx) error {
	st := state(c)
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	if pr.ErasedAt != nil {
		return targeting.ErrErased
	}
	vals := formValues(c, "purpose", "granted", "notice_version")
	errs := views.FieldErrors{}
	purpose, perr := targeting.ParsePurpose(vals["purpose"])
	if perr != nil {
		errs["purpose"] = problemText(st.Lang, targeting.Problem{Field: "purpose", Code: "invalid_purpose", Arg: vals["purpose"]})
	}
	if vals["granted"] != "yes" && vals["granted"] != "no" {
		errs["granted"] = i18n.T(st.Lang, "privacy.choose_granted")
	}
	var evs []targeting.ConsentEvent
	if len(errs) == 0 {
		evs, err = s.Targeting.RecordConsent(s.ctx(c), state(c).Session.Workspace.ID, pr.ID, []targeting.ConsentChange{{
			Purpose: purpose, Granted: vals["granted"] == "yes", Source: "support", NoticeVersion: strings.TrimSpace(vals["notice_version"]),
		}})
		var ve *targeting.ValidationError
		if errors.As(err, &ve) {
			errs = problemErrors(st.Lang, ve.Problems, "purpose", "notice_version")
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderProfile(c, fiber.StatusUnprocessableEntity, pr, func(pp *views.ProfileProps) {
			pp.Consent = views.Form{Values: vals, Errors: errs}
		})
	}
	if len(evs) == 0 {
		s.flash(c, "info", "flash.consent_unchanged")
	} else {
		s.flash(c, "success", "flash.consent_recorded")
	}
	return redirect(c, "/audiences/profiles/"+strconv.FormatInt(pr.ID, 10))
}

// objectProfile records a global objection (GDPR Art. 21) made through
// support.
func (s *server) objectProfile(c *fiber.Ctx) error {
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	if err := s.Targeting.Object(s.ctx(c), state(c).Session.Workspace.ID, pr.ID, "support"); err != nil {
		return err
	}
	s.flash(c, "success", "flash.profile_objected")
	return redirect(c, "/audiences/profiles/"+strconv.FormatInt(pr.ID, 10))
}

// exportProfile answers an access request (GDPR Art. 15) with everything
// held about the person as a JSON download.
func (s *server) exportProfile(c *fiber.Ctx) error {
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	ex, err := s.Targeting.ExportProfile(s.ctx(c), state(c).Session.Workspace.ID, pr.ID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return fmt.Errorf("web: export profile %d: %w", pr.ID, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="profile-%d.json"`, pr.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusOK).Send(b)
}

// eraseProfile erases a person (GDPR Art. 17) and returns to the list.
func (s *server) eraseProfile(c *fiber.Ctx) error {
	pr, err := s.loadProfile(c)
	if err != nil {
		return err
	}
	if err := s.Targeting.Erase(s.ctx(c), state(c).Session.Workspace.ID, pr.ID, "support"); err != nil {
		return err
	}
	s.flash(c, "success", "flash.profile_erased")
	return redirect(c, "/audiences/profiles")
}
