package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/SirDataFR/iabtcfv2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"gorm.io/gorm"
)

// apiClient sends bearer-token requests to the JSON API.
type apiClient struct {
	h      *harness
	secret string
	tok    accounts.APIToken
	ws     accounts.Workspace
}

// apiWorkspace seeds a workspace and a token with the given scope.
func (h *harness) apiWorkspace(email, name string, scope accounts.Scope) apiClient {
	h.t.Helper()
	u, w := h.seed(email, name, accounts.RoleAdmin)
	ctx := accounts.WithActor(context.Background(), accounts.UserActor(u, ""))
	tok, secret, err := h.svc.CreateToken(ctx, w.ID, name+" CRM", []accounts.Scope{scope})
	if err != nil {
		h.t.Fatal(err)
	}
	return apiClient{h: h, secret: secret, tok: tok, ws: w}
}

// token adds another token to the client's workspace.
func (a apiClient) token(name string, scope accounts.Scope) apiClient {
	a.h.t.Helper()
	tok, secret, err := a.h.svc.CreateToken(context.Background(), a.ws.ID, name, []accounts.Scope{scope})
	if err != nil {
		a.h.t.Fatal(err)
	}
	return apiClient{h: a.h, secret: secret, tok: tok, ws: a.ws}
}

func (a apiClient) send(method, path, contentType, body string) response {
	a.h.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.secret)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := a.h.app.Test(req, -1)
	if err != nil {
		a.h.t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.h.t.Fatal(err)
	}
	return response{res, string(b)}
}

func (a apiClient) get(path string) response { return a.send(http.MethodGet, path, "", "") }

func (a apiClient) postJSON(path string, v any) response {
	a.h.t.Helper()
	body, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			a.h.t.Fatal(err)
		}
		body = string(b)
	}
	return a.send(http.MethodPost, path, "application/json", body)
}

func (a apiClient) importCSV(csv string) response {
	return a.send(http.MethodPost, "/api/v1/profiles/import?filename=crm.csv", "text/csv", csv)
}

func decodeBody[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatalf("decode %q: %v", res.body, err)
	}
	return v
}

type apiErrorBody struct {
	Error struct {
		Code, Message, Field string
		Problems             []struct{ Field, Code, Message string }
	}
}

// expectAPIError checks status, code and field of an error answer.
func expectAPIError(t *testing.T, res response, status int, code, field string) apiErrorBody {
	t.Helper()
	expect(t, res, status)
	e := decodeBody[apiErrorBody](t, res)
	if e.Error.Code != code || e.Error.Field != field {
		t.Fatalf("error %+v, want code %q field %q", e.Error, code, field)
	}
	return e
}

type importSummary struct {
	ImportID  int64  `json:"import_id"`
	StatusURL string `json:"status_url"`
	Status    string
	Rows      int64
	Imported  int64
	Updated   int64
	Unchanged int64
	Failed    int64
	Message   string
	Errors    []struct {
		Line    int64
		Column  string
		Message string
	}
}

type estimateBody struct {
	Eligible int64
	Excluded map[string]int64
	Tier     string
	Total    int64
}

func (a apiClient) estimate(spec string) estimateBody {
	a.h.t.Helper()
	res := a.postJSON("/api/v1/audiences/estimate", spec)
	expect(a.h.t, res, http.StatusOK)
	return decodeBody[estimateBody](a.h.t, res)
}

// findPhone looks a profile up by a number as typed.
func (a apiClient) findPhone(phone, country string) []targeting.Profile {
	a.h.t.Helper()
	q := url.Values{"phone": {phone}}
	if country != "" {
		q.Set("country", country)
	}
	res := a.get("/api/v1/profiles?" + q.Encode())
	expect(a.h.t, res, http.StatusOK)
	return decodeBody[struct{ Profiles []targeting.Profile }](a.h.t, res).Profiles
}

// importOne imports one profile by phone with the given consents and
// returns its id.
func (a apiClient) importOne(phone, consents string) int64 {
	a.h.t.Helper()
	res := a.importCSV("phone,country,birth_year,consent_2,consent_3,consent_4\n" + phone + ",DE,1990," + consents + "\n")
	expect(a.h.t, res, http.StatusOK)
	if s := decodeBody[importSummary](a.h.t, res); s.Imported+s.Updated+s.Unchanged != 1 {
		a.h.t.Fatalf("import: %+v", s)
	}
	ps := a.findPhone(phone, "")
	if len(ps) != 1 {
		a.h.t.Fatalf("imported profile not found: %v", ps)
	}
	return ps[0].ID
}

const importFile = "phone,country,birth_year,interests,consent_2,consent_3,consent_4\n" +
	"+491712345678,DE,1990,sport|travel,yes,yes,yes\n" +
	"01512 3456789,DE,1985,,yes,no,no\n" +
	"0999 888777,DE,1980,,yes,yes,yes\n"

func TestAPIImportProfiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		ctx := context.Background()

		res := a.importCSV(importFile)
		expect(t, res, http.StatusOK)
		s := decodeBody[importSummary](t, res)
		if s.Status != "done" || s.Rows != 3 || s.Imported != 2 || s.Updated != 0 || s.Unchanged != 0 || s.Failed != 1 {
			t.Fatalf("first import: %+v", s)
		}
		if len(s.Errors) != 1 || s.Errors[0].Line != 4 || s.Errors[0].Column != "phone" || s.Errors[0].Message == "" {
			t.Fatalf("errors: %+v", s.Errors)
		}
		if strings.Contains(res.body, "888777") || strings.Contains(res.body, "2345678") {
			t.Fatalf("the answer repeats a phone number: %s", res.body)
		}
		if !strings.HasSuffix(s.StatusURL, fmt.Sprintf("/api/v1/imports/%d", s.ImportID)) || !strings.HasPrefix(s.StatusURL, "http") {
			t.Fatalf("status_url %q for import %d", s.StatusURL, s.ImportID)
		}

		// The status URL tells the same story.
		res = a.get(fmt.Sprintf("/api/v1/imports/%d", s.ImportID))
		expect(t, res, http.StatusOK)
		job := decodeBody[struct {
			ID                                int64
			Status, Format, Filename          string
			Progress                          int
			Rows, Imported, Unchanged, Failed int64
			Errors                            []struct{ Line int64 }
		}](t, res)
		if job.ID != s.ImportID || job.Status != "done" || job.Format != "csv" || job.Filename != "crm.csv" || job.Progress != 100 ||
			job.Rows != 3 || job.Imported != 2 || job.Failed != 1 || len(job.Errors) != 1 || job.Errors[0].Line != 4 {
			t.Fatalf("import job: %+v", job)
		}

		// The same file again changes nothing.
		res = a.importCSV(importFile)
		expect(t, res, http.StatusOK)
		s = decodeBody[importSummary](t, res)
		if s.Imported != 0 || s.Updated != 0 || s.Unchanged != 2 || s.Failed != 1 {
			t.Fatalf("re-import: %+v", s)
		}

		// NDJSON, with external ids.
		nd := `{"external_id":"crm-1","country":"AT","language":"de","consents":{"2":true}}` + "\n" +
			`{"external_id":"crm-2","birth_year":"nineteen"}` + "\n"
		res = a.send(http.MethodPost, "/api/v1/profiles/import", "application/x-ndjson", nd)
		expect(t, res, http.StatusOK)
		s = decodeBody[importSummary](t, res)
		if s.Imported != 1 || s.Failed != 1 || len(s.Errors) != 1 || s.Errors[0].Line != 2 || s.Errors[0].Column != "birth_year" {
			t.Fatalf("ndjson import: %+v", s)
		}
		if n, _ := h.tgt.CountProfiles(ctx, a.ws.ID); n != 3 {
			t.Fatalf("%d profiles, want 3", n)
		}

		// Not a format the importer reads.
		for _, ct := range []string{"application/json", "", "text/plain", "application/octet-stream", "text/csvx"} {
			res = a.send(http.MethodPost, "/api/v1/profiles/import", ct, "phone\n+491712345678\n")
			e := expectAPIError(t, res, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
			if !strings.Contains(e.Error.Message, "text/csv") || !strings.Contains(e.Error.Message, "application/x-ndjson") {
				t.Fatalf("415 message: %q", e.Error.Message)
			}
		}

		// A file refused as a whole: nothing stored.
		res = a.importCSV("name,email\nAna,ana@example.com\n")
		e := expectAPIError(t, res, http.StatusUnprocessableEntity, "invalid_file", "")
		if !strings.Contains(e.Error.Message, "header") {
			t.Fatalf("invalid_file message: %q", e.Error.Message)
		}
		if n, _ := h.tgt.CountProfiles(ctx, a.ws.ID); n != 3 {
			t.Fatalf("%d profiles after a refused file, want 3", n)
		}
	})
}

// TestAPIImportLargeBody: a body over 5 MiB is imported in the background
// and polled at its status URL.
func TestAPIImportLargeBody(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		// A few rows padded by an ignored column keep the import itself quick.
		var b strings.Builder
		b.WriteString("phone,country,note\n")
		pad := strings.Repeat("x", 900<<10)
		for i := range 7 {
			fmt.Fprintf(&b, "+4917612345%02d,DE,%s\n", i, pad)
		}
		if b.Len() <= 5<<20 {
			t.Fatalf("test body of %d bytes is not over 5 MiB", b.Len())
		}
		res := a.importCSV(b.String())
		expect(t, res, http.StatusAccepted)
		started := decodeBody[struct {
			ImportID  int64  `json:"import_id"`
			StatusURL string `json:"status_url"`
		}](t, res)
		u, err := url.Parse(started.StatusURL)
		if err != nil || started.ImportID == 0 || u.Path != fmt.Sprintf("/api/v1/imports/%d", started.ImportID) {
			t.Fatalf("202 answer: %s", res.body)
		}
		type importJob struct {
			Status           string
			Progress         int
			Imported, Failed int64
			Errors           []struct {
				Line            int64
				Column, Message string
			}
		}
		var job importJob
		deadline := time.Now().Add(30 * time.Second)
		for {
			res = a.get(u.Path)
			expect(t, res, http.StatusOK)
			job = decodeBody[importJob](t, res)
			if job.Status != "running" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("import still running: %s", res.body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if job.Status != "done" || job.Progress != 100 || job.Imported != 7 || job.Failed != 0 {
			t.Fatalf("background import: %+v", job)
		}
		// The ignored column is reported as a note on the header line.
		if len(job.Errors) != 1 || job.Errors[0].Line != 1 || job.Errors[0].Column != "note" {
			t.Fatalf("notes: %+v", job.Errors)
		}
	})
}

func TestAPIFindProfiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeRead)
		w := a.token("writer", accounts.ScopeAll)
		id := w.importOne("+491712345678", "yes,no,no")
		res := w.send(http.MethodPost, "/api/v1/profiles/import", "application/x-ndjson", `{"external_id":"crm-7","country":"DE"}`+"\n")
		expect(t, res, http.StatusOK)

		for _, tc := range []struct{ phone, country string }{
			{"0171 2345678", "DE"}, {"0171/2345678", "de"}, {"+49 171 2345678", ""}, {"0049 171 2345678", ""}, {"+491712345678", "AT"},
		} {
			ps := a.findPhone(tc.phone, tc.country)
			if len(ps) != 1 || ps[0].ID != id || ps[0].RefKind != targeting.RefPhone {
				t.Fatalf("lookup %q in %q: %+v", tc.phone, tc.country, ps)
			}
		}
		if ps := a.findPhone("+4915123456789", ""); len(ps) != 0 {
			t.Fatalf("unknown number found: %+v", ps)
		}
		res = a.get("/api/v1/profiles?external_id=crm-7")
		expect(t, res, http.StatusOK)
		if ps := decodeBody[struct{ Profiles []targeting.Profile }](t, res).Profiles; len(ps) != 1 || ps[0].RefKind != targeting.RefExternal {
			t.Fatalf("lookup by external id: %s", res.body)
		}
		if res = a.get("/api/v1/profiles?external_id=CRM-7"); !strings.Contains(res.body, `"profiles":[]`) {
			t.Fatalf("external ids are case-sensitive: %s", res.body)
		}

		// Numbers that cannot be read: 422 on phone, never echoed.
		for _, q := range []string{"phone=0999+888777&country=DE", "phone=0171+2345678", "phone=abc888777"} {
			res = a.get("/api/v1/profiles?" + q)
			expectAPIError(t, res, http.StatusUnprocessableEntity, "invalid_phone", "phone")
			if strings.Contains(res.body, "888777") || strings.Contains(res.body, "2345678") {
				t.Fatalf("the error repeats the number: %s", res.body)
			}
		}
		expectAPIError(t, a.get("/api/v1/profiles?phone=0171+2345678&country=Germany"), http.StatusUnprocessableEntity, "invalid_country", "country")
		e := expectAPIError(t, a.get("/api/v1/profiles"), http.StatusBadRequest, "missing_parameter", "")
		if !strings.Contains(e.Error.Message, "phone") || !strings.Contains(e.Error.Message, "external_id") {
			t.Fatalf("400 must name both parameters: %q", e.Error.Message)
		}
		expect(t, a.get("/api/v1/profiles?phone=%2B491712345678&external_id=crm-7"), http.StatusBadRequest)

		// The profile with its interests and consent.
		res = a.get(fmt.Sprintf("/api/v1/profiles/%d", id))
		expect(t, res, http.StatusOK)
		p := decodeBody[struct {
			ID           int64
			Country      string
			BirthYear    *int `json:"birth_year"`
			Interests    []string
			ConsentState []targeting.ConsentState `json:"consent_state"`
		}](t, res)
		if p.ID != id || p.Country != "DE" || p.BirthYear == nil || *p.BirthYear != 1990 || p.Interests == nil || len(p.ConsentState) != 3 {
			t.Fatalf("profile: %s", res.body)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("profile answers must not be cached: %q", res.Header.Get("Cache-Control"))
		}
		expectAPIError(t, a.get("/api/v1/profiles/999999"), http.StatusNotFound, "not_found", "")
		expectAPIError(t, a.get("/api/v1/profiles/abc"), http.StatusNotFound, "not_found", "")
	})
}

func TestAPIConsentWithdrawal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		id := a.importOne("+491712345678", "yes,yes,yes")
		a.importOne("+4915123456789", "yes,no,no")

		est := a.estimate(`{"countries":["DE"]}`)
		if est.Eligible != 2 || est.Tier != "contextual" || est.Total != 2 {
			t.Fatalf("before: %+v", est)
		}
		for _, k := range []string{"no_consent", "withdrawn", "minor", "objected", "out_of_target", "unknown_age"} {
			if v, ok := est.Excluded[k]; !ok || v != 0 {
				t.Fatalf("excluded[%s] = %d, %v: %+v", k, v, ok, est)
			}
		}

		path := fmt.Sprintf("/api/v1/profiles/%d/consents", id)
		// A withdrawal made after the grant on record (an older statement
		// would not change the state).
		at := time.Now().UTC().Truncate(time.Second).Add(time.Second)
		res := a.postJSON(path, `{"purpose":2,"granted":false,"source":"api","notice_version":"v3","occurred_at":"`+at.Format(time.RFC3339)+`"}`)
		expect(t, res, http.StatusCreated)
		entries := decodeBody[struct{ Entries []targeting.ConsentEvent }](t, res).Entries
		if len(entries) != 1 || entries[0].Purpose != 2 || entries[0].Granted || entries[0].Source != "api" || entries[0].NoticeVersion != "v3" ||
			!entries[0].OccurredAt.Equal(at) || !strings.Contains(entries[0].Actor, "Alpha CRM") {
			t.Fatalf("entries: %s", res.body)
		}

		// The very next estimate no longer counts the person.
		est = a.estimate(`{"countries":["DE"]}`)
		if est.Eligible != 1 || est.Excluded["withdrawn"] != 1 {
			t.Fatalf("after withdrawal: %+v", est)
		}

		// Saying it again writes nothing.
		res = a.postJSON(path, `{"purpose":2,"granted":false}`)
		expect(t, res, http.StatusOK)
		if !strings.Contains(res.body, `"entries":[]`) {
			t.Fatalf("unchanged consent: %s", res.body)
		}

		for _, tc := range []struct {
			body, code, field string
		}{
			{`{"purpose":2,"granted":true,"sorce":"api"}`, "unknown_field", "sorce"},
			{`{"purpose":5,"granted":true}`, "invalid_purpose", "purpose"},
			{`{"granted":true}`, "required", "purpose"},
			{`{"purpose":2}`, "required", "granted"},
			{`{"purpose":2,"granted":"yes"}`, "malformed", "granted"},
			{`{"purpose":2,"granted":true,"legal_basis":"contract"}`, "invalid_basis", "legal_basis"},
			{`{"purpose":2,"granted":true,"occurred_at":"yesterday"}`, "malformed", "occurred_at"},
			{`{"purpose":2,"granted":true,"occurred_at":"2099-01-01T00:00:00Z"}`, "in_future", "occurred_at"},
			{`{"purpose":2,"granted":true,"source":"` + strings.Repeat("s", 41) + `"}`, "too_long", "source"},
			{`{"purpose":2,"granted":true,"tc_string":"CQ"}`, "conflicting_fields", "tc_string"},
			{`not json`, "malformed", ""},
			{``, "malformed", ""},
		} {
			expectAPIError(t, a.postJSON(path, tc.body), http.StatusUnprocessableEntity, tc.code, tc.field)
		}
		if hist, _ := h.tgt.ConsentHistory(context.Background(), a.ws.ID, id); len(hist) != 4 {
			t.Fatalf("refused requests wrote to the ledger: %d entries", len(hist))
		}
		expectAPIError(t, a.postJSON("/api/v1/profiles/999999/consents", `{"purpose":2,"granted":true}`), http.StatusNotFound, "not_found", "")
	})
}

// tcString encodes a TCF v2.2 core string with an encoder independent of
// the decoder under test (as targeting/tcf_test.go does).
func tcString(updated time.Time, consents []int, li []int) string {
	m := func(ids []int) map[int]bool {
		out := map[int]bool{}
		for _, id := range ids {
			out[id] = true
		}
		return out
	}
	c := &iabtcfv2.CoreString{
		Version: 2, Created: updated.Add(-time.Hour), LastUpdated: updated, CmpId: 28, CmpVersion: 4, ConsentScreen: 1,
		ConsentLanguage: "DE", VendorListVersion: 120, TcfPolicyVersion: 4, PublisherCC: "DE",
		PurposesConsent: m(consents), PurposesLITransparency: m(li),
		VendorsConsent: map[int]bool{1: true}, VendorsLITransparency: map[int]bool{},
	}
	return c.Encode()
}

func TestAPIConsentTCString(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		id := a.importOne("+491712345678", ",,")
		path := fmt.Sprintf("/api/v1/profiles/%d/consents", id)
		updated := time.Date(2025, 6, 1, 18, 0, 0, 700_000_000, time.UTC)
		tc := tcString(updated, []int{1, 2, 3, 4}, []int{2})

		res := a.postJSON(path, map[string]string{"tc_string": tc, "source": "cmp", "notice_version": "v7"})
		expect(t, res, http.StatusCreated)
		entries := decodeBody[struct{ Entries []targeting.ConsentEvent }](t, res).Entries
		// Every recorded purpose on the consent basis, and the
		// legitimate-interest signals of purposes 2 and 7.
		if len(entries) != len(targeting.Purposes)+2 {
			t.Fatalf("%d entries, want %d: %s", len(entries), len(targeting.Purposes)+2, res.body)
		}
		granted := map[string]bool{}
		for _, e := range entries {
			if e.Source != "cmp" || e.Evidence != tc || e.NoticeVersion != "v7" || !e.OccurredAt.Equal(updated) {
				t.Fatalf("entry %+v", e)
			}
			granted[fmt.Sprintf("%d/%s", e.Purpose, e.LegalBasis)] = e.Granted
		}
		want := map[string]bool{"1/consent": true, "2/consent": true, "3/consent": true, "4/consent": true, "7/consent": false, "9/consent": false,
			"2/legitimate_interest": true, "7/legitimate_interest": false}
		if fmt.Sprint(granted) != fmt.Sprint(want) {
			t.Fatalf("entries say %v, want %v", granted, want)
		}
		if est := a.estimate(`{"age_min":18}`); est.Eligible != 1 || est.Tier != "personalised" {
			t.Fatalf("personalised estimate after the TC string: %+v", est)
		}

		// The same string again: nothing new; without a source: "tc_string".
		res = a.postJSON(path, map[string]string{"tc_string": tc})
		expect(t, res, http.StatusOK)
		res = a.postJSON(path, map[string]string{"tc_string": tcString(updated.Add(time.Hour), []int{1, 2}, nil)})
		expect(t, res, http.StatusCreated)
		entries = decodeBody[struct{ Entries []targeting.ConsentEvent }](t, res).Entries
		if len(entries) != 3 || entries[0].Source != "tc_string" { // 3 and 4 withdrawn, LI for 2 withdrawn
			t.Fatalf("second string: %s", res.body)
		}
		if est := a.estimate(`{"age_min":18}`); est.Eligible != 0 || est.Excluded["withdrawn"] != 1 {
			t.Fatalf("after withdrawal by TC string: %+v", est)
		}

		for _, bad := range []string{"not a tc string!", "", "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA"} {
			e := expectAPIError(t, a.postJSON(path, map[string]string{"tc_string": bad}), http.StatusUnprocessableEntity, "invalid_tc_string", "tc_string")
			if !strings.HasPrefix(e.Error.Message, "invalid TC string: ") {
				t.Fatalf("message %q", e.Error.Message)
			}
		}
	})
}

func TestAPIObjectionExportErasure(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		id := a.importOne("+491712345678", "yes,yes,yes")
		a.importOne("+4915123456789", "yes,yes,yes")
		base := fmt.Sprintf("/api/v1/profiles/%d", id)

		res := a.postJSON(base+"/objection", "")
		expect(t, res, http.StatusOK)
		if !strings.Contains(res.body, `"objected":true`) {
			t.Fatalf("objection: %s", res.body)
		}
		if est := a.estimate(`{}`); est.Eligible != 1 || est.Excluded["objected"] != 1 {
			t.Fatalf("after objection: %+v", est)
		}
		expect(t, a.postJSON(base+"/objection", `{"source":"support"}`), http.StatusOK) // again: no error
		expectAPIError(t, a.postJSON(base+"/objection", `{"reason":"x"}`), http.StatusUnprocessableEntity, "unknown_field", "reason")

		res = a.get(base + "/export")
		expect(t, res, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="profile-%d.json"`, id) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		ex := decodeBody[targeting.Export](t, res)
		if ex.Profile.ID != id || ex.Profile.ObjectedAt == nil || len(ex.Ledger) != 4 || len(ex.Consents) != 3 {
			t.Fatalf("export: %s", res.body)
		}
		if last := ex.Ledger[3]; last.Purpose != targeting.PurposeObjection || last.Source != "api" {
			t.Fatalf("the ledger lacks the objection: %+v", ex.Ledger)
		}

		req := func(method, path string) response { return a.send(method, path, "application/json", "") }
		expect(t, req(http.MethodDelete, base), http.StatusNoContent)
		// Erased is gone, not unknown: the id was the workspace's, and the
		// tombstone stays so that aggregates keep their meaning.
		expectAPIError(t, a.get(base), http.StatusGone, "erased", "")
		expectAPIError(t, a.get(base+"/export"), http.StatusGone, "erased", "")
		expectAPIError(t, a.postJSON(base+"/consents", `{"purpose":2,"granted":true}`), http.StatusGone, "erased", "")
		expectAPIError(t, a.postJSON(base+"/objection", ""), http.StatusGone, "erased", "")
		expect(t, req(http.MethodDelete, base), http.StatusNoContent) // again: still erased
		if ps := a.findPhone("+491712345678", ""); len(ps) != 0 {
			t.Fatalf("an erased person is still found: %+v", ps)
		}
		if est := a.estimate(`{}`); est.Total != 1 || est.Eligible != 1 {
			t.Fatalf("after erasure: %+v", est)
		}

		// Writes are in the audit log with the token as actor.
		ctx := context.Background()
		for _, action := range []string{"profile.object", "profile.export", "profile.erase", "import.start"} {
			entries, err := h.svc.ListAudit(ctx, a.ws.ID, accounts.AuditFilter{Action: action})
			if err != nil || len(entries) == 0 {
				t.Fatalf("no %s in the audit log: %v", action, err)
			}
			e := entries[0]
			if e.ActorType != "token" || e.ActorID == nil || *e.ActorID != a.tok.ID || e.RequestID == "" {
				t.Fatalf("%s audited as %s %v (%s)", action, e.ActorType, e.ActorID, e.ActorLabel)
			}
		}
		if n := len(mustAudit(t, h, a.ws.ID, "profile.erase")); n != 1 {
			t.Fatalf("%d erase entries, want 1", n)
		}
	})
}

func mustAudit(t *testing.T, h *harness, ws int64, action string) []accounts.AuditEntry {
	t.Helper()
	entries, err := h.svc.ListAudit(context.Background(), ws, accounts.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestAPIInterestsAndAudiences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)

		res := a.get("/api/v1/interests")
		expect(t, res, http.StatusOK)
		type interest struct {
			ID       int64
			Name     string
			Category string
			Special  bool
		}
		list := decodeBody[struct{ Interests []interest }](t, res).Interests
		found := map[string]interest{}
		for _, in := range list {
			found[in.Name] = in
		}
		if found["health"].Category != "health" || !found["health"].Special || found["sport"].Category != "none" || found["sport"].Special {
			t.Fatalf("interests: %s", res.body)
		}

		res = a.postJSON("/api/v1/interests", `{"name":"  Bouldering ","category":"none"}`)
		expect(t, res, http.StatusCreated)
		if in := decodeBody[interest](t, res); in.ID == 0 || in.Name != "bouldering" || in.Special {
			t.Fatalf("created: %s", res.body)
		}
		expectAPIError(t, a.postJSON("/api/v1/interests", `{"name":"bouldering","category":"none"}`), http.StatusUnprocessableEntity, "taken", "name")
		expectAPIError(t, a.postJSON("/api/v1/interests", `{"name":"yoga","category":"wellness"}`), http.StatusUnprocessableEntity, "invalid_category", "category")
		expectAPIError(t, a.postJSON("/api/v1/interests", `{"name":"yoga"}`), http.StatusUnprocessableEntity, "required", "category")
		expectAPIError(t, a.postJSON("/api/v1/interests", `{"name":"yoga","category":"none","id":3}`), http.StatusUnprocessableEntity, "unknown_field", "id")
		res = a.postJSON("/api/v1/interests", `{"name":"blood donation","category":"health"}`)
		expect(t, res, http.StatusCreated)
		if n := len(mustAudit(t, h, a.ws.ID, "interest.create")); n != 2 {
			t.Fatalf("%d interest.create audit entries, want 2", n)
		}

		// A special category is never evaluated.
		e := expectAPIError(t, a.postJSON("/api/v1/audiences/estimate", `{"countries":["DE"],"interests_include":["sport","blood donation"]}`),
			http.StatusUnprocessableEntity, "special_category", "interests_include")
		if !strings.Contains(e.Error.Message, "blood donation") || !strings.Contains(e.Error.Message, "Art. 26(3)") {
			t.Fatalf("message %q", e.Error.Message)
		}
		// It comes first even when other problems sort before it.
		e = expectAPIError(t, a.postJSON("/api/v1/audiences/estimate", `{"countries":["XX"],"interests_exclude":["politics"]}`),
			http.StatusUnprocessableEntity, "special_category", "interests_exclude")
		if len(e.Error.Problems) != 2 {
			t.Fatalf("problems: %+v", e.Error.Problems)
		}
		expectAPIError(t, a.postJSON("/api/v1/audiences/estimate", `{"country":["DE"]}`), http.StatusUnprocessableEntity, "malformed", "spec")
		expectAPIError(t, a.postJSON("/api/v1/audiences/estimate", `{"interests_include":["knitting"]}`), http.StatusUnprocessableEntity, "unknown_interest", "interests_include")
		est := a.estimate(`{"interests_include":["bouldering"],"age_min":18}`)
		if est.Tier != "personalised" || est.Eligible != 0 || len(est.Excluded) != 6 {
			t.Fatalf("estimate: %+v", est)
		}

		res = a.postJSON("/api/v1/audiences", `{"name":"Climbers","spec":{"countries":["de"],"interests_include":["Bouldering"],"age_min":18}}`)
		expect(t, res, http.StatusCreated)
		aud := decodeBody[targeting.Audience](t, res)
		if aud.ID == 0 || aud.Name != "Climbers" || aud.Tier != targeting.TierPersonalised || fmt.Sprint(aud.Spec.Countries) != "[DE]" ||
			fmt.Sprint(aud.Spec.InterestsInclude) != "[bouldering]" {
			t.Fatalf("audience: %s", res.body)
		}
		res = a.get(fmt.Sprintf("/api/v1/audiences/%d", aud.ID))
		expect(t, res, http.StatusOK)
		if got := decodeBody[targeting.Audience](t, res); got.ID != aud.ID || got.Name != "Climbers" || got.Spec.AgeMin != 18 {
			t.Fatalf("show audience: %s", res.body)
		}
		e = expectAPIError(t, a.postJSON("/api/v1/audiences", `{"name":"Donors","spec":{"interests_include":["blood donation"]}}`),
			http.StatusUnprocessableEntity, "special_category", "spec.interests_include")
		if !strings.Contains(e.Error.Message, "blood donation") || !strings.Contains(e.Error.Message, "Art. 26(3)") {
			t.Fatalf("message %q", e.Error.Message)
		}
		expectAPIError(t, a.postJSON("/api/v1/audiences", `{"name":"Climbers","spec":{}}`), http.StatusUnprocessableEntity, "taken", "name")
		expectAPIError(t, a.postJSON("/api/v1/audiences", `{"name":"No spec"}`), http.StatusUnprocessableEntity, "required", "spec")
		expectAPIError(t, a.postJSON("/api/v1/audiences", `{"name":"Typo","spec":{"languages":["de"],"agemin":18}}`), http.StatusUnprocessableEntity, "malformed", "spec")
		expectAPIError(t, a.get("/api/v1/audiences/999999"), http.StatusNotFound, "not_found", "")
		if entries := mustAudit(t, h, a.ws.ID, "audience.create"); len(entries) != 1 || entries[0].ActorType != "token" {
			t.Fatalf("audience.create audit: %+v", entries)
		}
	})
}

// TestAPITargetingTenantIsolation: a token of workspace B learns nothing
// about and changes nothing of workspace A.
func TestAPITargetingTenantIsolation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		a := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
		b := h.apiWorkspace("bob@example.com", "Bravo", accounts.ScopeAll)
		id := a.importOne("+491712345678", "yes,yes,yes")
		res := a.postJSON("/api/v1/audiences", `{"name":"Germany","spec":{"countries":["DE"]}}`)
		expect(t, res, http.StatusCreated)
		aud := decodeBody[targeting.Audience](t, res)
		jobs, err := h.tgt.ImportJobs(context.Background(), a.ws.ID, 1)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("import jobs: %v %v", jobs, err)
		}

		p := fmt.Sprintf("/api/v1/profiles/%d", id)
		for _, r := range []struct{ method, path, body string }{
			{http.MethodGet, p, ""},
			{http.MethodPost, p + "/consents", `{"purpose":2,"granted":false}`},
			{http.MethodPost, p + "/consents", `{"tc_string":"` + tcString(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), nil, nil) + `"}`},
			{http.MethodPost, p + "/objection", ""},
			{http.MethodGet, p + "/export", ""},
			{http.MethodDelete, p, ""},
			{http.MethodGet, fmt.Sprintf("/api/v1/audiences/%d", aud.ID), ""},
			{http.MethodGet, fmt.Sprintf("/api/v1/imports/%d", jobs[0].ID), ""},
		} {
			res := b.send(r.method, r.path, "application/json", r.body)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s as B: %d %s", r.method, r.path, res.StatusCode, res.body)
			}
		}
		if ps := b.findPhone("+491712345678", ""); len(ps) != 0 {
			t.Fatalf("B finds A's person: %+v", ps)
		}
		if est := b.estimate(`{}`); est.Total != 0 {
			t.Fatalf("B's estimate counts A's profiles: %+v", est)
		}

		// Nothing of A changed.
		pr, err := h.tgt.Profile(context.Background(), a.ws.ID, id)
		if err != nil || pr.ErasedAt != nil || pr.ObjectedAt != nil {
			t.Fatalf("A's profile changed: %+v %v", pr, err)
		}
		if hist, _ := h.tgt.ConsentHistory(context.Background(), a.ws.ID, id); len(hist) != 3 {
			t.Fatalf("A's ledger has %d entries, want 3", len(hist))
		}
		if est := a.estimate(`{}`); est.Eligible != 1 {
			t.Fatalf("A's estimate: %+v", est)
		}
	})
}

// TestAPIReadTokenCannotWrite: a read token may GET and nothing else.
func TestAPIReadTokenCannotWrite(t *testing.T) {
	h := newHarness(t, testdb.SQLite(t), nil)
	w := h.apiWorkspace("ana@example.com", "Alpha", accounts.ScopeAll)
	id := w.importOne("+491712345678", "yes,yes,yes")
	r := w.token("reader", accounts.ScopeRead)
	p := fmt.Sprintf("/api/v1/profiles/%d", id)
	for _, c := range []struct{ method, path, ctype, body string }{
		{http.MethodPost, "/api/v1/profiles/import", "text/csv", "phone\n+4915123456789\n"},
		{http.MethodPost, p + "/consents", "application/json", `{"purpose":2,"granted":false}`},
		{http.MethodPost, p + "/objection", "application/json", ""},
		{http.MethodGet, p + "/export", "", ""},
		{http.MethodDelete, p, "", ""},
		{http.MethodPost, "/api/v1/interests", "application/json", `{"name":"yoga","category":"none"}`},
		{http.MethodPost, "/api/v1/audiences", "application/json", `{"name":"All","spec":{}}`},
	} {
		expectAPIError(t, r.send(c.method, c.path, c.ctype, c.body), http.StatusForbidden, "insufficient_scope", "")
	}
	// An estimate only reads, though its spec is a POST body.
	expect(t, r.send(http.MethodPost, "/api/v1/audiences/estimate", "application/json", `{}`), http.StatusOK)
	for _, path := range []string{p, "/api/v1/interests", "/api/v1/profiles?phone=%2B491712345678"} {
		expect(t, r.get(path), http.StatusOK)
	}
	if pr, _ := h.tgt.Profile(context.Background(), w.ws.ID, id); pr.ErasedAt != nil || pr.ObjectedAt != nil {
		t.Fatalf("a read token changed the profile: %+v", pr)
	}
	if n, _ := h.tgt.CountProfiles(context.Background(), w.ws.ID); n != 1 {
		t.Fatalf("a read token imported: %d profiles", n)
	}
	// And without a token nothing at all.
	req := httptest.NewRequest(http.MethodGet, p, nil)
	res, err := h.app.Test(req, -1)
	if err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %v %d", err, res.StatusCode)
	}
}
