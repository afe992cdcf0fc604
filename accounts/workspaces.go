package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// WorkspaceInput is what a person fills in to create or edit a workspace.
type WorkspaceInput struct {
	Name           string
	AdvertiserName string
	PayerName      string
	TimeZone       string
	Currency       string
	Locale         string
}

// Currencies the product formats and budgets in.
var Currencies = []string{"EUR", "USD", "GBP", "CHF", "PLN", "SEK", "DKK", "NOK", "CZK", "JPY"}

// Locales the interface speaks.
var Locales = []string{"en", "de"}

func (in *WorkspaceInput) normalise() error {
	in.Name = strings.TrimSpace(in.Name)
	in.AdvertiserName = strings.TrimSpace(in.AdvertiserName)
	in.PayerName = strings.TrimSpace(in.PayerName)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	in.Locale = strings.ToLower(strings.TrimSpace(in.Locale))
	v := validation{}
	checkText(v, "name", in.Name, 120)
	checkText(v, "advertiser_name", in.AdvertiserName, 200)
	checkText(v, "payer_name", in.PayerName, 200)
	if in.TimeZone == "" {
		v.add("time_zone", "required")
	} else if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		v.add("time_zone", "invalid_time_zone")
	}
	if !contains(Currencies, in.Currency) {
		v.add("currency", "invalid_currency")
	}
	if !contains(Locales, in.Locale) {
		v.add("locale", "invalid_locale")
	}
	return v.err()
}

func checkText(v validation, field, value string, max int) {
	switch {
	case value == "":
		v.add(field, "required")
	case len([]rune(value)) > max:
		v.add(field, "too_long")
	}
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if x == y {
			return true
		}
	}
	return false
}

// CreateWorkspace creates a workspace and makes owner its admin.
func (s *Service) CreateWorkspace(ctx context.Context, in WorkspaceInput, ownerID int64) (Workspace, error) {
	if err := in.normalise(); err != nil {
		return Workspace{}, err
	}
	var w Workspace
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		w, err = s.createWorkspaceTx(ctx, tx, in, false)
		if err != nil {
			return err
		}
		return s.addMemberTx(ctx, tx, w.ID, ownerID, RoleAdmin)
	})
	return w, err
}

func (s *Service) createWorkspaceTx(ctx context.Context, tx *gorm.DB, in WorkspaceInput, demo bool) (Workspace, error) {
	now := s.now()
	w := Workspace{Name: in.Name, AdvertiserName: in.AdvertiserName, PayerName: in.PayerName, TimeZone: in.TimeZone,
		Currency: in.Currency, Locale: in.Locale, IsDemo: demo, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&w).Error; err != nil {
		return w, fmt.Errorf("accounts: create workspace: %w", err)
	}
	return w, s.Audit(ctx, tx, w.ID, "workspace.create", "workspace", w.ID, nil, w)
}

// UpdateWorkspace changes a workspace's settings.
func (s *Service) UpdateWorkspace(ctx context.Context, id int64, in WorkspaceInput) (Workspace, error) {
	if err := in.normalise(); err != nil {
		return Workspace{}, err
	}
	var after Workspace
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before Workspace
		if err := tx.Where("id = ?", id).Take(&before).Error; err != nil {
			return notFound(err, fmt.Sprintf("workspace %d", id))
		}
		after = before
		after.Name, after.AdvertiserName, after.PayerName = in.Name, in.AdvertiserName, in.PayerName
		after.TimeZone, after.Currency, after.Locale = in.TimeZone, in.Currency, in.Locale
		after.UpdatedAt = s.now()
		if err := tx.Save(&after).Error; err != nil {
			return fmt.Errorf("accounts: update workspace %d: %w", id, err)
		}
		return s.Audit(ctx, tx, id, "workspace.update", "workspace", id, before, after)
	})
	return after, err
}

// Workspace returns a workspace by id.
func (s *Service) Workspace(ctx context.Context, id int64) (Workspace, error) {
	var w Workspace
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&w).Error
	return w, notFound(err, fmt.Sprintf("workspace %d", id))
}

// WorkspaceByName returns a workspace by its exact name (for the CLI).
func (s *Service) WorkspaceByName(ctx context.Context, name string) (Workspace, error) {
	var w Workspace
	err := s.db.WithContext(ctx).Where("name = ?", strings.TrimSpace(name)).Order("id").Take(&w).Error
	return w, notFound(err, fmt.Sprintf("workspace %q", name))
}

// WorkspacesOf lists the workspaces a user belongs to with the user's role.
func (s *Service) WorkspacesOf(ctx context.Context, userID int64) ([]WorkspaceRole, error) {
	var out []WorkspaceRole
	err := s.db.WithContext(ctx).Table("workspaces").
		Select("workspaces.*, memberships.role").
		Joins("JOIN memberships ON memberships.workspace_id = workspaces.id").
		Where("memberships.user_id = ?", userID).Order("workspaces.name, workspaces.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("accounts: workspaces of user %d: %w", userID, err)
	}
	return out, nil
}

// CountUsers reports how many users exist; zero means first-run setup.
func (s *Service) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}
