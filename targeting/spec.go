package targeting

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Spec describes an audience. Empty lists do not restrict.
type Spec struct {
	Countries        []string `json:"countries"`
	Regions          []string `json:"regions"`
	Languages        []string `json:"languages"`
	AgeMin           int      `json:"age_min,omitempty"`
	AgeMax           int      `json:"age_max,omitempty"`
	InterestsInclude []string `json:"interests_include"`
	InterestsExclude []string `json:"interests_exclude"`
}

// Tier classifies the spec by the DESIGN.md consent table: country, region
// and language are contextual; age and interests make it personalised.
func (sp Spec) Tier() Tier {
	if sp.AgeMin > 0 || sp.AgeMax > 0 || len(sp.InterestsInclude) > 0 || len(sp.InterestsExclude) > 0 {
		return TierPersonalised
	}
	return TierContextual
}

// ParseSpec decodes a JSON spec strictly: unknown fields are an error, so
// a typo does not silently widen an audience.
func ParseSpec(b []byte) (Spec, error) {
	var sp Spec
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return Spec{}, &ValidationError{Problems: []Problem{{Field: "spec", Code: "malformed", Arg: jsonErrorText(err)}}}
	}
	if dec.More() {
		return Spec{}, &ValidationError{Problems: []Problem{{Field: "spec", Code: "malformed", Arg: "trailing data after the object"}}}
	}
	return sp, nil
}

func jsonErrorText(err error) string {
	s := err.Error()
	return strings.TrimPrefix(s, "json: ")
}

// normalise cleans the lists: trimmed, case-normalised, sorted, unique.
func (sp Spec) normalise() Spec {
	clean := func(in []string, f func(string) string) []string {
		seen := map[string]bool{}
		out := []string{}
		for _, v := range in {
			v = f(strings.TrimSpace(v))
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		sort.Strings(out)
		return out
	}
	return Spec{
		Countries:        clean(sp.Countries, strings.ToUpper),
		Regions:          clean(sp.Regions, func(s string) string { return s }),
		Languages:        clean(sp.Languages, strings.ToLower),
		AgeMin:           sp.AgeMin,
		AgeMax:           sp.AgeMax,
		InterestsInclude: clean(sp.InterestsInclude, strings.ToLower),
		InterestsExclude: clean(sp.InterestsExclude, strings.ToLower),
	}
}

// Validate normalises the spec and checks it against the workspace's
// interest list. A special-category interest is refused (DSA Art. 26(3)):
// the problem names the interest and its category.
func (s *Service) Validate(ctx context.Context, workspaceID int64, sp Spec) (Spec, error) {
	sp = sp.normalise()
	var ps problems
	for _, c := range sp.Countries {
		if !countryCodeKnown(c) {
			ps.add("countries", "invalid_country", c)
		}
	}
	for _, l := range sp.Languages {
		if !languageCodeKnown(l) {
			ps.add("languages", "invalid_language", l)
		}
	}
	for _, r := range sp.Regions {
		if len([]rune(r)) > 100 {
			ps.add("regions", "too_long", r)
		}
	}
	if sp.AgeMin < 0 || sp.AgeMin > 120 {
		ps.add("age_min", "out_of_range", fmt.Sprint(sp.AgeMin))
	}
	if sp.AgeMax < 0 || sp.AgeMax > 120 {
		ps.add("age_max", "out_of_range", fmt.Sprint(sp.AgeMax))
	}
	if sp.AgeMin > 0 && sp.AgeMax > 0 && sp.AgeMin > sp.AgeMax {
		ps.add("age_max", "below_min", fmt.Sprint(sp.AgeMax))
	}
	if sp.Tier() == TierPersonalised && sp.AgeMin > 0 && sp.AgeMin < 18 {
		// Minors never receive personalised ads (DSA Art. 28); an age floor
		// under 18 would promise a reach that cannot happen.
		ps.add("age_min", "minors_excluded", fmt.Sprint(sp.AgeMin))
	}
	if sp.AgeMax > 0 && sp.AgeMax < 18 {
		ps.add("age_max", "minors_excluded", fmt.Sprint(sp.AgeMax))
	}
	known, err := s.interestsByName(ctx, workspaceID, append(append([]string{}, sp.InterestsInclude...), sp.InterestsExclude...))
	if err != nil {
		return sp, err
	}
	for field, names := range map[string][]string{"interests_include": sp.InterestsInclude, "interests_exclude": sp.InterestsExclude} {
		for _, n := range names {
			in, ok := known[n]
			switch {
			case !ok:
				ps.add(field, "unknown_interest", n)
			case in.Category.Special():
				ps.add(field, "special_category", n+" ("+string(in.Category)+")")
			}
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Field < ps[j].Field })
	return sp, ps.err()
}
