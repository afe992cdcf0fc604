package targeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// This file is the one definition of eligibility. The reach estimate, the
// explanation for a single person, and the push all compile a spec through
// compile() and use its parts; nothing else decides who may be reached.
//
// A profile is eligible for a spec at a moment when:
//   - it is not erased and has not objected (GDPR Art. 17, 21);
//   - it matches every criterion of the spec (country, region, language,
//     age range, interests to include and exclude);
//   - it grants every purpose the spec's tier needs: purpose 2 for
//     contextual, 2, 3 and 4 for personalised. A legitimate-interest signal
//     counts for purposes 2 and 7 only where the workspace enables it;
//   - for personalised specs, it is not a minor (DSA Art. 28): its age,
//     the calendar year minus the birth year, is at least 18; an unknown
//     birth year is not adult unless the workspace says so.
//
// Age is counted by calendar year because profiles carry a birth year only;
// someone born in December counts as a year older all year. This errs
// towards caution for age minimums only at the level of months, and the
// minor rule therefore uses the same year arithmetic consistently.

// Reason is why a profile is excluded. The estimate counts each excluded
// profile under the first reason that applies, in this order.
type Reason string

const (
	ReasonObjected    Reason = "objected"
	ReasonOutOfTarget Reason = "out_of_target"
	ReasonMinor       Reason = "minor"
	ReasonUnknownAge  Reason = "unknown_age"
	ReasonWithdrawn   Reason = "withdrawn"
	ReasonNoConsent   Reason = "no_consent"
	reasonEligible    Reason = "eligible"
)

// ExclusionOrder lists the reasons in the order they are applied.
var ExclusionOrder = []Reason{ReasonObjected, ReasonOutOfTarget, ReasonMinor, ReasonUnknownAge, ReasonWithdrawn, ReasonNoConsent}

// part is one SQL condition over the profiles table with its arguments.
type part struct {
	name string // criterion: country, region, language, age, interests_include, interests_exclude
	sql  string
	args []any
}

// compiled is a spec turned into SQL conditions for one workspace and one
// moment.
type compiled struct {
	workspaceID int64
	tier        Tier
	criteria    []part // each must hold for the profile to be in target
	consentOK   part   // all required purposes granted
	withdrawn   part   // a required purpose was withdrawn
	minor       part   // known to be under 18 (personalised only)
	unknownAge  part   // birth year unknown and that does not count as adult (personalised only)
}

func (s *Service) compile(ctx context.Context, workspaceID int64, sp Spec, at time.Time) (compiled, error) {
	sp, err := s.Validate(ctx, workspaceID, sp)
	if err != nil {
		return compiled{}, err
	}
	st, err := s.Settings(ctx, workspaceID)
	if err != nil {
		return compiled{}, err
	}
	c := compiled{workspaceID: workspaceID, tier: sp.Tier()}
	if len(sp.Countries) > 0 {
		c.criteria = append(c.criteria, part{"country", "profiles.country IN ?", []any{sp.Countries}})
	}
	if len(sp.Regions) > 0 {
		c.criteria = append(c.criteria, part{"region", "profiles.region IN ?", []any{sp.Regions}})
	}
	if len(sp.Languages) > 0 {
		c.criteria = append(c.criteria, part{"language", "profiles.language IN ?", []any{sp.Languages}})
	}
	year := at.UTC().Year()
	if sp.AgeMin > 0 || sp.AgeMax > 0 {
		lo, hi := 0, year // birth years
		if sp.AgeMax > 0 {
			lo = year - sp.AgeMax
		}
		if sp.AgeMin > 0 {
			hi = year - sp.AgeMin
		}
		c.criteria = append(c.criteria, part{"age", "(profiles.birth_year IS NOT NULL AND profiles.birth_year BETWEEN ? AND ?)", []any{lo, hi}})
	}
	ids, err := s.interestsByName(ctx, workspaceID, append(append([]string{}, sp.InterestsInclude...), sp.InterestsExclude...))
	if err != nil {
		return compiled{}, err
	}
	idList := func(names []string) []int64 {
		out := make([]int64, 0, len(names))
		for _, n := range names {
			out = append(out, ids[n].ID)
		}
		return out
	}
	const has = "EXISTS (SELECT 1 FROM profile_interests pi WHERE pi.workspace_id = profiles.workspace_id AND pi.profile_id = profiles.id AND pi.interest_id IN ?)"
	if len(sp.InterestsInclude) > 0 {
		c.criteria = append(c.criteria, part{"interests_include", has, []any{idList(sp.InterestsInclude)}})
	}
	if len(sp.InterestsExclude) > 0 {
		c.criteria = append(c.criteria, part{"interests_exclude", "NOT " + has, []any{idList(sp.InterestsExclude)}})
	}

	required := maskOf(c.tier.RequiredPurposes())
	var liAllowed int64
	if st.LegitimateInterest {
		liAllowed = maskOf(legitimateInterestPurposes)
	}
	c.consentOK = part{"consent", "((profiles.granted_mask | (profiles.li_mask & ?)) & ?) = ?", []any{liAllowed, required, required}}
	c.withdrawn = part{"withdrawn", "(profiles.withdrawn_mask & ?) <> 0", []any{required}}
	if c.tier == TierPersonalised {
		c.minor = part{"minor", "(profiles.birth_year IS NOT NULL AND profiles.birth_year > ?)", []any{year - 18}}
		if st.UnknownAgeIsAdult {
			c.unknownAge = part{"unknown_age", "1 = 0", nil}
		} else {
			c.unknownAge = part{"unknown_age", "profiles.birth_year IS NULL", nil}
		}
	} else {
		c.minor = part{"minor", "1 = 0", nil}
		c.unknownAge = part{"unknown_age", "1 = 0", nil}
	}
	return c, nil
}

// isInterest tells the criteria that need a person's interest set from those
// that profile_cells can answer.
func (p part) isInterest() bool { return strings.HasPrefix(p.name, "interests_") }

// target is the conjunction of the criteria, NULL-safe; withInterests false
// leaves out the interest criteria.
func (c compiled) target(withInterests bool) part {
	var sqls []string
	var args []any
	for _, p := range c.criteria {
		if p.isInterest() && !withInterests {
			continue
		}
		sqls = append(sqls, "("+p.sql+")")
		args = append(args, p.args...)
	}
	if len(sqls) == 0 {
		return part{"target", "1 = 1", nil}
	}
	return part{"target", strings.Join(sqls, " AND "), args}
}

func (c compiled) hasInterests() bool {
	for _, p := range c.criteria {
		if p.isInterest() {
			return true
		}
	}
	return false
}

// bucket is a CASE expression naming the first reason that excludes a
// profile, or "eligible". objected is the SQL that says a row objected
// (profiles and profile_cells spell it differently).
func (c compiled) bucket(objected string, withInterests bool) (string, []any) {
	t := c.target(withInterests)
	var args []any
	b := &strings.Builder{}
	fmt.Fprintf(b, "CASE WHEN %s THEN 'objected'", objected)
	fmt.Fprintf(b, " WHEN NOT COALESCE((%s), FALSE) THEN 'out_of_target'", t.sql)
	args = append(args, t.args...)
	for _, p := range []struct {
		cond part
		name Reason
	}{{c.minor, ReasonMinor}, {c.unknownAge, ReasonUnknownAge}} {
		fmt.Fprintf(b, " WHEN COALESCE((%s), FALSE) THEN '%s'", p.cond.sql, p.name)
		args = append(args, p.cond.args...)
	}
	fmt.Fprintf(b, " WHEN COALESCE((%s), FALSE) THEN 'eligible'", c.consentOK.sql)
	args = append(args, c.consentOK.args...)
	fmt.Fprintf(b, " WHEN COALESCE((%s), FALSE) THEN 'withdrawn'", c.withdrawn.sql)
	args = append(args, c.withdrawn.args...)
	b.WriteString(" ELSE 'no_consent' END")
	return b.String(), args
}

// eligibleWhere is the condition for eligible profiles, for set-based use.
func (c compiled) eligibleWhere() (string, []any) {
	t := c.target(true)
	sql := fmt.Sprintf("profiles.workspace_id = ? AND profiles.erased_at IS NULL AND profiles.objected_at IS NULL AND (%s) AND (%s) AND NOT (%s) AND NOT (%s)",
		t.sql, c.consentOK.sql, c.minor.sql, c.unknownAge.sql)
	args := []any{c.workspaceID}
	args = append(args, t.args...)
	args = append(args, c.consentOK.args...)
	args = append(args, c.minor.args...)
	args = append(args, c.unknownAge.args...)
	return sql, args
}

// Eligible returns a query over the profiles table restricted to the
// profiles eligible for sp at the moment at. Callers select what they need
// (the push selects ids into placements with INSERT … SELECT); the audience
// is never loaded into memory here.
func (s *Service) Eligible(ctx context.Context, tx *gorm.DB, workspaceID int64, sp Spec, at time.Time) (*gorm.DB, error) {
	c, err := s.compile(ctx, workspaceID, sp, at)
	if err != nil {
		return nil, err
	}
	where, args := c.eligibleWhere()
	return tx.WithContext(ctx).Table("profiles").Where(where, args...), nil
}

// Estimate is the reach of a spec: how many profiles are eligible and how
// many are excluded, by the first reason that applies.
type Estimate struct {
	Eligible int64            `json:"eligible"`
	Excluded map[Reason]int64 `json:"excluded"`
	Tier     Tier             `json:"tier"`
	Total    int64            `json:"total"`
}

// Estimate counts a spec's reach now, in one query.
func (s *Service) Estimate(ctx context.Context, workspaceID int64, sp Spec) (Estimate, error) {
	return s.EstimateAt(ctx, workspaceID, sp, s.now())
}

// EstimateAt counts a spec's reach at a moment.
//
// Without interest criteria it reads profile_cells only (see migration 3):
// the same bucket expression over cells, weighted by their counts. With one
// interest to include, or one to exclude, it reads interest_cells too
// (migration 5). With several it reads the cells for the people who objected
// and for the total, and profile_interests for the people whose interests
// pass (migration 6 keeps the rule's attributes on those rows); an
// exclude-only list subtracts the people who have an excluded interest.
func (s *Service) EstimateAt(ctx context.Context, workspaceID int64, sp Spec, at time.Time) (Estimate, error) {
	c, err := s.compile(ctx, workspaceID, sp, at)
	if err != nil {
		return Estimate{}, err
	}
	cells, err := s.cellBuckets(ctx, c)
	if err != nil {
		return Estimate{}, err
	}
	if !c.hasInterests() {
		return newEstimate(c.tier, cells), nil
	}
	var include, exclude []part
	for _, p := range c.criteria {
		switch p.name {
		case "interests_include":
			include = append(include, p)
		case "interests_exclude":
			exclude = append(exclude, p)
		}
	}
	var passing map[Reason]int64
	switch {
	case len(include) > 0 && len(exclude) == 0 && len(interestIDs(include[0])) == 1:
		// One interest: its cells hold exactly these people.
		passing, err = s.interestCellBuckets(ctx, c, interestIDs(include[0])[0])
	case len(include) > 0:
		// Several interests: the people who have any of them, each once,
		// less those who have an excluded one.
		var excluded []int64
		if len(exclude) > 0 {
			excluded = interestIDs(exclude[0])
		}
		passing, err = s.peopleBuckets(ctx, c, interestIDs(include[0]), excluded)
	default:
		// Everyone minus the people who have an excluded interest.
		var having map[Reason]int64
		if ids := interestIDs(exclude[0]); len(ids) == 1 {
			having, err = s.interestCellBuckets(ctx, c, ids[0])
		} else {
			having, err = s.peopleBuckets(ctx, c, ids, nil)
		}
		passing = map[Reason]int64{}
		for r, n := range cells {
			passing[r] = n - having[r]
		}
	}
	if err != nil {
		return Estimate{}, err
	}
	var total int64
	for _, n := range cells {
		total += n
	}
	out := map[Reason]int64{ReasonObjected: cells[ReasonObjected]}
	inTarget := int64(0)
	for r, n := range passing {
		if r == ReasonObjected || r == ReasonOutOfTarget {
			continue
		}
		out[r] = n
		inTarget += n
	}
	out[ReasonOutOfTarget] = total - cells[ReasonObjected] - inTarget
	return newEstimate(c.tier, out), nil
}

// cellBuckets counts profile_cells by bucket, ignoring interest criteria.
func (s *Service) cellBuckets(ctx context.Context, c compiled) (map[Reason]int64, error) {
	bucket, args := c.bucket("profiles.objected", false)
	q := fmt.Sprintf("SELECT bucket, SUM(n) AS n FROM (SELECT %s AS bucket, n FROM profile_cells profiles WHERE profiles.workspace_id = ?) b GROUP BY bucket", bucket)
	return s.sumBuckets(ctx, q, append(args, c.workspaceID))
}

// interestIDs are the interest ids an interest criterion names.
func interestIDs(p part) []int64 {
	ids, _ := p.args[0].([]int64)
	return ids
}

// interestCellBuckets counts, by bucket, the live people who have one
// interest, from interest_cells, ignoring interest criteria in the bucket.
func (s *Service) interestCellBuckets(ctx context.Context, c compiled, interestID int64) (map[Reason]int64, error) {
	bucket, args := c.bucket("profiles.objected", false)
	q := fmt.Sprintf("SELECT bucket, SUM(n) AS n FROM (SELECT %s AS bucket, n FROM interest_cells profiles WHERE profiles.workspace_id = ? AND profiles.interest_id = ?) b GROUP BY bucket", bucket)
	return s.sumBuckets(ctx, q, append(args, c.workspaceID, interestID))
}

// peopleBuckets counts, by bucket, the live people who have any of the
// interests in include and none in exclude, ignoring interest criteria in
// the bucket. It reads profile_interests only: each row carries the
// attributes the rule uses (migration 6), and one person's rows agree on
// them, so DISTINCT leaves one row per person.
func (s *Service) peopleBuckets(ctx context.Context, c compiled, include, exclude []int64) (map[Reason]int64, error) {
	bucket, args := c.bucket("profiles.objected", false)
	distinct := "DISTINCT"
	if s.db.Dialector.Name() == "postgres" {
		// One row per person without comparing every column: faster, and
		// the same result since a person's rows agree.
		distinct = "DISTINCT ON (pi.profile_id)"
	}
	people := "SELECT " + distinct + " pi.profile_id, pi.country, pi.region, pi.language, pi.birth_year, pi.granted_mask, pi.li_mask, pi.withdrawn_mask, pi.objected " +
		"FROM profile_interests pi WHERE pi.workspace_id = ? AND pi.interest_id IN ?"
	pargs := []any{c.workspaceID, include}
	if len(exclude) > 0 {
		people += " AND NOT EXISTS (SELECT 1 FROM profile_interests x WHERE x.workspace_id = pi.workspace_id AND x.profile_id = pi.profile_id AND x.interest_id IN ?)"
		pargs = append(pargs, exclude)
	}
	q := fmt.Sprintf("SELECT bucket, COUNT(*) AS n FROM (SELECT %s AS bucket FROM (%s) profiles) b GROUP BY bucket", bucket, people)
	return s.sumBuckets(ctx, q, append(args, pargs...))
}

func (s *Service) sumBuckets(ctx context.Context, q string, args []any) (map[Reason]int64, error) {
	var rows []struct {
		Bucket string
		N      int64
	}
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("targeting: estimate: %w", err)
	}
	out := map[Reason]int64{}
	for _, r := range rows {
		out[Reason(r.Bucket)] += r.N
	}
	return out, nil
}

func newEstimate(tier Tier, buckets map[Reason]int64) Estimate {
	e := Estimate{Excluded: map[Reason]int64{}, Tier: tier}
	for _, r := range ExclusionOrder {
		e.Excluded[r] = buckets[r]
		e.Total += buckets[r]
	}
	e.Eligible = buckets[reasonEligible]
	e.Total += e.Eligible
	return e
}

// estimateScan counts a spec's reach by scanning every profile with the full
// bucket expression. It is the reference the cell-based estimate is tested
// against, not used in production.
func (s *Service) estimateScan(ctx context.Context, workspaceID int64, sp Spec, at time.Time) (Estimate, error) {
	c, err := s.compile(ctx, workspaceID, sp, at)
	if err != nil {
		return Estimate{}, err
	}
	bucket, args := c.bucket("profiles.objected_at IS NOT NULL", true)
	q := fmt.Sprintf("SELECT bucket, COUNT(*) AS n FROM (SELECT %s AS bucket FROM profiles WHERE profiles.workspace_id = ? AND profiles.erased_at IS NULL) b GROUP BY bucket", bucket)
	buckets, err := s.sumBuckets(ctx, q, append(args, workspaceID))
	if err != nil {
		return Estimate{}, err
	}
	return newEstimate(c.tier, buckets), nil
}

// Explanation says whether one profile is eligible for a spec, and every
// reason it is not (not only the first).
type Explanation struct {
	Eligible bool     `json:"eligible"`
	Tier     Tier     `json:"tier"`
	Reasons  []string `json:"reasons"` // e.g. "objected", "out_of_target:country", "minor", "no_consent:purpose_3", "withdrawn"
	Matched  []string `json:"matched"` // criteria that matched, for the "why am I seeing this ad" notice
}

// Explain evaluates every part of the rule for one profile, in SQL, with
// the same compiled conditions the estimate and the push use.
func (s *Service) Explain(ctx context.Context, workspaceID, profileID int64, sp Spec, at time.Time) (Explanation, error) {
	c, err := s.compile(ctx, workspaceID, sp, at)
	if err != nil {
		return Explanation{}, err
	}
	cols := []string{"CASE WHEN profiles.objected_at IS NOT NULL THEN 1 ELSE 0 END AS objected", "CASE WHEN profiles.erased_at IS NOT NULL THEN 1 ELSE 0 END AS erased"}
	var args []any
	parts := append([]part{}, c.criteria...)
	parts = append(parts, c.minor, c.unknownAge, c.consentOK, c.withdrawn)
	for i, p := range parts {
		cols = append(cols, fmt.Sprintf("CASE WHEN COALESCE((%s), FALSE) THEN 1 ELSE 0 END AS p%d", p.sql, i))
		args = append(args, p.args...)
	}
	cols = append(cols, "profiles.granted_mask", "profiles.li_mask")
	q := fmt.Sprintf("SELECT %s FROM profiles WHERE profiles.workspace_id = ? AND profiles.id = ?", strings.Join(cols, ", "))
	row := map[string]any{}
	res := s.db.WithContext(ctx).Raw(q, append(args, workspaceID, profileID)...).Take(&row)
	if res.Error != nil {
		return Explanation{}, notFound(res.Error, fmt.Sprintf("profile %d", profileID))
	}
	truth := func(k string) bool { return toInt64(row[k]) == 1 }
	ex := Explanation{Tier: c.tier, Reasons: []string{}, Matched: []string{}}
	if truth("erased") {
		return Explanation{}, fmt.Errorf("targeting: profile %d: %w", profileID, ErrErased)
	}
	if truth("objected") {
		ex.Reasons = append(ex.Reasons, string(ReasonObjected))
	}
	for i, p := range c.criteria {
		if truth(fmt.Sprintf("p%d", i)) {
			ex.Matched = append(ex.Matched, p.name)
		} else {
			ex.Reasons = append(ex.Reasons, string(ReasonOutOfTarget)+":"+p.name)
		}
	}
	n := len(c.criteria)
	if truth(fmt.Sprintf("p%d", n)) {
		ex.Reasons = append(ex.Reasons, string(ReasonMinor))
	}
	if truth(fmt.Sprintf("p%d", n+1)) {
		ex.Reasons = append(ex.Reasons, string(ReasonUnknownAge))
	}
	if !truth(fmt.Sprintf("p%d", n+2)) {
		if truth(fmt.Sprintf("p%d", n+3)) {
			ex.Reasons = append(ex.Reasons, string(ReasonWithdrawn))
		}
		granted := toInt64(row["granted_mask"])
		for _, p := range c.tier.RequiredPurposes() {
			if granted&p.bit() == 0 {
				ex.Reasons = append(ex.Reasons, fmt.Sprintf("%s:purpose_%d", ReasonNoConsent, int(p)))
			}
		}
	}
	ex.Eligible = len(ex.Reasons) == 0
	return ex, nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case bool:
		if x {
			return 1
		}
	case float64:
		return int64(x)
	case []byte:
		var n int64
		fmt.Sscan(string(x), &n)
		return n
	}
	return 0
}
