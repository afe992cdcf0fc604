package targeting

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"github.com/statusads/statusads/accounts"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ImportJob tracks one import: progress while it runs, the summary when it
// is done. Row errors are kept in import_errors for the downloadable report.
type ImportJob struct {
	ID             int64      `json:"id"`
	WorkspaceID    int64      `json:"-"`
	Status         string     `json:"status"` // running, done, failed
	Format         string     `json:"format"` // csv, ndjson
	Filename       string     `json:"filename"`
	TotalBytes     int64      `json:"total_bytes"`
	ProcessedBytes int64      `json:"processed_bytes"`
	RowsSeen       int64      `json:"rows"` // data rows so far: imported + updated + unchanged + failed
	Imported       int64      `json:"imported"`
	Updated        int64      `json:"updated"`
	Unchanged      int64      `json:"unchanged"`
	Failed         int64      `json:"failed"`
	Message        string     `json:"message,omitempty"` // why a failed job failed as a whole
	Actor          string     `json:"-"`
	CreatedAt      time.Time  `json:"created_at"`
	HeartbeatAt    *time.Time `json:"-"`
	FinishedAt     *time.Time `json:"finished_at,omitempty"`
}

func (ImportJob) TableName() string { return "import_jobs" }

// Progress is the share of the input read, 0 to 100.
func (j ImportJob) Progress() int {
	if j.Status != "running" {
		return 100
	}
	if j.TotalBytes <= 0 {
		return 0
	}
	p := int(j.ProcessedBytes * 100 / j.TotalBytes)
	if p > 99 {
		p = 99
	}
	return p
}

// Job statuses.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

type importError struct {
	WorkspaceID int64
	JobID       int64
	Line        int64
	Col         string
	Message     string
}

func (importError) TableName() string { return "import_errors" }

// maxStoredErrors bounds the error report of one import; the counts stay
// exact beyond it.
const maxStoredErrors = 100_000

// importBatch is how many rows are written per transaction: large enough to
// amortise round trips, small enough that a failure loses little work and
// memory stays flat.
const importBatch = 1000

// CreateImportJob registers an import before its data is read.
func (s *Service) CreateImportJob(ctx context.Context, workspaceID int64, format, filename string, totalBytes int64) (ImportJob, error) {
	if format != "csv" && format != "ndjson" {
		return ImportJob{}, &ValidationError{Problems: []Problem{{Field: "format", Code: "invalid_format", Arg: format}}}
	}
	now := s.now()
	j := ImportJob{WorkspaceID: workspaceID, Status: ImportRunning, Format: format, Filename: truncate(filename, 200), TotalBytes: totalBytes,
		Actor: accounts.ActorFrom(ctx).Label, CreatedAt: now, HeartbeatAt: &now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&j).Error; err != nil {
			return fmt.Errorf("targeting: create import: %w", err)
		}
		return s.audit.Audit(ctx, tx, workspaceID, "import.start", "import", j.ID, nil, map[string]any{"format": format, "filename": j.Filename, "bytes": totalBytes})
	})
	return j, err
}

// importStale is how long a running import may go without writing a batch
// before it counts as interrupted.
const importStale = 10 * time.Minute

// FailInterruptedImports marks imports whose server stopped mid-way as
// failed. Every instance may run it: a live import writes a batch (and its
// heartbeat) far more often than importStale.
func (s *Service) FailInterruptedImports(ctx context.Context) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&ImportJob{}).
		Where("status = ? AND (heartbeat_at IS NULL OR heartbeat_at < ?)", ImportRunning, now.Add(-importStale)).
		Updates(map[string]any{"status": ImportFailed, "finished_at": now,
			"message": "the import was interrupted (the server stopped); rows written before are kept, and importing the file again adds only the rest"})
	return res.RowsAffected, res.Error
}

// ImportJob returns an import of the workspace.
func (s *Service) ImportJob(ctx context.Context, workspaceID, id int64) (ImportJob, error) {
	var j ImportJob
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, id).Take(&j).Error
	return j, notFound(err, fmt.Sprintf("import %d", id))
}

// ImportJobs lists the workspace's recent imports, newest first.
func (s *Service) ImportJobs(ctx context.Context, workspaceID int64, limit int) ([]ImportJob, error) {
	var out []ImportJob
	err := s.db.WithContext(ctx).Where("workspace_id = ?", workspaceID).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// ImportErrors returns an import's row errors in file order, from line
// afterLine on (for paging and streaming the report).
func (s *Service) ImportErrors(ctx context.Context, workspaceID, jobID, afterLine int64, limit int) ([]RowError, error) {
	var rows []importError
	err := s.db.WithContext(ctx).Where("workspace_id = ? AND job_id = ? AND line > ?", workspaceID, jobID, afterLine).
		Order("line, col").Limit(limit).Find(&rows).Error
	out := make([]RowError, len(rows))
	for i, r := range rows {
		out[i] = RowError{Line: r.Line, Column: r.Col, Message: r.Message}
	}
	return out, err
}

// RunImport reads r to the end and writes its rows in batches, updating the
// job's progress after each batch. A file refused as a whole (FileError)
// marks the job failed and writes nothing; rows with errors are skipped and
// reported while the good rows are imported. Re-importing the same file
// changes nothing.
func (s *Service) RunImport(ctx context.Context, workspaceID, jobID int64, r io.Reader) (ImportJob, error) {
	j, err := s.ImportJob(ctx, workspaceID, jobID)
	if err != nil {
		return j, err
	}
	var rr RowReader
	year := s.now().Year()
	if j.Format == "ndjson" {
		rr, err = NewNDJSONReader(r, year)
	} else {
		rr, err = NewCSVReader(r, year)
	}
	if err != nil {
		return s.failImport(ctx, j, err)
	}
	imp := &importer{s: s, ws: workspaceID, job: &j}
	if imp.interests, imp.special, err = s.InterestIDs(ctx, workspaceID); err != nil {
		return s.failImport(ctx, j, err)
	}
	batch := make([]ImportRow, 0, importBatch)
	for {
		row, rowErrs, err := rr.Next()
		imp.errs = append(imp.errs, rowErrs...)
		j.Failed += countLines(rowErrs)
		if err == nil {
			batch = append(batch, row)
		}
		if len(batch) == importBatch || (err != nil && len(batch) > 0) || len(imp.errs) >= importBatch {
			j.ProcessedBytes = rr.Offset()
			if ferr := imp.flush(ctx, batch); ferr != nil {
				return s.failImport(ctx, j, ferr)
			}
			batch = batch[:0]
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) && j.Imported+j.Updated+j.Unchanged+j.Failed > 0 {
				// Parsing had to stop part-way: what was read is kept, and
				// the reason is the job's message.
				j.Message = fe.Message
				break
			}
			return s.failImport(ctx, j, err)
		}
		if ctx.Err() != nil {
			return s.failImport(ctx, j, ctx.Err())
		}
	}
	j.ProcessedBytes = rr.Offset()
	if err := imp.flush(ctx, nil); err != nil {
		return s.failImport(ctx, j, err)
	}
	now := s.now()
	j.RowsSeen = j.Imported + j.Updated + j.Unchanged + j.Failed
	j.Status, j.FinishedAt = ImportDone, &now
	if j.TotalBytes < j.ProcessedBytes {
		j.TotalBytes = j.ProcessedBytes
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&j).Error; err != nil {
			return err
		}
		return s.audit.Audit(ctx, tx, workspaceID, "import.finish", "import", j.ID, nil, map[string]any{
			"rows": j.RowsSeen, "imported": j.Imported, "updated": j.Updated, "unchanged": j.Unchanged, "failed": j.Failed})
	})
	return j, err
}

func countLines(errs []RowError) int64 {
	seen := map[int64]bool{}
	for _, e := range errs {
		if e.Line > 0 && !e.Warning() {
			seen[e.Line] = true
		}
	}
	return int64(len(seen))
}

func (s *Service) failImport(ctx context.Context, j ImportJob, cause error) (ImportJob, error) {
	now := s.now()
	j.Status, j.FinishedAt = ImportFailed, &now
	var fe *FileError
	var ve *ValidationError
	switch {
	case errors.As(cause, &fe):
		j.Message = fe.Message
		cause = nil // the file's fault, not the server's: the job says why
	case errors.As(cause, &ve):
		j.Message = ve.Error()
		cause = nil
	case errors.Is(cause, context.Canceled):
		j.Message = "the import was cancelled"
	default:
		j.Message = "the import failed on the server; rows written before the failure are kept"
	}
	if err := s.db.WithContext(context.WithoutCancel(ctx)).Save(&j).Error; err != nil {
		return j, errors.Join(cause, err)
	}
	return j, cause
}

// importer writes batches of rows.
type importer struct {
	s         *Service
	ws        int64
	job       *ImportJob
	interests map[string]int64
	special   map[string]Category
	errs      []RowError
	stored    int
}

// flush writes one batch in one transaction together with the errors seen
// and the job's progress. A person named twice in a batch is written in a
// second pass, so that the later row wins as it would row by row.
func (imp *importer) flush(ctx context.Context, rows []ImportRow) error {
	var first, rest []ImportRow
	seen := map[string]bool{}
	for _, r := range rows {
		k := r.Phone + "\x00" + r.ExternalID
		if seen[k] {
			rest = append(rest, r)
			continue
		}
		seen[k] = true
		first = append(first, r)
	}
	err := imp.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			// The batch queries are prepared once and run thousands of times;
			// on a table whose statistics lag behind a large first import a
			// generic plan scans instead of using the (workspace_id, ref)
			// index. Plans made for the actual values always use it.
			if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
				return err
			}
		}
		if err := imp.writeBatch(ctx, tx, first); err != nil {
			return err
		}
		j := imp.job
		j.RowsSeen = j.Imported + j.Updated + j.Unchanged + j.Failed
		if err := imp.storeErrors(tx); err != nil {
			return err
		}
		return tx.Model(&ImportJob{}).Where("workspace_id = ? AND id = ?", imp.ws, imp.job.ID).Updates(map[string]any{
			"heartbeat_at": imp.s.now(), "processed_bytes": imp.job.ProcessedBytes, "rows_seen": imp.job.RowsSeen, "imported": imp.job.Imported,
			"updated": imp.job.Updated, "unchanged": imp.job.Unchanged, "failed": imp.job.Failed,
		}).Error
	})
	if err != nil || len(rest) == 0 {
		return err
	}
	return imp.flush(ctx, rest)
}

func (imp *importer) storeErrors(tx *gorm.DB) error {
	if len(imp.errs) == 0 {
		return nil
	}
	room := maxStoredErrors - imp.stored
	errs := imp.errs
	if len(errs) > room {
		errs = errs[:max(room, 0)]
	}
	rows := make([]importError, 0, len(errs))
	for _, e := range errs {
		rows = append(rows, importError{WorkspaceID: imp.ws, JobID: imp.job.ID, Line: e.Line, Col: truncate(e.Column, 60), Message: truncate(e.Message, 500)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	imp.errs = imp.errs[:0]
	if len(rows) == 0 {
		return nil
	}
	imp.stored += len(rows)
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 200).Error
}

// pendingRow is a row on its way into the database.
type pendingRow struct {
	row     ImportRow
	ref     string
	kind    RefKind
	changes []ConsentChange
	profile *Profile
	outcome Outcome
}

// writeBatch upserts a batch of distinct people set-wise: one query finds
// who exists, one insert creates the rest, and the ledger, the state table
// and interests are written with multi-row statements. The consent rules are
// the same transition() that RecordConsentTx uses.
func (imp *importer) writeBatch(ctx context.Context, tx *gorm.DB, rows []ImportRow) error {
	now := imp.s.now()
	key := refKey(imp.s.secret, imp.ws)
	pend := make([]*pendingRow, 0, len(rows))
	for _, r := range rows {
		var ps problems
		for _, n := range r.Interests {
			if cat, ok := imp.special[n]; ok {
				ps.add("interests", "special_category_stored", n+" ("+string(cat)+")")
			} else if _, ok := imp.interests[n]; !ok {
				ps.add("interests", "unknown_interest", n)
			}
		}
		pr := &pendingRow{row: r, kind: RefPhone}
		value := r.Phone
		if r.Phone == "" {
			pr.kind, value = RefExternal, r.ExternalID
		}
		pr.ref = makeRef(key, pr.kind, value)
		for _, p := range Purposes {
			if g, ok := r.Consents[p]; ok {
				c := ConsentChange{Purpose: p, Granted: g, Source: r.ConsentSource, NoticeVersion: r.NoticeVersion, OccurredAt: r.ConsentAt}
				if c.Source == "" {
					c.Source = "import"
				}
				if err := c.check(now); err != nil {
					var ve *ValidationError
					if errors.As(err, &ve) {
						ps = append(ps, ve.Problems...)
					}
				}
				pr.changes = append(pr.changes, c)
			}
		}
		if len(ps) > 0 {
			for _, p := range ps {
				field := p.Field
				if field == "consent_at" || field == "purpose" {
					field = "consent_at"
				}
				imp.errs = append(imp.errs, RowError{Line: r.Line, Column: field, Message: ProblemMessage(p)})
			}
			imp.job.Failed++
			continue
		}
		pend = append(pend, pr)
	}
	if len(pend) == 0 {
		return nil
	}

	// Who exists already? Locked on PostgreSQL so that a parallel consent
	// change of the same person waits for this batch.
	refs := make([]string, len(pend))
	for i, p := range pend {
		refs[i] = p.ref
	}
	var existing []Profile
	q := tx.Where("workspace_id = ? AND ref IN ?", imp.ws, refs)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Find(&existing).Error; err != nil {
		return fmt.Errorf("targeting: import lookup: %w", err)
	}
	byRef := make(map[string]*Profile, len(existing))
	for i := range existing {
		byRef[existing[i].Ref] = &existing[i]
	}

	// Current consent state of the existing people who state consents.
	var ids []int64
	for _, p := range pend {
		if e := byRef[p.ref]; e != nil && len(p.changes) > 0 {
			ids = append(ids, e.ID)
		}
	}
	states := map[int64]map[consentKey]ConsentState{}
	if len(ids) > 0 {
		var rows []ConsentState
		if err := tx.Where("workspace_id = ? AND profile_id IN ?", imp.ws, ids).Find(&rows).Error; err != nil {
			return fmt.Errorf("targeting: import consent state: %w", err)
		}
		for _, st := range rows {
			if states[st.ProfileID] == nil {
				states[st.ProfileID] = map[consentKey]ConsentState{}
			}
			states[st.ProfileID][consentKey{st.Purpose, st.LegalBasis}] = st
		}
	}

	// Attributes and consents, decided in memory.
	actor := accounts.ActorFrom(ctx).Label
	var fresh []Profile
	var freshRows []*pendingRow
	var events []ConsentEvent
	var eventOwner []*pendingRow
	type maskUpdate struct {
		profile *Profile
		masks   consentMasks
		attrs   bool
	}
	var updates []maskUpdate
	var revoked []int64
	for _, p := range pend {
		in := ProfileInput{Country: p.row.Country, Region: p.row.Region, Language: p.row.Language, BirthYear: p.row.BirthYear}
		e := byRef[p.ref]
		var cur map[consentKey]ConsentState
		masks := consentMasks{}
		if e != nil {
			cur = states[e.ID]
			masks = consentMasks{e.GrantedMask, e.LIMask, e.WithdrawnMask}
		}
		if cur == nil {
			cur = map[consentKey]ConsentState{}
		}
		evs, after, revoke := transition(cur, masks, p.changes)
		for i := range evs {
			evs[i].WorkspaceID, evs[i].Actor, evs[i].CreatedAt = imp.ws, actor, now
			eventOwner = append(eventOwner, p)
		}
		events = append(events, evs...)
		if e == nil {
			row := Profile{WorkspaceID: imp.ws, Ref: p.ref, RefKind: p.kind, GrantedMask: after.granted, LIMask: after.li,
				WithdrawnMask: after.withdrawn, CreatedAt: now, UpdatedAt: now}
			applyInput(&row, in)
			fresh = append(fresh, row)
			freshRows = append(freshRows, p)
			p.outcome = Created
			continue
		}
		before := *e
		applyInput(e, in)
		p.profile = e
		attrs := !sameAttributes(before, *e)
		if attrs || len(evs) > 0 {
			updates = append(updates, maskUpdate{e, after, attrs})
			p.outcome = Updated
		}
		if revoke {
			revoked = append(revoked, e.ID)
		}
	}
	if len(fresh) > 0 {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&fresh, 500).Error; err != nil {
			return fmt.Errorf("targeting: import profiles: %w", err)
		}
		for i := range fresh {
			if fresh[i].ID == 0 {
				// A parallel import created this person between our lookup
				// and insert; give up the batch rather than guess.
				return fmt.Errorf("targeting: import: profile created concurrently, retry the import")
			}
			freshRows[i].profile = &fresh[i]
		}
	}
	for _, u := range updates {
		p := map[string]any{"granted_mask": u.masks.granted, "li_mask": u.masks.li, "withdrawn_mask": u.masks.withdrawn, "updated_at": now}
		if u.attrs {
			p["country"], p["region"], p["language"], p["birth_year"] = u.profile.Country, u.profile.Region, u.profile.Language, u.profile.BirthYear
		}
		if err := tx.Model(&Profile{}).Where("workspace_id = ? AND id = ?", imp.ws, u.profile.ID).Updates(p).Error; err != nil {
			return fmt.Errorf("targeting: import update: %w", err)
		}
	}
	if len(events) > 0 {
		for i := range events {
			events[i].ProfileID = eventOwner[i].profile.ID
		}
		if err := tx.CreateInBatches(&events, 500).Error; err != nil {
			return fmt.Errorf("targeting: import ledger: %w", err)
		}
		if err := upsertStates(tx, events); err != nil {
			return err
		}
	}
	if err := imp.writeInterests(tx, pend); err != nil {
		return err
	}
	for _, id := range revoked {
		if err := imp.s.revoked(ctx, tx, imp.ws, id, "consent_withdrawn"); err != nil {
			return err
		}
	}
	for _, p := range pend {
		switch p.outcome {
		case Created:
			imp.job.Imported++
		case Updated:
			imp.job.Updated++
		case Unchanged:
			imp.job.Unchanged++
		}
	}
	return nil
}

// writeInterests makes each stated interest list exact, touching only the
// people whose list changed; a person whose list changed counts as updated.
func (imp *importer) writeInterests(tx *gorm.DB, pend []*pendingRow) error {
	var existingIDs []int64
	for _, p := range pend {
		if p.row.Interests != nil && p.outcome != Created {
			existingIDs = append(existingIDs, p.profile.ID)
		}
	}
	have := map[int64][]int64{}
	if len(existingIDs) > 0 {
		var pairs []struct{ ProfileID, InterestID int64 }
		if err := tx.Table("profile_interests").Select("profile_id, interest_id").
			Where("workspace_id = ? AND profile_id IN ?", imp.ws, existingIDs).Order("profile_id, interest_id").Scan(&pairs).Error; err != nil {
			return fmt.Errorf("targeting: import interests: %w", err)
		}
		for _, pr := range pairs {
			have[pr.ProfileID] = append(have[pr.ProfileID], pr.InterestID)
		}
	}
	var clear []int64
	var insert []map[string]any
	for _, p := range pend {
		if p.row.Interests == nil {
			continue
		}
		want := make([]int64, 0, len(p.row.Interests))
		for _, n := range p.row.Interests {
			want = append(want, imp.interests[n])
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		want = slices.Compact(want)
		if p.outcome != Created && slices.Equal(have[p.profile.ID], want) {
			continue
		}
		if p.outcome != Created {
			clear = append(clear, p.profile.ID)
			if p.outcome == Unchanged {
				p.outcome = Updated
			}
		}
		for _, id := range want {
			insert = append(insert, map[string]any{"workspace_id": imp.ws, "profile_id": p.profile.ID, "interest_id": id})
		}
	}
	if len(clear) > 0 {
		if err := tx.Exec("DELETE FROM profile_interests WHERE workspace_id = ? AND profile_id IN ?", imp.ws, clear).Error; err != nil {
			return fmt.Errorf("targeting: import interests: %w", err)
		}
	}
	if len(insert) > 0 {
		if err := tx.Table("profile_interests").CreateInBatches(insert, 500).Error; err != nil {
			return fmt.Errorf("targeting: import interests: %w", err)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
