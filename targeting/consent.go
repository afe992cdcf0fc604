package targeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/statusads/statusads/accounts"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PurposeObjection marks ledger entries that record a global objection
// (GDPR Art. 21) rather than one purpose.
const PurposeObjection Purpose = 0

// ConsentSource says where a ledger entry came from.
var ConsentSources = []string{"import", "api", "form", "tc_string", "cmp", "support"}

// ConsentChange is one statement about one purpose.
type ConsentChange struct {
	Purpose       Purpose
	Granted       bool
	Basis         Basis // default consent
	Source        string
	NoticeVersion string
	Evidence      string    // e.g. the TC string
	OccurredAt    time.Time // when the person made the choice; default now
}

// ConsentEvent is one entry of the append-only ledger, the proof of consent
// (GDPR Art. 7(1)).
type ConsentEvent struct {
	ID            int64     `json:"id"`
	WorkspaceID   int64     `json:"-"`
	ProfileID     int64     `json:"profile_id"`
	Purpose       Purpose   `json:"purpose"`
	Granted       bool      `json:"granted"`
	LegalBasis    Basis     `json:"legal_basis"`
	Source        string    `json:"source"`
	NoticeVersion string    `json:"notice_version"`
	Evidence      string    `json:"evidence,omitempty"`
	Actor         string    `json:"actor"`
	OccurredAt    time.Time `json:"occurred_at"`
	CreatedAt     time.Time `json:"recorded_at"`
}

func (ConsentEvent) TableName() string { return "consent_events" }

// ConsentState is the current state of one purpose on one basis.
type ConsentState struct {
	WorkspaceID int64     `gorm:"primaryKey;autoIncrement:false" json:"-"`
	ProfileID   int64     `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Purpose     Purpose   `gorm:"primaryKey;autoIncrement:false" json:"purpose"`
	Granted     bool      `json:"granted"`
	LegalBasis  Basis     `gorm:"primaryKey" json:"legal_basis"`
	EventID     int64     `json:"event_id"`
	OccurredAt  time.Time `json:"occurred_at"`
}

func (ConsentState) TableName() string { return "consent_state" }

func (c *ConsentChange) check(now time.Time) error {
	var ps problems
	if !c.Purpose.Valid() {
		ps.add("purpose", "invalid_purpose", fmt.Sprint(int(c.Purpose)))
	}
	if c.Basis == "" {
		c.Basis = BasisConsent
	}
	if c.Basis != BasisConsent && c.Basis != BasisLegitimateInterest {
		ps.add("legal_basis", "invalid_basis", string(c.Basis))
	}
	c.Source = strings.TrimSpace(c.Source)
	if c.Source == "" {
		ps.add("source", "required", "")
	} else if len(c.Source) > 40 {
		ps.add("source", "too_long", "")
	}
	if len(c.NoticeVersion) > 100 {
		ps.add("notice_version", "too_long", "")
	}
	if len(c.Evidence) > 64<<10 {
		ps.add("evidence", "too_long", "")
	}
	if c.OccurredAt.IsZero() {
		c.OccurredAt = now
	} else if c.OccurredAt.After(now.Add(24 * time.Hour)) {
		ps.add("consent_at", "in_future", c.OccurredAt.Format(time.RFC3339))
	}
	c.OccurredAt = c.OccurredAt.UTC().Truncate(time.Microsecond)
	return ps.err()
}

// RecordConsent appends changes to the ledger and updates the current state
// in the same transaction. A change that states what is already current is
// skipped (so re-imports add nothing); the written entries are returned.
// Withdrawing a granted purpose takes effect when this commits: the profile
// drops out of every later estimate and push, and revocation hooks run in the
// same transaction.
func (s *Service) RecordConsent(ctx context.Context, workspaceID, profileID int64, changes []ConsentChange) ([]ConsentEvent, error) {
	var out []ConsentEvent
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = s.RecordConsentTx(ctx, tx, workspaceID, profileID, changes)
		return err
	})
	return out, err
}

// RecordConsentTx is RecordConsent inside the caller's transaction.
func (s *Service) RecordConsentTx(ctx context.Context, tx *gorm.DB, workspaceID, profileID int64, changes []ConsentChange) ([]ConsentEvent, error) {
	now := s.now()
	for i := range changes {
		if err := changes[i].check(now); err != nil {
			return nil, err
		}
	}
	var p Profile
	// Lock the profile row so that concurrent changes of one person's
	// consent apply one after the other (SQLite has one writer anyway).
	q := tx.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, profileID)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&p).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("profile %d", profileID))
	}
	if p.ErasedAt != nil {
		return nil, fmt.Errorf("targeting: profile %d: %w", profileID, ErrErased)
	}
	var states []ConsentState
	if err := tx.Where("workspace_id = ? AND profile_id = ?", workspaceID, profileID).Find(&states).Error; err != nil {
		return nil, err
	}
	current := stateMap(states)
	actor := accounts.ActorFrom(ctx).Label
	out, masks, revoke := transition(current, consentMasks{p.GrantedMask, p.LIMask, p.WithdrawnMask}, changes)
	if len(out) == 0 {
		return nil, nil
	}
	for i := range out {
		out[i].WorkspaceID, out[i].ProfileID, out[i].Actor, out[i].CreatedAt = workspaceID, profileID, actor, now
	}
	if err := tx.Create(&out).Error; err != nil {
		return nil, fmt.Errorf("targeting: ledger: %w", err)
	}
	if err := upsertStates(tx, out); err != nil {
		return nil, err
	}
	granted, li, withdrawn := masks.granted, masks.li, masks.withdrawn
	if err := tx.Model(&Profile{}).Where("workspace_id = ? AND id = ?", workspaceID, profileID).
		Updates(map[string]any{"granted_mask": granted, "li_mask": li, "withdrawn_mask": withdrawn, "updated_at": now}).Error; err != nil {
		return nil, fmt.Errorf("targeting: consent masks: %w", err)
	}
	if revoke {
		if err := s.revoked(ctx, tx, workspaceID, profileID, "consent_withdrawn"); err != nil {
			return nil, err
		}
	}
	summary := make([]map[string]any, len(out))
	for i, e := range out {
		summary[i] = map[string]any{"purpose": e.Purpose, "granted": e.Granted, "legal_basis": e.LegalBasis, "source": e.Source, "ledger_id": e.ID}
	}
	if err := s.audit.Audit(ctx, tx, workspaceID, "profile.consent", "profile", profileID, nil, summary); err != nil {
		return nil, err
	}
	return out, nil
}

type consentKey struct {
	purpose Purpose
	basis   Basis
}

type consentMasks struct{ granted, li, withdrawn int64 }

func stateMap(states []ConsentState) map[consentKey]ConsentState {
	m := make(map[consentKey]ConsentState, len(states))
	for _, st := range states {
		m[consentKey{st.Purpose, st.LegalBasis}] = st
	}
	return m
}

// transition is the consent state machine, shared by RecordConsentTx and
// the batched import: it applies checked changes to a person's current state
// and masks, and returns the ledger entries to append (without ids and
// actor), the masks after, and whether something granted was taken back. A
// change that repeats the current state yields no entry. current is updated.
func transition(current map[consentKey]ConsentState, m consentMasks, changes []ConsentChange) ([]ConsentEvent, consentMasks, bool) {
	var out []ConsentEvent
	revoke := false
	for _, c := range changes {
		key := consentKey{c.Purpose, c.Basis}
		prev, had := current[key]
		// A statement that repeats the current state, or that was made
		// before the choice now on record (a late import, a stale TC
		// string), changes nothing and is not appended.
		if had && (prev.Granted == c.Granted || c.OccurredAt.Before(prev.OccurredAt)) {
			continue
		}
		out = append(out, ConsentEvent{Purpose: c.Purpose, Granted: c.Granted, LegalBasis: c.Basis, Source: c.Source,
			NoticeVersion: c.NoticeVersion, Evidence: c.Evidence, OccurredAt: c.OccurredAt})
		current[key] = ConsentState{Purpose: c.Purpose, Granted: c.Granted, LegalBasis: c.Basis, OccurredAt: c.OccurredAt}
		bit := c.Purpose.bit()
		wasGranted := had && prev.Granted
		if c.Basis == BasisLegitimateInterest {
			m.li = setBit(m.li, bit, c.Granted)
			revoke = revoke || (!c.Granted && wasGranted)
			continue
		}
		m.granted = setBit(m.granted, bit, c.Granted)
		// Withdrawn means granted before and taken back; a first "no" is a
		// refusal, counted as no consent.
		switch {
		case !c.Granted && wasGranted:
			m.withdrawn |= bit
			revoke = true
		case c.Granted:
			m.withdrawn &^= bit
		}
	}
	return out, m, revoke
}

// upsertStates makes the written entries the current state: for each
// purpose and basis the last entry wins.
func upsertStates(tx *gorm.DB, events []ConsentEvent) error {
	if len(events) == 0 {
		return nil
	}
	type key struct {
		profile int64
		purpose Purpose
		basis   Basis
	}
	last := map[key]int{}
	for i, e := range events {
		last[key{e.ProfileID, e.Purpose, e.LegalBasis}] = i
	}
	states := make([]ConsentState, 0, len(last))
	for i, e := range events {
		if last[key{e.ProfileID, e.Purpose, e.LegalBasis}] != i {
			continue
		}
		states = append(states, ConsentState{WorkspaceID: e.WorkspaceID, ProfileID: e.ProfileID, Purpose: e.Purpose, Granted: e.Granted,
			LegalBasis: e.LegalBasis, EventID: e.ID, OccurredAt: e.OccurredAt})
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "workspace_id"}, {Name: "profile_id"}, {Name: "purpose"}, {Name: "legal_basis"}},
		DoUpdates: clause.AssignmentColumns([]string{"granted", "event_id", "occurred_at"}),
	}).CreateInBatches(states, 500).Error
	if err != nil {
		return fmt.Errorf("targeting: consent state: %w", err)
	}
	return nil
}

func setBit(mask, bit int64, on bool) int64 {
	if on {
		return mask | bit
	}
	return mask &^ bit
}

// ConsentHistory returns a profile's ledger, oldest first.
func (s *Service) ConsentHistory(ctx context.Context, workspaceID, profileID int64) ([]ConsentEvent, error) {
	var out []ConsentEvent
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND profile_id = ?", workspaceID, profileID).Order("id").Find(&out).Error
	return out, err
}

// ConsentStates returns a profile's current state per purpose and basis.
func (s *Service) ConsentStates(ctx context.Context, workspaceID, profileID int64) ([]ConsentState, error) {
	var out []ConsentState
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND profile_id = ?", workspaceID, profileID).Order("purpose, legal_basis").Find(&out).Error
	return out, err
}

// Object records a global objection (GDPR Art. 21): from the commit on, the
// profile is excluded from everything. Objecting twice is a no-op.
func (s *Service) Object(ctx context.Context, workspaceID, profileID int64, source string) error {
	if strings.TrimSpace(source) == "" {
		source = "api"
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&Profile{}).Where("workspace_id = ? AND id = ? AND erased_at IS NULL AND objected_at IS NULL", workspaceID, profileID).
			Updates(map[string]any{"objected_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("targeting: object: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			p, err := s.profileTx(tx, workspaceID, profileID)
			if err != nil {
				return err
			}
			if p.ErasedAt != nil {
				return fmt.Errorf("targeting: profile %d: %w", profileID, ErrErased)
			}
			return nil // already objected
		}
		ev := ConsentEvent{WorkspaceID: workspaceID, ProfileID: profileID, Purpose: PurposeObjection, Granted: false, LegalBasis: BasisConsent,
			Source: source, Actor: accounts.ActorFrom(ctx).Label, OccurredAt: now, CreatedAt: now}
		if err := tx.Create(&ev).Error; err != nil {
			return fmt.Errorf("targeting: ledger: %w", err)
		}
		if err := s.revoked(ctx, tx, workspaceID, profileID, "objection"); err != nil {
			return err
		}
		return s.audit.Audit(ctx, tx, workspaceID, "profile.object", "profile", profileID, nil, map[string]any{"source": source})
	})
}

func (s *Service) profileTx(tx *gorm.DB, workspaceID, id int64) (Profile, error) {
	var p Profile
	err := tx.Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, fmt.Errorf("targeting: profile %d: %w", id, ErrNotFound)
	}
	return p, err
}
