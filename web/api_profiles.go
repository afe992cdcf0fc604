package web

// The profile part of the JSON API: lookup by hashed identity, a person's
// data, consent (JSON or a TC string), objection, access and erasure.
// Phone numbers and external ids arrive in requests only; they are hashed
// on the way in and never logged, stored or echoed (DESIGN.md, Profiles).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
)

// apiFail answers the errors the targeting handlers expect in the API's
// error shape and hands anything else to the one error handler.
func apiFail(c *fiber.Ctx, err error) error {
	var ve *targeting.ValidationError
	switch {
	case errors.As(err, &ve) && len(ve.Problems) > 0:
		return apiProblems(c, ve.Problems)
	case errors.Is(err, targeting.ErrErased):
		return apiError(c, fiber.StatusGone, "erased", "this person was erased; statusads holds no data about them any more", "")
	case errors.Is(err, targeting.ErrNotFound), err == fiber.ErrNotFound:
		return apiError(c, fiber.StatusNotFound, "not_found", "no such object in this workspace", "")
	}
	return err
}

// apiProblem is one entry of the optional error.problems list.
type apiProblem struct {
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiProblems answers 422 with the most important problem as the error (a
// special category first: it is the one that can never be fixed by
// retrying) and, when there are several, all of them in error.problems.
func apiProblems(c *fiber.Ctx, ps []targeting.Problem) error {
	first := 0
	for i, p := range ps {
		if p.Code == "special_category" {
			first = i
			break
		}
	}
	p := ps[first]
	body := fiber.Map{"code": p.Code, "message": targeting.ProblemMessage(p)}
	if p.Field != "" {
		body["field"] = p.Field
	}
	if len(ps) > 1 {
		all := make([]apiProblem, len(ps))
		for i, q := range ps {
			all[i] = apiProblem{q.Field, q.Code, targeting.ProblemMessage(q)}
		}
		body["problems"] = all
	}
	return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": body})
}

// decodeJSON reads the request body into v strictly: unknown fields and
// trailing data are refused, so that a typo is not silently ignored. An
// empty body is allowed when emptyOK and leaves v as it is. When answered
// is true, the 422 answer has been written and the handler returns err.
func decodeJSON(c *fiber.Ctx, v any, emptyOK bool) (answered bool, err error) {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		if emptyOK {
			return false, nil
		}
		return true, apiError(c, fiber.StatusUnprocessableEntity, "malformed", "the request body must be a JSON object", "")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
			if n, err := strconv.Unquote(name); err == nil {
				name = n
			}
			return true, apiError(c, fiber.StatusUnprocessableEntity, "unknown_field", fmt.Sprintf("%s: unknown field", name), name)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return true, apiError(c, fiber.StatusUnprocessableEntity, "malformed", fmt.Sprintf("%s: must be %s", te.Field, jsonKind(te.Type.Kind())), te.Field)
		}
		return true, apiError(c, fiber.StatusUnprocessableEntity, "malformed", "the request body is not valid JSON: "+msg, "")
	}
	if dec.More() {
		return true, apiError(c, fiber.StatusUnprocessableEntity, "malformed", "the request body has data after the JSON object", "")
	}
	return false, nil
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}

// noStore keeps answers about a person out of shared caches.
func noStore(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "no-store") }

// apiFindProfiles looks a person up by phone number or external id. Both
// are hashed with the workspace key before the query; the answer never
// repeats them. Not found is an empty list, not 404, so that a CRM can
// ask "do you know this person" without treating it as an error.
func (s *server) apiFindProfiles(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	phone, ext := c.Query("phone"), c.Query("external_id")
	var id targeting.Identity
	switch {
	case phone != "" && ext != "":
		return apiError(c, fiber.StatusBadRequest, "invalid_parameter", "send either phone or external_id, not both", "")
	case phone != "":
		country := strings.ToUpper(strings.TrimSpace(c.Query("country")))
		if country != "" && !isCountryCode(country) {
			return apiError(c, fiber.StatusUnprocessableEntity, "invalid_country", "country must be an ISO 3166-1 alpha-2 code such as DE", "country")
		}
		if country == "" && !strings.HasPrefix(strings.TrimSpace(phone), "+") && !strings.HasPrefix(strings.TrimSpace(phone), "00") {
			return apiError(c, fiber.StatusUnprocessableEntity, "invalid_phone",
				"phone is written nationally: send country (ISO 3166-1 alpha-2, e.g. country=DE) or the international form starting with +", "phone")
		}
		e164, err := targeting.NormalisePhone(phone, country)
		if err != nil {
			// The message must not repeat the number.
			return apiError(c, fiber.StatusUnprocessableEntity, "invalid_phone", "phone is not a valid phone number"+inCountry(country), "phone")
		}
		id = targeting.Identity{Kind: targeting.RefPhone, Value: e164}
	case ext != "":
		v, err := targeting.NormaliseExternalID(ext)
		if err != nil {
			return apiError(c, fiber.StatusUnprocessableEntity, "invalid_external_id", "external_id "+err.Error(), "external_id")
		}
		id = targeting.Identity{Kind: targeting.RefExternal, Value: v}
	default:
		return apiError(c, fiber.StatusBadRequest, "missing_parameter",
			"send phone (with country when written nationally) or external_id", "")
	}
	noStore(c)
	p, err := s.Targeting.Lookup(c.UserContext(), ws, id)
	if errors.Is(err, targeting.ErrNotFound) {
		return c.JSON(fiber.Map{"profiles": []targeting.Profile{}})
	} else if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"profiles": []targeting.Profile{p}})
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func inCountry(country string) string {
	if country == "" {
		return ""
	}
	return " in " + country
}

// apiProfile is a profile with what it is interested in and its current
// consent per purpose and basis.
type apiProfile struct {
	targeting.Profile
	Interests    []string                 `json:"interests"`
	ConsentState []targeting.ConsentState `json:"consent_state"`
}

// apiShowProfile answers a profile of the token's workspace; an erased one
// is 410 Gone (its tombstone holds nothing to show).
func (s *server) apiShowProfile(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	ctx := c.UserContext()
	p, err := s.Targeting.Profile(ctx, ws, id)
	if err != nil {
		return apiFail(c, err)
	}
	if p.ErasedAt != nil {
		return apiFail(c, targeting.ErrErased)
	}
	out := apiProfile{Profile: p}
	if out.Interests, err = s.Targeting.ProfileInterests(ctx, ws, id); err != nil {
		return err
	}
	if out.ConsentState, err = s.Targeting.ConsentStates(ctx, ws, id); err != nil {
		return err
	}
	if out.Interests == nil {
		out.Interests = []string{}
	}
	if out.ConsentState == nil {
		out.ConsentState = []targeting.ConsentState{}
	}
	noStore(c)
	return c.JSON(out)
}

// apiConsentRequest is one consent statement, or a TC string that states
// the whole choice.
type apiConsentRequest struct {
	Purpose       *int    `json:"purpose"`
	Granted       *bool   `json:"granted"`
	LegalBasis    string  `json:"legal_basis"`
	OccurredAt    string  `json:"occurred_at"`
	Source        string  `json:"source"`
	NoticeVersion string  `json:"notice_version"`
	TCString      *string `json:"tc_string"`
}

// apiRecordConsent appends to the person's consent ledger. A change that
// states what is already current writes nothing: the answer is then 200
// with an empty list instead of 201.
func (s *server) apiRecordConsent(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	var req apiConsentRequest
	if answered, err := decodeJSON(c, &req, false); answered {
		return err
	}
	var changes []targeting.ConsentChange
	tcMode := req.TCString != nil
	if tcMode {
		if req.Purpose != nil || req.Granted != nil || req.LegalBasis != "" || req.OccurredAt != "" {
			return apiError(c, fiber.StatusUnprocessableEntity, "conflicting_fields",
				"send either tc_string or purpose and granted, not both: a TC string states every purpose, its legal basis and its time", "tc_string")
		}
		tc, err := targeting.DecodeTCString(*req.TCString)
		if err != nil {
			return apiError(c, fiber.StatusUnprocessableEntity, "invalid_tc_string", err.Error(), "tc_string")
		}
		changes = tc.Changes(req.Source, req.NoticeVersion, s.Clock.Now().UTC())
	} else {
		ch, answered, err := consentChange(c, req)
		if answered {
			return err
		}
		changes = []targeting.ConsentChange{ch}
	}
	evs, err := s.Targeting.RecordConsent(s.ctx(c), ws, id, changes)
	var ve *targeting.ValidationError
	if errors.As(err, &ve) {
		for i, p := range ve.Problems {
			// The ledger names fields as imports spell them; answer in the
			// request's terms.
			switch {
			case tcMode && (p.Field == "consent_at" || p.Field == "evidence"):
				ve.Problems[i].Field = "tc_string"
			case p.Field == "consent_at":
				ve.Problems[i].Field = "occurred_at"
			}
		}
	}
	if err != nil {
		return apiFail(c, err)
	}
	if evs == nil {
		evs = []targeting.ConsentEvent{}
	}
	status := fiber.StatusCreated
	if len(evs) == 0 {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(fiber.Map{"entries": evs})
}

// consentChange reads a single JSON consent statement.
func consentChange(c *fiber.Ctx, req apiConsentRequest) (targeting.ConsentChange, bool, error) {
	var ch targeting.ConsentChange
	if req.Purpose == nil {
		return ch, true, apiError(c, fiber.StatusUnprocessableEntity, "required", "purpose: is required (1, 2, 3, 4, 7 or 9), or send tc_string", "purpose")
	}
	if !targeting.Purpose(*req.Purpose).Valid() {
		return ch, true, apiError(c, fiber.StatusUnprocessableEntity, "invalid_purpose",
			fmt.Sprintf("purpose: %d is not a recorded purpose (use 1, 2, 3, 4, 7 or 9)", *req.Purpose), "purpose")
	}
	if req.Granted == nil {
		return ch, true, apiError(c, fiber.StatusUnprocessableEntity, "required", "granted: is required (true or false)", "granted")
	}
	ch = targeting.ConsentChange{Purpose: targeting.Purpose(*req.Purpose), Granted: *req.Granted, Source: req.Source,
		NoticeVersion: req.NoticeVersion, Basis: targeting.BasisConsent}
	if ch.Source == "" {
		ch.Source = "api"
	}
	switch targeting.Basis(req.LegalBasis) {
	case "", targeting.BasisConsent:
	case targeting.BasisLegitimateInterest:
		ch.Basis = targeting.BasisLegitimateInterest
	default:
		return ch, true, apiError(c, fiber.StatusUnprocessableEntity, "invalid_basis", "legal_basis: must be consent or legitimate_interest", "legal_basis")
	}
	if req.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339, req.OccurredAt)
		if err != nil {
			return ch, true, apiError(c, fiber.StatusUnprocessableEntity, "malformed", "occurred_at: must be an RFC 3339 time such as 2025-06-01T18:00:00Z", "occurred_at")
		}
		ch.OccurredAt = t
	}
	return ch, false, nil
}

// apiObjectProfile records a global objection (GDPR Art. 21). Objecting
// again is not an error.
func (s *server) apiObjectProfile(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	var req struct {
		Source string `json:"source"`
	}
	if answered, err := decodeJSON(c, &req, true); answered {
		return err
	}
	if len(req.Source) > 40 {
		return apiError(c, fiber.StatusUnprocessableEntity, "too_long", "source: is too long", "source")
	}
	if err := s.Targeting.Object(s.ctx(c), ws, id, req.Source); err != nil {
		return apiFail(c, err)
	}
	return c.JSON(fiber.Map{"objected": true})
}

// apiExportProfile answers an access request (GDPR Art. 15) with
// everything held about the person; the service records it in the audit
// log.
func (s *server) apiExportProfile(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	ex, err := s.Targeting.ExportProfile(s.ctx(c), ws, id)
	if err != nil {
		return apiFail(c, err)
	}
	noStore(c)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="profile-%d.json"`, id))
	return c.JSON(ex)
}

// apiEraseProfile erases a person (GDPR Art. 17). Erasing an erased
// profile again answers 204 too; reading it afterwards answers 410.
func (s *server) apiEraseProfile(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	if err := s.Targeting.Erase(s.ctx(c), ws, id, "api"); err != nil {
		return apiFail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// syncImportLimit is the largest body imported within the request; larger
// ones run in the background and are polled at /imports/{id}.
const syncImportLimit = 5 << 20

// apiImportErrorLimit is how many row errors an answer lists; the full
// report stays with the job.
const apiImportErrorLimit = 1000

// importFormat reads the body's media type; parameters such as charset
// are left to the parser, which detects encodings itself.
func importFormat(contentType string) (string, bool) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", false
	}
	switch mt {
	case "text/csv":
		return "csv", true
	case "application/x-ndjson", "application/ndjson":
		return "ndjson", true
	}
	return "", false
}

type apiRowError struct {
	Line    int64  `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// apiImportSummary answers an import that ran within the request.
type apiImportSummary struct {
	ImportID  int64         `json:"import_id"`
	StatusURL string        `json:"status_url"`
	Status    string        `json:"status"`
	Rows      int64         `json:"rows"`
	Imported  int64         `json:"imported"`
	Updated   int64         `json:"updated"`
	Unchanged int64         `json:"unchanged"`
	Failed    int64         `json:"failed"`
	Message   string        `json:"message,omitempty"`
	Errors    []apiRowError `json:"errors"`
}

// apiImport is an import job as GET /imports/{id} shows it.
type apiImport struct {
	ID         int64         `json:"id"`
	Status     string        `json:"status"`
	Format     string        `json:"format"`
	Filename   string        `json:"filename"`
	Progress   int           `json:"progress"`
	Rows       int64         `json:"rows"`
	Imported   int64         `json:"imported"`
	Updated    int64         `json:"updated"`
	Unchanged  int64         `json:"unchanged"`
	Failed     int64         `json:"failed"`
	Message    string        `json:"message"`
	Errors     []apiRowError `json:"errors"`
	CreatedAt  time.Time     `json:"created_at"`
	FinishedAt *time.Time    `json:"finished_at"`
}

func (s *server) importStatusURL(id int64) string {
	base := ""
	if s.Config.BaseURL != nil {
		base = strings.TrimSuffix(s.Config.BaseURL.String(), "/")
	}
	return base + "/api/v1/imports/" + strconv.FormatInt(id, 10)
}

func (s *server) importErrors(ctx context.Context, ws, jobID int64) ([]apiRowError, error) {
	rows, err := s.Targeting.ImportErrors(ctx, ws, jobID, 0, apiImportErrorLimit)
	if err != nil {
		return nil, err
	}
	out := make([]apiRowError, len(rows))
	for i, r := range rows {
		out[i] = apiRowError{r.Line, r.Column, r.Message}
	}
	return out, nil
}

// apiImportProfiles imports profiles and their stated consents from a CSV
// or NDJSON body. Up to syncImportLimit it answers the summary; beyond, it
// answers 202 and imports in the background.
func (s *server) apiImportProfiles(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	format, ok := importFormat(c.Get(fiber.HeaderContentType))
	if !ok {
		return apiError(c, fiber.StatusUnsupportedMediaType, "unsupported_media_type",
			"send the file as the body with Content-Type: text/csv or application/x-ndjson", "")
	}
	filename := strings.TrimSpace(c.Query("filename"))
	if filename == "" {
		filename = "api"
	}
	ctx := s.ctx(c)
	body := c.Body()
	if len(body) > syncImportLimit {
		return s.startBackgroundImport(ctx, c, ws, format, filename, body)
	}
	job, err := s.Targeting.CreateImportJob(ctx, ws, format, filename, int64(len(body)))
	if err != nil {
		return apiFail(c, err)
	}
	job, err = s.Targeting.RunImport(ctx, ws, job.ID, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if job.Status == targeting.ImportFailed {
		return apiError(c, fiber.StatusUnprocessableEntity, "invalid_file", job.Message, "")
	}
	errs, err := s.importErrors(ctx, ws, job.ID)
	if err != nil {
		return err
	}
	return c.JSON(apiImportSummary{ImportID: job.ID, StatusURL: s.importStatusURL(job.ID), Status: job.Status, Rows: job.RowsSeen,
		Imported: job.Imported, Updated: job.Updated, Unchanged: job.Unchanged, Failed: job.Failed, Message: job.Message, Errors: errs})
}

// startBackgroundImport copies the body to a temporary file (fasthttp
// reuses the request's buffer once the handler returns), registers the job
// and imports it in a goroutine that outlives the request (runImport, shared
// with the upload page).
func (s *server) startBackgroundImport(ctx context.Context, c *fiber.Ctx, ws int64, format, filename string, body []byte) error {
	f, err := os.CreateTemp("", importTempFileGlob)
	if err != nil {
		return fmt.Errorf("web: import temp file: %w", err)
	}
	if _, err := f.Write(body); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		discard(f)
		return fmt.Errorf("web: import temp file: %w", err)
	}
	size := int64(len(body))
	c.Request().ResetBody()
	job, err := s.Targeting.CreateImportJob(ctx, ws, format, filename, size)
	if err != nil {
		discard(f)
		return apiFail(c, err)
	}
	go s.runImport(context.WithoutCancel(ctx), state(c).ID, ws, job.ID, f)
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"import_id": job.ID, "status_url": s.importStatusURL(job.ID)})
}

// apiShowImport answers an import's progress and, when done, its summary.
func (s *server) apiShowImport(c *fiber.Ctx) error {
	ws := state(c).APIWS.ID
	id, err := idParam(c, "id")
	if err != nil {
		return apiFail(c, err)
	}
	ctx := c.UserContext()
	j, err := s.Targeting.ImportJob(ctx, ws, id)
	if err != nil {
		return apiFail(c, err)
	}
	errs, err := s.importErrors(ctx, ws, id)
	if err != nil {
		return err
	}
	return c.JSON(apiImport{ID: j.ID, Status: j.Status, Format: j.Format, Filename: j.Filename, Progress: j.Progress(), Rows: j.RowsSeen,
		Imported: j.Imported, Updated: j.Updated, Unchanged: j.Unchanged, Failed: j.Failed, Message: j.Message, Errors: errs,
		CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt})
}
