package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/statusads/statusads/internal/db"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// MinPasswordLength follows NIST SP 800-63B's advice for user-chosen secrets.
const MinPasswordLength = 10

// UserInput is a new user's details.
type UserInput struct {
	Email    string
	Name     string
	Password string
	Locale   string
}

// NormaliseEmail lower-cases and trims an address.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func validEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && strings.Contains(email, "@") && len(email) <= 254
}

func checkPassword(v validation, field, pw string) {
	switch {
	case pw == "":
		v.add(field, "required")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		v.add(field, "password_too_short")
	case len(pw) > 72: // bcrypt ignores bytes past 72
		v.add(field, "password_too_long")
	}
}

func hashPassword(pw string, cost int) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(pw), cost)
}

func (in *UserInput) normalise() error {
	in.Email = NormaliseEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.Locale = strings.ToLower(strings.TrimSpace(in.Locale))
	v := validation{}
	if in.Email == "" {
		v.add("email", "required")
	} else if !validEmail(in.Email) {
		v.add("email", "invalid_email")
	}
	checkText(v, "name", in.Name, 120)
	checkPassword(v, "password", in.Password)
	if in.Locale == "" {
		in.Locale = "en"
	} else if !contains(Locales, in.Locale) {
		v.add("locale", "invalid_locale")
	}
	return v.err()
}

func (s *Service) createUserTx(tx *gorm.DB, in UserInput) (User, error) {
	hash, err := hashPassword(in.Password, s.opt.BcryptCost)
	if err != nil {
		return User{}, fmt.Errorf("accounts: hash password: %w", err)
	}
	now := s.now()
	u := User{Email: in.Email, Name: in.Name, PasswordHash: string(hash), Locale: in.Locale, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&u).Error; err != nil {
		if db.IsUniqueViolation(err) {
			return User{}, &ValidationError{Fields: map[string]string{"email": "email_taken"}}
		}
		return User{}, fmt.Errorf("accounts: create user: %w", err)
	}
	return u, nil
}

func (s *Service) addMemberTx(ctx context.Context, tx *gorm.DB, workspaceID, userID int64, role Role) error {
	if !role.Valid() {
		return &ValidationError{Fields: map[string]string{"role": "invalid_role"}}
	}
	m := Membership{WorkspaceID: workspaceID, UserID: userID, Role: role, CreatedAt: s.now()}
	if err := tx.Create(&m).Error; err != nil {
		if db.IsUniqueViolation(err) {
			return &ValidationError{Fields: map[string]string{"email": "already_member"}}
		}
		return fmt.Errorf("accounts: add member: %w", err)
	}
	return s.Audit(ctx, tx, workspaceID, "member.add", "user", userID, nil, map[string]any{"user_id": userID, "role": role})
}

// CreateMember creates a user with a password and adds them to a workspace.
// If the email already has an account, that account is added instead and the
// password is left unchanged.
func (s *Service) CreateMember(ctx context.Context, workspaceID int64, in UserInput, role Role) (User, error) {
	if err := in.normalise(); err != nil {
		return User{}, err
	}
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("email = ?", in.Email).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if u, err = s.createUserTx(tx, in); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("accounts: find user: %w", err)
		}
		return s.addMemberTx(ctx, tx, workspaceID, u.ID, role)
	})
	return u, err
}

// UserByEmail finds a user.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", NormaliseEmail(email)).Take(&u).Error
	return u, notFound(err, "user")
}

// User returns a user by id (identity only; no workspace check).
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	return u, notFound(err, fmt.Sprintf("user %d", id))
}

// Members lists a workspace's members.
func (s *Service) Members(ctx context.Context, workspaceID int64) ([]Member, error) {
	var out []Member
	err := s.memberQuery(ctx, workspaceID).Order("users.name, users.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("accounts: members of %d: %w", workspaceID, err)
	}
	return out, nil
}

// Member returns one member of a workspace; ErrNotFound if the user is not a
// member there.
func (s *Service) Member(ctx context.Context, workspaceID, userID int64) (Member, error) {
	var out []Member
	if err := s.memberQuery(ctx, workspaceID).Where("users.id = ?", userID).Scan(&out).Error; err != nil {
		return Member{}, fmt.Errorf("accounts: member %d: %w", userID, err)
	}
	if len(out) == 0 {
		return Member{}, fmt.Errorf("accounts: member %d: %w", userID, ErrNotFound)
	}
	return out[0], nil
}

func (s *Service) memberQuery(ctx context.Context, workspaceID int64) *gorm.DB {
	return s.db.WithContext(ctx).Table("users").
		Select("users.*, memberships.role, memberships.disabled_at AS member_disabled_at").
		Joins("JOIN memberships ON memberships.user_id = users.id").
		Where("memberships.workspace_id = ?", workspaceID)
}

// ChangeRole sets a member's role. The last active admin cannot be demoted.
func (s *Service) ChangeRole(ctx context.Context, workspaceID, userID int64, role Role) error {
	if !role.Valid() {
		return &ValidationError{Fields: map[string]string{"role": "invalid_role"}}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Membership
		if err := tx.Where("workspace_id = ? AND user_id = ?", workspaceID, userID).Take(&m).Error; err != nil {
			return notFound(err, fmt.Sprintf("member %d", userID))
		}
		if m.Role == role {
			return nil
		}
		if m.Role == RoleAdmin && m.DisabledAt == nil {
			if err := s.keepOneAdmin(tx, workspaceID, userID); err != nil {
				return err
			}
		}
		res := tx.Model(&Membership{}).Where("workspace_id = ? AND user_id = ? AND role = ?", workspaceID, userID, m.Role).Update("role", role)
		if res.Error != nil {
			return fmt.Errorf("accounts: change role: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("accounts: change role of %d: %w", userID, ErrConflict)
		}
		return s.Audit(ctx, tx, workspaceID, "member.role", "user", userID, map[string]any{"role": m.Role}, map[string]any{"role": role})
	})
}

// SetMemberDisabled disables or re-enables a member in one workspace. A
// disabled member's sessions in that workspace end at once.
func (s *Service) SetMemberDisabled(ctx context.Context, workspaceID, userID int64, disabled bool) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Membership
		if err := tx.Where("workspace_id = ? AND user_id = ?", workspaceID, userID).Take(&m).Error; err != nil {
			return notFound(err, fmt.Sprintf("member %d", userID))
		}
		if (m.DisabledAt != nil) == disabled {
			return nil
		}
		if disabled {
			if m.Role == RoleAdmin {
				if err := s.keepOneAdmin(tx, workspaceID, userID); err != nil {
					return err
				}
			}
			now := s.now()
			if err := tx.Model(&Membership{}).Where("workspace_id = ? AND user_id = ? AND disabled_at IS NULL", workspaceID, userID).
				Update("disabled_at", now).Error; err != nil {
				return fmt.Errorf("accounts: disable member: %w", err)
			}
			if err := tx.Where("workspace_id = ? AND user_id = ?", workspaceID, userID).Delete(&session{}).Error; err != nil {
				return fmt.Errorf("accounts: end sessions: %w", err)
			}
			return s.Audit(ctx, tx, workspaceID, "member.disable", "user", userID, nil, nil)
		}
		if err := tx.Model(&Membership{}).Where("workspace_id = ? AND user_id = ?", workspaceID, userID).
			Update("disabled_at", nil).Error; err != nil {
			return fmt.Errorf("accounts: enable member: %w", err)
		}
		return s.Audit(ctx, tx, workspaceID, "member.enable", "user", userID, nil, nil)
	})
}

// keepOneAdmin fails with ErrConflict when userID is the last active admin.
func (s *Service) keepOneAdmin(tx *gorm.DB, workspaceID, userID int64) error {
	var n int64
	if err := tx.Model(&Membership{}).Where("workspace_id = ? AND role = ? AND disabled_at IS NULL AND user_id <> ?", workspaceID, RoleAdmin, userID).
		Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("accounts: the workspace needs at least one active admin: %w", ErrConflict)
	}
	return nil
}

// SetLocale changes the language a user sees.
func (s *Service) SetLocale(ctx context.Context, userID int64, locale string) error {
	if !contains(Locales, locale) {
		return &ValidationError{Fields: map[string]string{"locale": "invalid_locale"}}
	}
	return s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"locale": locale, "updated_at": s.now()}).Error
}

// ChangePassword replaces a user's password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	v := validation{}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		v.add("current_password", "wrong_password")
	}
	checkPassword(v, "new_password", next)
	if err := v.err(); err != nil {
		return err
	}
	hash, err := hashPassword(next, s.opt.BcryptCost)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": string(hash), "updated_at": s.now()}).Error; err != nil {
			return err
		}
		// Other sessions end; the caller starts a fresh one.
		return tx.Where("user_id = ?", userID).Delete(&session{}).Error
	})
}
