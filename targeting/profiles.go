package targeting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Profile is a person a workspace may reach, known only by a pseudonymous
// reference. Masks cache the consent state for the eligibility scan; they
// change only together with consent_state, in one transaction.
type Profile struct {
	ID            int64      `json:"id"`
	WorkspaceID   int64      `json:"-"`
	Ref           string     `json:"ref"`
	RefKind       RefKind    `json:"ref_kind"`
	Country       string     `json:"country"`
	Region        string     `json:"region"`
	Language      string     `json:"language"`
	BirthYear     *int       `json:"birth_year"`
	GrantedMask   int64      `json:"-"`
	LIMask        int64      `gorm:"column:li_mask" json:"-"`
	WithdrawnMask int64      `json:"-"`
	ObjectedAt    *time.Time `json:"objected_at,omitempty"`
	ErasedAt      *time.Time `json:"erased_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func (Profile) TableName() string { return "profiles" }

// Granted reports whether the profile currently grants p by consent.
func (p Profile) Granted(pu Purpose) bool { return p.GrantedMask&pu.bit() != 0 }

// Withdrew reports whether the profile granted p and then took it back.
func (p Profile) Withdrew(pu Purpose) bool { return p.WithdrawnMask&pu.bit() != 0 }

// Identity says who a profile is: a phone number (E.164) or an external id.
type Identity struct {
	Kind  RefKind
	Value string
}

// ProfileInput is the attributes an import or the API states. Empty fields
// are "not stated" and keep what is stored; Interests nil keeps the stored
// interests, an empty non-nil slice clears them.
type ProfileInput struct {
	Identity  Identity
	Country   string
	Region    string
	Language  string
	BirthYear int
	Interests []string
}

// Outcome says what an upsert did.
type Outcome int

const (
	Unchanged Outcome = iota
	Created
	Updated
)

// Ref returns the pseudonymous reference for an identity in a workspace.
func (s *Service) Ref(workspaceID int64, id Identity) string {
	return makeRef(refKey(s.secret, workspaceID), id.Kind, id.Value)
}

// Lookup finds the profile of an identity: a phone number already in E.164
// (normalise it with NormalisePhone first) or an external id. Erased
// profiles are not found.
func (s *Service) Lookup(ctx context.Context, workspaceID int64, id Identity) (Profile, error) {
	var p Profile
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND ref = ? AND erased_at IS NULL", workspaceID, s.Ref(workspaceID, id)).Take(&p).Error
	return p, notFound(err, "profile")
}

// Profile returns a profile of the workspace.
func (s *Service) Profile(ctx context.Context, workspaceID, id int64) (Profile, error) {
	var p Profile
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&p).Error
	return p, notFound(err, fmt.Sprintf("profile %d", id))
}

// ProfileInterests returns the names of a profile's interests.
func (s *Service) ProfileInterests(ctx context.Context, workspaceID, profileID int64) ([]string, error) {
	var names []string
	err := s.db.WithContext(ctx).Table("profile_interests").Select("interests.name").
		Joins("JOIN interests ON interests.id = profile_interests.interest_id AND interests.workspace_id = profile_interests.workspace_id").
		Where("profile_interests.workspace_id = ? AND profile_interests.profile_id = ?", workspaceID, profileID).
		Order("interests.name").Scan(&names).Error
	return names, err
}

// ProfileFilter narrows the profile list.
type ProfileFilter struct {
	Ref      string // an exact reference (from a hashed search)
	Country  string
	Language string
	Consent  string // "", "eligible_contextual" (purpose 2 granted), "none", "withdrawn", "objected"
	AfterID  int64
	Limit    int
}

// Profiles lists a workspace's live profiles, oldest first, for paging.
func (s *Service) Profiles(ctx context.Context, workspaceID int64, f ProfileFilter) ([]Profile, error) {
	q := s.db.WithContext(ctx).Where("workspace_id = ? AND erased_at IS NULL", workspaceID)
	if f.Ref != "" {
		q = q.Where("ref = ?", f.Ref)
	}
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if f.Language != "" {
		q = q.Where("language = ?", f.Language)
	}
	b2 := PurposeBasicAds.bit()
	switch f.Consent {
	case "eligible_contextual":
		q = q.Where("objected_at IS NULL AND (granted_mask & ?) <> 0", b2)
	case "none":
		q = q.Where("objected_at IS NULL AND granted_mask = 0 AND withdrawn_mask = 0")
	case "withdrawn":
		q = q.Where("objected_at IS NULL AND withdrawn_mask <> 0")
	case "objected":
		q = q.Where("objected_at IS NOT NULL")
	}
	if f.AfterID > 0 {
		q = q.Where("id > ?", f.AfterID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	var out []Profile
	if err := q.Order("id").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("targeting: profiles: %w", err)
	}
	return out, nil
}

// CountProfiles counts a workspace's live profiles.
func (s *Service) CountProfiles(ctx context.Context, workspaceID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Profile{}).Where("workspace_id = ? AND erased_at IS NULL", workspaceID).Count(&n).Error
	return n, err
}

// UpsertProfile creates or updates the profile of in.Identity inside tx and
// reports what changed. Interest names must exist in the workspace's list
// and must not be special categories (statusads does not store them).
func (s *Service) UpsertProfile(ctx context.Context, tx *gorm.DB, workspaceID int64, in ProfileInput, interestIDs map[string]int64) (Profile, Outcome, error) {
	ref := s.Ref(workspaceID, in.Identity)
	now := s.now()
	var p Profile
	err := tx.WithContext(ctx).Where("workspace_id = ? AND ref = ?", workspaceID, ref).Take(&p).Error
	outcome := Unchanged
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		p = Profile{WorkspaceID: workspaceID, Ref: ref, RefKind: in.Identity.Kind, CreatedAt: now, UpdatedAt: now}
		applyInput(&p, in)
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&p).Error; err != nil {
			return p, 0, fmt.Errorf("targeting: create profile: %w", err)
		}
		if p.ID == 0 { // lost a race with a parallel import of the same person
			if err := tx.Where("workspace_id = ? AND ref = ?", workspaceID, ref).Take(&p).Error; err != nil {
				return p, 0, fmt.Errorf("targeting: create profile: %w", err)
			}
		} else {
			outcome = Created
		}
	case err != nil:
		return p, 0, fmt.Errorf("targeting: find profile: %w", err)
	default:
		before := p
		applyInput(&p, in)
		if !sameAttributes(before, p) {
			p.UpdatedAt = now
			if err := tx.Model(&Profile{}).Where("workspace_id = ? AND id = ?", workspaceID, p.ID).Updates(map[string]any{
				"country": p.Country, "region": p.Region, "language": p.Language, "birth_year": p.BirthYear, "updated_at": now,
			}).Error; err != nil {
				return p, 0, fmt.Errorf("targeting: update profile: %w", err)
			}
			outcome = Updated
		}
	}
	if in.Interests != nil {
		changed, err := s.setInterests(tx, workspaceID, p.ID, in.Interests, interestIDs, outcome == Created)
		if err != nil {
			return p, 0, err
		}
		if changed && outcome == Unchanged {
			outcome = Updated
		}
	}
	return p, outcome, nil
}

func applyInput(p *Profile, in ProfileInput) {
	if in.Country != "" {
		p.Country = in.Country
	}
	if in.Region != "" {
		p.Region = in.Region
	}
	if in.Language != "" {
		p.Language = in.Language
	}
	if in.BirthYear != 0 {
		y := in.BirthYear
		p.BirthYear = &y
	}
}

func sameAttributes(a, b Profile) bool {
	sameYear := (a.BirthYear == nil && b.BirthYear == nil) || (a.BirthYear != nil && b.BirthYear != nil && *a.BirthYear == *b.BirthYear)
	return a.Country == b.Country && a.Region == b.Region && a.Language == b.Language && sameYear
}

// setInterests makes the profile's interests exactly names; it reports
// whether anything changed.
func (s *Service) setInterests(tx *gorm.DB, workspaceID, profileID int64, names []string, ids map[string]int64, fresh bool) (bool, error) {
	want := make([]int64, 0, len(names))
	for _, n := range names {
		id, ok := ids[n]
		if !ok {
			return false, &ValidationError{Problems: []Problem{{Field: "interests", Code: "unknown_interest", Arg: n}}}
		}
		want = append(want, id)
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	want = slices.Compact(want)
	var have []int64
	if !fresh {
		if err := tx.Table("profile_interests").Where("workspace_id = ? AND profile_id = ?", workspaceID, profileID).
			Order("interest_id").Pluck("interest_id", &have).Error; err != nil {
			return false, err
		}
	}
	if slices.Equal(have, want) {
		return false, nil
	}
	if len(have) > 0 {
		if err := tx.Exec("DELETE FROM profile_interests WHERE workspace_id = ? AND profile_id = ?", workspaceID, profileID).Error; err != nil {
			return false, err
		}
	}
	if len(want) > 0 {
		rows := make([]map[string]any, len(want))
		for i, id := range want {
			rows[i] = map[string]any{"workspace_id": workspaceID, "profile_id": profileID, "interest_id": id}
		}
		if err := tx.Table("profile_interests").Create(rows).Error; err != nil {
			return false, err
		}
	}
	return true, nil
}

// InterestIDs maps the workspace's usable (non-special) interest names to
// ids, for imports.
func (s *Service) InterestIDs(ctx context.Context, workspaceID int64) (map[string]int64, map[string]Category, error) {
	if err := s.ensureInterests(ctx, workspaceID); err != nil {
		return nil, nil, err
	}
	all, err := s.Interests(ctx, workspaceID)
	if err != nil {
		return nil, nil, err
	}
	ids, special := map[string]int64{}, map[string]Category{}
	for _, in := range all {
		if in.Category.Special() {
			special[in.Name] = in.Category
		} else {
			ids[in.Name] = in.ID
		}
	}
	return ids, special, nil
}
