package targeting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"gorm.io/gorm"
)

// Auditor records changes in the workspace's audit log inside the caller's
// transaction (accounts.Service implements it).
type Auditor interface {
	Audit(ctx context.Context, tx *gorm.DB, workspaceID int64, action, objectType string, objectID any, before, after any) error
}

// RevocationHook is told, inside the transaction that records it, that a
// person may no longer receive ads of some kind: consent withdrawn, a global
// objection, or erasure. The delivery work implements it to revoke the
// person's unexpired placements in the same transaction, so that the change
// and its effect commit together.
type RevocationHook interface {
	ProfileRevoked(ctx context.Context, tx *gorm.DB, workspaceID, profileID int64, reason string) error
}

// Service is the targeting API: profiles, consent, audiences, eligibility
// and privacy requests.
type Service struct {
	db     *gorm.DB
	clock  clock.Clock
	secret []byte
	audit  Auditor
	hooks  []RevocationHook
}

// NewService returns a Service. secret derives the per-workspace keys of the
// pseudonymous profile references.
func NewService(db *gorm.DB, clk clock.Clock, secret []byte, audit Auditor) *Service {
	return &Service{db: db, clock: clk, secret: secret, audit: audit}
}

// OnRevocation adds a hook called whenever a person's eligibility is
// withdrawn.
func (s *Service) OnRevocation(h RevocationHook) { s.hooks = append(s.hooks, h) }

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func (s *Service) revoked(ctx context.Context, tx *gorm.DB, workspaceID, profileID int64, reason string) error {
	for _, h := range s.hooks {
		if err := h.ProfileRevoked(ctx, tx, workspaceID, profileID, reason); err != nil {
			return fmt.Errorf("targeting: revocation hook: %w", err)
		}
	}
	return nil
}

// Settings are a workspace's targeting choices.
type Settings struct {
	WorkspaceID int64 `gorm:"primaryKey"`
	// LegitimateInterest lets a TCF legitimate-interest signal count for
	// purposes 2 and 7. Off by default: consent is the basis.
	LegitimateInterest bool
	// UnknownAgeIsAdult lets profiles without a birth year receive
	// personalised campaigns. Off by default: unknown is not adult.
	UnknownAgeIsAdult bool
	// MinCellSize suppresses report cells describing fewer people.
	MinCellSize int
	UpdatedAt   time.Time
}

func (Settings) TableName() string { return "targeting_settings" }

// Settings returns the workspace's settings, defaults when never saved.
func (s *Service) Settings(ctx context.Context, workspaceID int64) (Settings, error) {
	st := Settings{WorkspaceID: workspaceID, MinCellSize: 10}
	err := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID).Take(&st).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return st, fmt.Errorf("targeting: settings: %w", err)
	}
	return st, nil
}

// SaveSettings stores the workspace's settings.
func (s *Service) SaveSettings(ctx context.Context, st Settings) error {
	if st.MinCellSize < 2 || st.MinCellSize > 1000 {
		return &ValidationError{Problems: []Problem{{Field: "min_cell_size", Code: "out_of_range"}}}
	}
	before, err := s.Settings(ctx, st.WorkspaceID)
	if err != nil {
		return err
	}
	st.UpdatedAt = s.now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&st).Error; err != nil {
			return fmt.Errorf("targeting: save settings: %w", err)
		}
		return s.audit.Audit(ctx, tx, st.WorkspaceID, "targeting.settings", "workspace", st.WorkspaceID, before, st)
	})
}

func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("targeting: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("targeting: %s: %w", what, err)
}

var _ Auditor = (*accounts.Service)(nil)
