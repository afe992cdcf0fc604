package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Audit writes an audit entry inside tx. before and after are any
// JSON-encodable snapshots (nil when there is none); secrets must be left out
// by the caller. Other domain packages call this in their own transactions.
func (s *Service) Audit(ctx context.Context, tx *gorm.DB, workspaceID int64, action, objectType string, objectID any, before, after any) error {
	a := ActorFrom(ctx)
	e := AuditEntry{
		WorkspaceID: workspaceID,
		ActorType:   a.Type,
		ActorLabel:  a.Label,
		Action:      action,
		ObjectType:  objectType,
		ObjectID:    fmt.Sprint(objectID),
		RequestID:   a.RequestID,
		CreatedAt:   s.now(),
	}
	if a.ID != 0 {
		id := a.ID
		e.ActorID = &id
	}
	var err error
	if e.BeforeData, err = snapshot(before); err != nil {
		return err
	}
	if e.AfterData, err = snapshot(after); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("accounts: audit %s: %w", action, err)
	}
	return nil
}

func snapshot(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("accounts: audit snapshot: %w", err)
	}
	s := string(b)
	return &s, nil
}

// AuditFilter narrows the audit log. Zero fields do not filter.
type AuditFilter struct {
	Action     string
	ObjectType string
	Actor      string // substring of the actor label
	From, To   time.Time
	BeforeID   int64 // for paging: entries older than this id
	Limit      int
}

// ListAudit returns a workspace's audit entries, newest first.
func (s *Service) ListAudit(ctx context.Context, workspaceID int64, f AuditFilter) ([]AuditEntry, error) {
	q := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID)
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.Actor != "" {
		q = q.Where(`LOWER(actor_label) LIKE ? ESCAPE '\'`, "%"+escapeLike(toLower(f.Actor))+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var out []AuditEntry
	if err := q.Order("id DESC").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("accounts: list audit: %w", err)
	}
	return out, nil
}

// CountAudit counts a workspace's audit entries since a moment.
func (s *Service) CountAudit(ctx context.Context, workspaceID int64, since time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&AuditEntry{}).Where("workspace_id = ? AND created_at >= ?", workspaceID, since.UTC()).Count(&n).Error
	return n, err
}

// AuditEntry returns one entry of the workspace.
func (s *Service) AuditEntry(ctx context.Context, workspaceID, id int64) (AuditEntry, error) {
	var e AuditEntry
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&e).Error
	return e, notFound(err, "audit entry "+strconv.FormatInt(id, 10))
}

// AuditActions lists the distinct actions recorded in a workspace, for the
// filter menu.
func (s *Service) AuditActions(ctx context.Context, workspaceID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&AuditEntry{}).Where("workspace_id = ?", workspaceID).
		Distinct().Order("action").Pluck("action", &out).Error
	return out, err
}

func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if err == gorm.ErrRecordNotFound {
		return fmt.Errorf("accounts: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("accounts: %s: %w", what, err)
}
