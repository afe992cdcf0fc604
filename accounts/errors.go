package accounts

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

var (
	// ErrNotFound means the object does not exist in the caller's workspace.
	// Objects of other workspaces are reported the same way, never as
	// forbidden, so that ids do not leak.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the actor's role does not allow the action.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the change clashes with the current state.
	ErrConflict = errors.New("conflict")
	// ErrInvalidCredentials is the one answer to a failed login, whether or
	// not the email exists.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrSessionExpired means the session is unknown, idle too long or past
	// its absolute lifetime.
	ErrSessionExpired = errors.New("session expired")
	// ErrTokenInvalid means a bearer token is unknown or revoked.
	ErrTokenInvalid = errors.New("invalid token")
)

// RateLimitedError is returned while logins are locked for an account or an
// address.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many login attempts, retry after %s", e.RetryAfter.Round(time.Second))
}

// ValidationError lists problems with input, by field. Codes are stable
// identifiers ("required", "invalid_email", …) that the web layer turns into
// messages in the user's language.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// validation collects field problems; err returns nil when there are none.
type validation map[string]string

func (v validation) add(field, code string) {
	if _, ok := v[field]; !ok {
		v[field] = code
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}
