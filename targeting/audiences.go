package targeting

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/statusads/statusads/internal/db"
	"gorm.io/gorm"
)

// Audience is a named, reusable spec that campaigns reference.
type Audience struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Name        string    `json:"name"`
	SpecJSON    string    `gorm:"column:spec" json:"-"`
	Spec        Spec      `gorm:"-" json:"spec"`
	Tier        Tier      `json:"tier"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (Audience) TableName() string { return "audiences" }

func (a *Audience) decode() error {
	if err := json.Unmarshal([]byte(a.SpecJSON), &a.Spec); err != nil {
		return fmt.Errorf("targeting: audience %d spec: %w", a.ID, err)
	}
	return nil
}

// SaveAudience validates and stores a named audience; id 0 creates one.
// Special-category interests are refused with ErrForbiddenCriterion.
func (s *Service) SaveAudience(ctx context.Context, workspaceID, id int64, name string, sp Spec) (Audience, error) {
	name = strings.Join(strings.Fields(name), " ")
	var ps problems
	if name == "" {
		ps.add("name", "required", "")
	} else if len([]rune(name)) > 120 {
		ps.add("name", "too_long", "")
	}
	if err := s.ensureInterests(ctx, workspaceID); err != nil {
		return Audience{}, err
	}
	sp, err := s.Validate(ctx, workspaceID, sp)
	if ve, ok := err.(*ValidationError); ok {
		ps = append(ps, ve.Problems...)
	} else if err != nil {
		return Audience{}, err
	}
	if err := ps.err(); err != nil {
		return Audience{}, err
	}
	b, _ := json.Marshal(sp)
	now := s.now()
	a := Audience{WorkspaceID: workspaceID, Name: name, SpecJSON: string(b), Spec: sp, Tier: sp.Tier(), UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id == 0 {
			a.CreatedAt = now
			if err := tx.Create(&a).Error; err != nil {
				if db.IsUniqueViolation(err) {
					return &ValidationError{Problems: []Problem{{Field: "name", Code: "taken", Arg: name}}}
				}
				return fmt.Errorf("targeting: create audience: %w", err)
			}
			return s.audit.Audit(ctx, tx, workspaceID, "audience.create", "audience", a.ID, nil, a)
		}
		var before Audience
		if err := tx.Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&before).Error; err != nil {
			return notFound(err, fmt.Sprintf("audience %d", id))
		}
		before.decode()
		a.ID, a.CreatedAt = id, before.CreatedAt
		res := tx.Model(&Audience{}).Where("workspace_id = ? AND id = ?", workspaceID, id).
			Updates(map[string]any{"name": a.Name, "spec": a.SpecJSON, "tier": a.Tier, "updated_at": now})
		if res.Error != nil {
			if db.IsUniqueViolation(res.Error) {
				return &ValidationError{Problems: []Problem{{Field: "name", Code: "taken", Arg: name}}}
			}
			return fmt.Errorf("targeting: update audience: %w", res.Error)
		}
		return s.audit.Audit(ctx, tx, workspaceID, "audience.update", "audience", id, before, a)
	})
	return a, err
}

// Audience returns a saved audience of the workspace.
func (s *Service) Audience(ctx context.Context, workspaceID, id int64) (Audience, error) {
	var a Audience
	if err := s.db.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&a).Error; err != nil {
		return a, notFound(err, fmt.Sprintf("audience %d", id))
	}
	return a, a.decode()
}

// Audiences lists the workspace's saved audiences by name.
func (s *Service) Audiences(ctx context.Context, workspaceID int64) ([]Audience, error) {
	var out []Audience
	if err := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("targeting: audiences: %w", err)
	}
	for i := range out {
		if err := out[i].decode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
