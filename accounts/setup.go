package accounts

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

type setupToken struct {
	TokenHash string `gorm:"primaryKey"`
	CreatedAt time.Time
	UsedAt    *time.Time
}

func (setupToken) TableName() string { return "setup_tokens" }

// NewSetupToken returns a one-time secret for creating the first admin, or
// "" when users already exist. Each start of an empty installation makes a
// new one; older ones stay valid until one is used.
func (s *Service) NewSetupToken(ctx context.Context) (string, error) {
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	secret, hash := newSecret("")
	if err := s.db.WithContext(ctx).Create(&setupToken{TokenHash: hash, CreatedAt: s.now()}).Error; err != nil {
		return "", fmt.Errorf("accounts: setup token: %w", err)
	}
	return secret, nil
}

// SetupTokenValid reports whether a setup secret can still be used.
func (s *Service) SetupTokenValid(ctx context.Context, secret string) bool {
	var n int64
	s.db.WithContext(ctx).Model(&setupToken{}).Where("token_hash = ? AND used_at IS NULL", hashSecret(secret)).Count(&n)
	users, _ := s.CountUsers(ctx)
	return n == 1 && users == 0
}

// CompleteSetup creates the first admin and workspace with a setup secret.
// It succeeds once per installation.
func (s *Service) CompleteSetup(ctx context.Context, secret string, user UserInput, ws WorkspaceInput) (User, Workspace, error) {
	errU, errW := user.normalise(), ws.normalise()
	if errU != nil || errW != nil {
		merged := validation{}
		for _, e := range []error{errU, errW} {
			if ve, ok := e.(*ValidationError); ok {
				for k, v := range ve.Fields {
					if k == "name" && e == errW {
						k = "workspace_name"
					}
					merged.add(k, v)
				}
			}
		}
		return User{}, Workspace{}, merged.err()
	}
	var u User
	var w Workspace
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&setupToken{}).Where("token_hash = ? AND used_at IS NULL", hashSecret(secret)).Update("used_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		var users int64
		tx.Model(&User{}).Count(&users)
		if res.RowsAffected != 1 || users > 0 {
			return fmt.Errorf("accounts: setup already done or link invalid: %w", ErrNotFound)
		}
		var err error
		if u, err = s.createUserTx(tx, user); err != nil {
			return err
		}
		actx := WithActor(ctx, UserActor(u, ActorFrom(ctx).RequestID))
		if w, err = s.createWorkspaceTx(actx, tx, ws, false); err != nil {
			return err
		}
		return s.addMemberTx(actx, tx, w.ID, u.ID, RoleAdmin)
	})
	return u, w, err
}

// Bootstrap creates a user and workspace directly, for the CLI and the demo.
// It is idempotent by email and workspace name: existing ones are reused.
func (s *Service) Bootstrap(ctx context.Context, user UserInput, ws WorkspaceInput, role Role, demo bool) (User, Workspace, bool, error) {
	if err := ws.normalise(); err != nil {
		return User{}, Workspace{}, false, err
	}
	var u User
	var w Workspace
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("name = ?", ws.Name).Order("id").Limit(1).Find(&w).Error; err != nil {
			return err
		}
		if w.ID == 0 {
			var err error
			if w, err = s.createWorkspaceTx(ctx, tx, ws, demo); err != nil {
				return err
			}
		}
		if err := tx.Where("email = ?", NormaliseEmail(user.Email)).Limit(1).Find(&u).Error; err != nil {
			return err
		}
		if u.ID == 0 {
			if err := user.normalise(); err != nil {
				return err
			}
			var err error
			if u, err = s.createUserTx(tx, user); err != nil {
				return err
			}
			created = true
		}
		var n int64
		tx.Model(&Membership{}).Where("workspace_id = ? AND user_id = ?", w.ID, u.ID).Count(&n)
		if n == 0 {
			return s.addMemberTx(ctx, tx, w.ID, u.ID, role)
		}
		return nil
	})
	return u, w, created, err
}

func (s *Service) passwordMatches(u User, pw string) bool {
	return u.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}
