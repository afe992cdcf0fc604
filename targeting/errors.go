package targeting

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound means the object does not exist in the caller's workspace.
	ErrNotFound = errors.New("not found")
	// ErrForbiddenCriterion means an audience uses a special-category
	// interest, which the DSA (Art. 26(3)) forbids for ad targeting.
	ErrForbiddenCriterion = errors.New("forbidden targeting criterion")
	// ErrErased means the profile was erased and holds no data any more.
	ErrErased = errors.New("profile erased")
)

// Problem is one thing wrong with an input, by field. Code is a stable
// identifier the web layer translates; Arg is the offending value (an
// interest's name, a country code).
type Problem struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	Arg   string `json:"arg,omitempty"`
}

// ValidationError lists the problems of an input. It wraps
// ErrForbiddenCriterion when one of them is a special category.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Code
		if p.Arg != "" {
			parts[i] += fmt.Sprintf(" (%s)", p.Arg)
		}
	}
	return "targeting: invalid input: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrForbiddenCriterion) find special categories.
func (e *ValidationError) Unwrap() error {
	for _, p := range e.Problems {
		if p.Code == "special_category" {
			return ErrForbiddenCriterion
		}
	}
	return nil
}

type problems []Problem

func (ps *problems) add(field, code, arg string) { *ps = append(*ps, Problem{field, code, arg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// ProblemMessage is a problem in English, for API answers and import
// reports (integrators read these; the dashboard translates codes itself).
func ProblemMessage(p Problem) string {
	switch p.Code {
	case "special_category":
		return fmt.Sprintf("%s: interest %s is a special category of personal data; the DSA (Art. 26(3)) forbids targeting ads on it", p.Field, p.Arg)
	case "special_category_stored":
		return fmt.Sprintf("interest %s is a special category of personal data; statusads does not store it", p.Arg)
	case "unknown_interest":
		return fmt.Sprintf("%s: interest %q is not in the workspace's interest list; add it first", p.Field, p.Arg)
	case "invalid_country":
		return fmt.Sprintf("%s: %q is not an ISO 3166-1 alpha-2 country code", p.Field, p.Arg)
	case "invalid_language":
		return fmt.Sprintf("%s: %q is not an ISO 639-1 language code", p.Field, p.Arg)
	case "out_of_range":
		return fmt.Sprintf("%s: %s is out of range", p.Field, p.Arg)
	case "below_min":
		return fmt.Sprintf("%s: %s is below age_min", p.Field, p.Arg)
	case "minors_excluded":
		return fmt.Sprintf("%s: personalised audiences never include people under 18 (DSA Art. 28); use 18 or more", p.Field)
	case "in_future":
		return fmt.Sprintf("%s: %s is in the future", p.Field, p.Arg)
	case "invalid_purpose":
		return fmt.Sprintf("%s: %s is not a recorded purpose (use 1, 2, 3, 4, 7 or 9)", p.Field, p.Arg)
	case "required":
		return p.Field + ": is required"
	case "too_long":
		return p.Field + ": is too long"
	case "taken":
		return fmt.Sprintf("%s: %q is already used", p.Field, p.Arg)
	case "malformed":
		return fmt.Sprintf("%s: malformed: %s", p.Field, p.Arg)
	case "erased":
		return "this person was erased"
	case "invalid_category":
		return fmt.Sprintf("%s: %q is not a category (use none, health, religion, politics, sexual_orientation, ethnicity, trade_union or genetic_biometric)", p.Field, p.Arg)
	case "invalid_basis":
		return fmt.Sprintf("%s: %q is not a legal basis (use consent or legitimate_interest)", p.Field, p.Arg)
	case "invalid_character":
		return fmt.Sprintf("%s: must not contain %q", p.Field, p.Arg)
	case "invalid_format":
		return fmt.Sprintf("%s: %q is not a supported format (use csv or ndjson)", p.Field, p.Arg)
	}
	if p.Arg != "" {
		return fmt.Sprintf("%s: %s (%s)", p.Field, p.Code, p.Arg)
	}
	return p.Field + ": " + p.Code
}
