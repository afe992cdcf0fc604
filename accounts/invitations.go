package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

const minuteish = time.Minute

// Invite creates a one-time link with which someone joins the workspace with
// the given role. The link secret is returned once.
func (s *Service) Invite(ctx context.Context, workspaceID int64, email string, role Role) (Invitation, string, error) {
	email = NormaliseEmail(email)
	v := validation{}
	if email == "" {
		v.add("email", "required")
	} else if !validEmail(email) {
		v.add("email", "invalid_email")
	}
	if !role.Valid() {
		v.add("role", "invalid_role")
	}
	if err := v.err(); err != nil {
		return Invitation{}, "", err
	}
	var n int64
	s.db.WithContext(ctx).Table("memberships").Joins("JOIN users ON users.id = memberships.user_id").
		Where("memberships.workspace_id = ? AND users.email = ?", workspaceID, email).Count(&n)
	if n > 0 {
		return Invitation{}, "", &ValidationError{Fields: map[string]string{"email": "already_member"}}
	}
	secret, hash := newSecret("")
	now := s.now()
	inv := Invitation{WorkspaceID: workspaceID, Email: email, Role: role, TokenHash: hash, CreatedBy: ActorFrom(ctx).ID,
		CreatedAt: now, ExpiresAt: now.Add(s.opt.InvitationTTL)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&inv).Error; err != nil {
			return fmt.Errorf("accounts: invite: %w", err)
		}
		return s.Audit(ctx, tx, workspaceID, "invitation.create", "invitation", inv.ID, nil,
			map[string]any{"email": inv.Email, "role": inv.Role, "expires_at": inv.ExpiresAt})
	})
	return inv, secret, err
}

// PendingInvitations lists open invitations of a workspace.
func (s *Service) PendingInvitations(ctx context.Context, workspaceID int64) ([]Invitation, error) {
	var out []Invitation
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", workspaceID, s.now()).
		Order("id DESC").Find(&out).Error
	return out, err
}

// RevokeInvitation withdraws an open invitation of the workspace.
func (s *Service) RevokeInvitation(ctx context.Context, workspaceID, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Invitation{}).Where("workspace_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL", workspaceID, id).
			Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("accounts: invitation %d: %w", id, ErrNotFound)
		}
		return s.Audit(ctx, tx, workspaceID, "invitation.revoke", "invitation", id, nil, nil)
	})
}

// Invitation resolves an invitation link that is still open.
func (s *Service) Invitation(ctx context.Context, secret string) (Invitation, Workspace, error) {
	var inv Invitation
	err := s.db.WithContext(ctx).Where("token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", hashSecret(secret), s.now()).
		Take(&inv).Error
	if err != nil {
		return inv, Workspace{}, notFound(err, "invitation")
	}
	w, err := s.Workspace(ctx, inv.WorkspaceID)
	return inv, w, err
}

// AcceptInvitation joins the invited person: a new account with name and
// password, or, when the email already has an account, that account (whose
// password must then be given). It returns the user.
func (s *Service) AcceptInvitation(ctx context.Context, secret, name, password string) (User, error) {
	inv, _, err := s.Invitation(ctx, secret)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", inv.ID).Update("accepted_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("accounts: invitation %d: %w", inv.ID, ErrNotFound)
		}
		err := tx.Where("email = ?", inv.Email).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			in := UserInput{Email: inv.Email, Name: name, Password: password}
			if err := in.normalise(); err != nil {
				return err
			}
			if u, err = s.createUserTx(tx, in); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if !s.passwordMatches(u, password) {
				return &ValidationError{Fields: map[string]string{"password": "wrong_password"}}
			}
		}
		actx := WithActor(ctx, UserActor(u, ActorFrom(ctx).RequestID))
		if err := s.addMemberTx(actx, tx, inv.WorkspaceID, u.ID, inv.Role); err != nil {
			return err
		}
		return s.Audit(actx, tx, inv.WorkspaceID, "invitation.accept", "invitation", inv.ID, nil, nil)
	})
	return u, err
}
