package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// tokenPrefix marks statusads tokens so that secret scanners can find leaked
// ones.
const tokenPrefix = "sa_"

// ParseScopes validates a comma-separated scope list.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, part := range strings.Split(s, ",") {
		sc := Scope(strings.TrimSpace(strings.ToLower(part)))
		if sc == "" {
			continue
		}
		if !contains(Scopes, sc) {
			return nil, &ValidationError{Fields: map[string]string{"scopes": "invalid_scope"}}
		}
		if !contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, &ValidationError{Fields: map[string]string{"scopes": "required"}}
	}
	return out, nil
}

func joinScopes(sc []Scope) string {
	parts := make([]string, len(sc))
	for i, s := range sc {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

// HasScope reports whether the token allows the scope; "all" allows every
// scope, and "read" is implied by every other scope for GET requests only at
// the web layer.
func (t APIToken) HasScope(sc Scope) bool {
	for _, s := range strings.Split(t.Scopes, ",") {
		if Scope(s) == ScopeAll || Scope(s) == sc {
			return true
		}
	}
	return false
}

// CreateToken creates an API token and returns it with its secret, which is
// never shown again.
func (s *Service) CreateToken(ctx context.Context, workspaceID int64, name string, scopes []Scope) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	v := validation{}
	checkText(v, "name", name, 80)
	if len(scopes) == 0 {
		v.add("scopes", "required")
	}
	for _, sc := range scopes {
		if !contains(Scopes, sc) {
			v.add("scopes", "invalid_scope")
		}
	}
	if err := v.err(); err != nil {
		return APIToken{}, "", err
	}
	secret, hash := newSecret(tokenPrefix)
	t := APIToken{WorkspaceID: workspaceID, Name: name, Prefix: secret[:len(tokenPrefix)+6], TokenHash: hash,
		Scopes: joinScopes(scopes), CreatedAt: s.now()}
	if a := ActorFrom(ctx); a.Type == "user" {
		id := a.ID
		t.CreatedBy = &id
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("accounts: create token: %w", err)
		}
		return s.Audit(ctx, tx, workspaceID, "token.create", "api_token", t.ID, nil,
			map[string]any{"name": t.Name, "prefix": t.Prefix, "scopes": t.Scopes})
	})
	return t, secret, err
}

// Tokens lists a workspace's tokens, newest first.
func (s *Service) Tokens(ctx context.Context, workspaceID int64) ([]APIToken, error) {
	var out []APIToken
	err := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID).Order("id DESC").Find(&out).Error
	return out, err
}

// RevokeToken revokes a token of the workspace; ErrNotFound for another
// workspace's token, ErrConflict when already revoked.
func (s *Service) RevokeToken(ctx context.Context, workspaceID, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&APIToken{}).Where("workspace_id = ? AND id = ? AND revoked_at IS NULL", workspaceID, id).Update("revoked_at", s.now())
		if res.Error != nil {
			return fmt.Errorf("accounts: revoke token %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			var n int64
			tx.Model(&APIToken{}).Where("workspace_id = ? AND id = ?", workspaceID, id).Count(&n)
			if n == 0 {
				return fmt.Errorf("accounts: token %d: %w", id, ErrNotFound)
			}
			return fmt.Errorf("accounts: token %d already revoked: %w", id, ErrConflict)
		}
		return s.Audit(ctx, tx, workspaceID, "token.revoke", "api_token", id, nil, nil)
	})
}

// AuthenticateToken resolves a bearer token to its token row and workspace.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (APIToken, Workspace, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return APIToken{}, Workspace{}, ErrTokenInvalid
	}
	var t APIToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hashSecret(secret)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return APIToken{}, Workspace{}, ErrTokenInvalid
	} else if err != nil {
		return APIToken{}, Workspace{}, fmt.Errorf("accounts: token: %w", err)
	}
	w, err := s.Workspace(ctx, t.WorkspaceID)
	if err != nil {
		return APIToken{}, Workspace{}, err
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > minuteish {
		s.db.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	return t, w, nil
}

// TokenActor is the actor for requests made with a token.
func TokenActor(t APIToken, requestID string) Actor {
	return Actor{Type: "token", ID: t.ID, Label: "token " + t.Name + " (" + t.Prefix + "…)", RequestID: requestID}
}
