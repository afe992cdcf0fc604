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
