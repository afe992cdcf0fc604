package targeting

import (
	"context"
	"fmt"
	"time"

	"github.com/statusads/statusads/accounts"
	"gorm.io/gorm"
)

// Export is everything statusads holds about one person (GDPR Art. 15).
type Export struct {
	Profile    Profile        `json:"profile"`
	Interests  []string       `json:"interests"`
	Consents   []ConsentState `json:"consent_state"`
	Ledger     []ConsentEvent `json:"consent_ledger"`
	ExportedAt time.Time      `json:"exported_at"`
	// Placements and events are added by the delivery and reporting work
	// through ExportSections.
	Sections map[string]any `json:"sections,omitempty"`
}

// ExportSection adds a part of a person's data held by another package.
type ExportSection interface {
	Name() string
	ExportProfile(ctx context.Context, workspaceID, profileID int64) (any, error)
}

// ExportProfile gathers a profile's data and records the access request.
func (s *Service) ExportProfile(ctx context.Context, workspaceID, profileID int64, sections ...ExportSection) (Export, error) {
	p, err := s.Profile(ctx, workspaceID, profileID)
	if err != nil {
		return Export{}, err
	}
	if p.ErasedAt != nil {
		return Export{}, fmt.Errorf("targeting: profile %d: %w", profileID, ErrErased)
	}
	ex := Export{Profile: p, ExportedAt: s.now()}
	if ex.Interests, err = s.ProfileInterests(ctx, workspaceID, profileID); err != nil {
		return Export{}, err
	}
	if ex.Consents, err = s.ConsentStates(ctx, workspaceID, profileID); err != nil {
		return Export{}, err
	}
	if ex.Ledger, err = s.ConsentHistory(ctx, workspaceID, profileID); err != nil {
		return Export{}, err
	}
	for _, sec := range sections {
		v, err := sec.ExportProfile(ctx, workspaceID, profileID)
		if err != nil {
			return Export{}, err
		}
		if ex.Sections == nil {
			ex.Sections = map[string]any{}
		}
		ex.Sections[sec.Name()] = v
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.audit.Audit(ctx, tx, workspaceID, "profile.export", "profile", profileID, nil, nil)
	})
	return ex, err
}

// Erasure records that a profile was erased, without what was erased.
type Erasure struct {
	ID          int64
	WorkspaceID int64
	ProfileID   int64
	Via         string
	Actor       string
	CreatedAt   time.Time
}

func (Erasure) TableName() string { return "erasures" }

// Erase removes a person's personal data (GDPR Art. 17): attributes,
// interests, the consent ledger and state go; the profile row stays as a
// tombstone without its reference so that aggregate counts keep their
// meaning; an erasure record says that it happened, when and by whom.
// Revocation hooks run first, in the same transaction. Nothing is kept to
// recognise the person by, so a later import that names them again creates
// a new profile, which needs fresh consent like anyone else's.
func (s *Service) Erase(ctx context.Context, workspaceID, profileID int64, via string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.profileTx(tx, workspaceID, profileID)
		if err != nil {
			return err
		}
		if p.ErasedAt != nil {
			return nil
		}
		if err := s.revoked(ctx, tx, workspaceID, profileID, "erasure"); err != nil {
			return err
		}
		for _, t := range []string{"profile_interests", "consent_state", "consent_events"} {
			if err := tx.Exec("DELETE FROM "+t+" WHERE workspace_id = ? AND profile_id = ?", workspaceID, profileID).Error; err != nil {
				return fmt.Errorf("targeting: erase %s: %w", t, err)
			}
		}
		now := s.now()
		res := tx.Model(&Profile{}).Where("workspace_id = ? AND id = ? AND erased_at IS NULL", workspaceID, profileID).Updates(map[string]any{
			"ref": fmt.Sprintf("erased:%d", profileID), "ref_kind": "erased", "country": "", "region": "", "language": "",
			"birth_year": nil, "granted_mask": 0, "li_mask": 0, "withdrawn_mask": 0, "objected_at": nil, "erased_at": now, "updated_at": now,
		})
		if res.Error != nil {
			return fmt.Errorf("targeting: erase profile: %w", res.Error)
		}
		if err := tx.Create(&Erasure{WorkspaceID: workspaceID, ProfileID: profileID, Via: via, Actor: accounts.ActorFrom(ctx).Label, CreatedAt: now}).Error; err != nil {
			return fmt.Errorf("targeting: erasure record: %w", err)
		}
		return s.audit.Audit(ctx, tx, workspaceID, "profile.erase", "profile", profileID, nil, map[string]any{"via": via})
	})
}
