package targeting

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/statusads/statusads/internal/db"
	"gorm.io/gorm"
)

// Category marks interests that reveal special categories of personal data
// (GDPR Art. 9). Targeting on them is forbidden (DSA Art. 26(3)); the rule
// is data in the workspace's interest list, not a match on names.
type Category string

const (
	CategoryNone              Category = "none"
	CategoryHealth            Category = "health"
	CategoryReligion          Category = "religion"
	CategoryPolitics          Category = "politics"
	CategorySexualOrientation Category = "sexual_orientation"
	CategoryEthnicity         Category = "ethnicity"
	CategoryTradeUnion        Category = "trade_union"
	CategoryGeneticBiometric  Category = "genetic_biometric"
)

// Categories lists every category, "none" first.
var Categories = []Category{CategoryNone, CategoryHealth, CategoryReligion, CategoryPolitics, CategorySexualOrientation,
	CategoryEthnicity, CategoryTradeUnion, CategoryGeneticBiometric}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if c == x {
			return true
		}
	}
	return false
}

// Special reports whether c is a special category.
func (c Category) Special() bool { return c != CategoryNone }

// Interest is a named topic profiles can be interested in.
type Interest struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Name        string    `json:"name"`
	Category    Category  `json:"category"`
	CreatedAt   time.Time `json:"created_at"`
}

func (Interest) TableName() string { return "interests" }

// defaultInterests seed a new workspace's list: everyday topics, and the
// special categories marked so that the rule shows from day one.
var defaultInterests = []Interest{
	{Name: "sport", Category: CategoryNone}, {Name: "fitness", Category: CategoryNone}, {Name: "running", Category: CategoryNone},
	{Name: "football", Category: CategoryNone}, {Name: "travel", Category: CategoryNone}, {Name: "food", Category: CategoryNone},
	{Name: "coffee", Category: CategoryNone}, {Name: "fashion", Category: CategoryNone}, {Name: "music", Category: CategoryNone},
	{Name: "gaming", Category: CategoryNone}, {Name: "technology", Category: CategoryNone}, {Name: "cars", Category: CategoryNone},
	{Name: "finance", Category: CategoryNone}, {Name: "parenting", Category: CategoryNone}, {Name: "pets", Category: CategoryNone},
	{Name: "outdoors", Category: CategoryNone}, {Name: "books", Category: CategoryNone}, {Name: "film", Category: CategoryNone},
	{Name: "health", Category: CategoryHealth}, {Name: "religion", Category: CategoryReligion},
	{Name: "politics", Category: CategoryPolitics}, {Name: "lgbtq", Category: CategorySexualOrientation},
	{Name: "trade unions", Category: CategoryTradeUnion},
}

// NormaliseInterestName is how interest names are compared.
func NormaliseInterestName(n string) string {
	return strings.ToLower(strings.Join(strings.Fields(n), " "))
}

// Interests lists the workspace's interests. A workspace that never stored
// any sees the default list (with id 0); it is written on the first change
// that needs ids (ensureInterests), so that reading changes nothing.
func (s *Service) Interests(ctx context.Context, workspaceID int64) ([]Interest, error) {
	var out []Interest
	if err := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("targeting: interests: %w", err)
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, in := range defaultInterests {
		out = append(out, Interest{WorkspaceID: workspaceID, Name: in.Name, Category: in.Category})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ensureInterests stores the default list in a workspace that has none.
func (s *Service) ensureInterests(ctx context.Context, workspaceID int64) error {
	now := s.now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Interest{}).Where("workspace_id = ?", workspaceID).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		seed := make([]Interest, len(defaultInterests))
		for i, in := range defaultInterests {
			seed[i] = Interest{WorkspaceID: workspaceID, Name: in.Name, Category: in.Category, CreatedAt: now}
		}
		return tx.Create(&seed).Error
	})
	if err != nil && !db.IsUniqueViolation(err) {
		return fmt.Errorf("targeting: seed interests: %w", err)
	}
	return nil
}

// CreateInterest adds an interest with its category.
func (s *Service) CreateInterest(ctx context.Context, workspaceID int64, name string, cat Category) (Interest, error) {
	name = NormaliseInterestName(name)
	var ps problems
	switch {
	case name == "":
		ps.add("name", "required", "")
	case len([]rune(name)) > 60:
		ps.add("name", "too_long", "")
	case strings.ContainsRune(name, '|'):
		ps.add("name", "invalid_character", "|")
	}
	if !cat.Valid() {
		ps.add("category", "invalid_category", string(cat))
	}
	if err := ps.err(); err != nil {
		return Interest{}, err
	}
	if err := s.ensureInterests(ctx, workspaceID); err != nil {
		return Interest{}, err
	}
	in := Interest{WorkspaceID: workspaceID, Name: name, Category: cat, CreatedAt: s.now()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&in).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return &ValidationError{Problems: []Problem{{Field: "name", Code: "taken", Arg: name}}}
			}
			return fmt.Errorf("targeting: create interest: %w", err)
		}
		return s.audit.Audit(ctx, tx, workspaceID, "interest.create", "interest", in.ID, nil, in)
	})
	return in, err
}

// interestsByName looks up names in the workspace's list.
func (s *Service) interestsByName(ctx context.Context, workspaceID int64, names []string) (map[string]Interest, error) {
	out := map[string]Interest{}
	if len(names) == 0 {
		return out, nil
	}
	all, err := s.Interests(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, r := range all {
		if want[r.Name] {
			out[r.Name] = r
		}
	}
	return out, nil
}
