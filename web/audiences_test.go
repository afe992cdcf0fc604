package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"gorm.io/gorm"
)

// audPerson is a profile seeded straight through targeting.
type audPerson struct {
	ext       string // external id
	country   string
	language  string
	birthYear int
	interests []string
	grant     []targeting.Purpose
}

// seedPeople writes profiles and their consent the way an import does.
func seedPeople(t *testing.T, h *harness, g *gorm.DB, ws int64, people ...audPerson) []int64 {
	t.Helper()
	ctx := context.Background()
	ids, _, err := h.tgt.InterestIDs(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(people))
	for i, pp := range people {
		var pr targeting.Profile
		err := g.Transaction(func(tx *gorm.DB) error {
			var err error
			pr, _, err = h.tgt.UpsertProfile(ctx, tx, ws, targeting.ProfileInput{
				Identity: targeting.Identity{Kind: targeting.RefExternal, Value: pp.ext},
				Country:  pp.country, Language: pp.language, BirthYear: pp.birthYear, Interests: pp.interests,
			}, ids)
			return err
		})
		if err != nil {
			t.Fatalf("seed %s: %v", pp.ext, err)
		}
		var changes []targeting.ConsentChange
		for _, p := range pp.grant {
			changes = append(changes, targeting.ConsentChange{Purpose: p, Granted: true, Source: "import", NoticeVersion: "v1"})
		}
		if len(changes) > 0 {
			if _, err := h.tgt.RecordConsent(ctx, ws, pr.ID, changes); err != nil {
				t.Fatal(err)
			}
		}
		out[i] = pr.ID
	}
	return out
}

var (
	contextualConsent   = []targeting.Purpose{targeting.PurposeBasicAds}
	personalisedConsent = []targeting.Purpose{targeting.PurposeBasicAds, targeting.PurposeAdsProfile, targeting.PurposePersonalisedAds}
)

// postHX sends a form as htmx does: with the X-CSRF-Token header.
func (c *client) postHX(path string, form url.Values) response {
	c.h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(req)
}

func (c *client) getHX(path string) response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

// upload posts a file as a browser's multipart form does.
func (c *client) upload(path, filename, content string) response {
	c.h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", c.csrf)
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			c.h.t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var profileRowRe = regexp.MustCompile(`data-testid="profile-\d+"`)

var eligibleRe = regexp.MustCompile(`data-testid="estimate-eligible">([^<]*)<`)

// eligibleIn reads the big number of an estimate panel.
func eligibleIn(t *testing.T, body string) string {
	t.Helper()
	m := eligibleRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no estimate-eligible in\n%.800s", body)
	}
	return strings.TrimSpace(m[1])
}

func textOf(body, testID string) string {
	re := regexp.MustCompile(`data-testid="` + regexp.QuoteMeta(testID) + `"[^>]*>([^<]*)<`)
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	return ""
}

func TestAudienceEstimateFragment(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("mara@example.com", "Alpha", accounts.RoleMarketer)
		year := time.Now().Year()
		ids := seedPeople(t, h, g, w.ID,
			audPerson{ext: "de-ctx", country: "DE", language: "de", grant: contextualConsent},
			audPerson{ext: "at-coffee", country: "AT", language: "de", birthYear: year - 36, interests: []string{"coffee"}, grant: personalisedConsent},
			audPerson{ext: "de-coffee", country: "DE", language: "de", birthYear: year - 41, interests: []string{"coffee", "travel"}, grant: personalisedConsent},
			audPerson{ext: "de-minor", country: "DE", language: "de", birthYear: year - 15, interests: []string{"coffee"}, grant: personalisedConsent},
			audPerson{ext: "de-none", country: "DE", language: "en"},
		)
		c := h.client()
		c.login("mara@example.com")
		res := c.get("/audiences/new")
		expect(t, res, http.StatusOK)
		for _, id := range []string{"audience-form", "estimate", "special-interests", "group-interests_include", "interests_include-coffee"} {
			if !hasTestID(res.body, id) {
				t.Fatalf("editor lacks %s", id)
			}
		}
		// The form posts itself to the estimate as the person types.
		if !strings.Contains(res.body, `hx-post="/audiences/estimate"`) || !strings.Contains(res.body, `hx-target="#estimate"`) {
			t.Fatal("the editor form is not wired to the live estimate")
		}
		// The special-category group is shown, disabled, and its boxes
		// carry no name, so a normal submit cannot include them.
		if !strings.Contains(res.body, "DSA Art. 26(3)") || strings.Contains(res.body, `value="health"`) {
			t.Fatal("special-category interests are not shown as a disabled group")
		}
		if got := eligibleIn(t, res.body); got != "4" {
			t.Fatalf("initial estimate %q, want 4 (everyone with purpose 2)", got)
		}

		tests := []struct {
			name string
			form url.Values
			want string
			tier string
		}{
			{"everyone", url.Values{}, "4", "tier.contextual"},
			{"austria", url.Values{"countries": {"at"}}, "1", "tier.contextual"},
			{"german speakers in DE and AT", url.Values{"countries": {"DE, AT"}, "languages": {"de"}}, "4", "tier.contextual"},
			{"coffee, adults only", url.Values{"interests_include": {"coffee"}}, "2", "tier.personalised"},
			{"coffee but not travel", url.Values{"interests_include": {"coffee"}, "interests_exclude": {"travel"}}, "1", "tier.personalised"},
			{"age 30 to 40", url.Values{"age_min": {"30"}, "age_max": {"40"}}, "1", "tier.personalised"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.postHX("/audiences/estimate", tt.form)
				expect(t, res, http.StatusOK)
				if strings.Contains(res.body, "<html") {
					t.Fatal("the estimate answered a whole page, not the fragment")
				}
				if got := eligibleIn(t, res.body); got != tt.want {
					t.Fatalf("eligible %q, want %q", got, tt.want)
				}
				if !strings.Contains(res.body, i18n.T("en", tt.tier)) {
					t.Fatalf("fragment lacks the tier %s", tt.tier)
				}
				if !hasTestID(res.body, "estimate-excluded") {
					t.Fatal("fragment lacks the excluded table")
				}
			})
		}
		// Exclusions are counted by their first reason.
		res = c.postHX("/audiences/estimate", url.Values{"interests_include": {"coffee"}})
		if got := textOf(res.body, "excluded-minor"); got != "1" {
			t.Fatalf("minor excluded %q, want 1", got)
		}
		if got := textOf(res.body, "excluded-out_of_target"); got != "2" {
			t.Fatalf("out of target %q, want 2", got)
		}

		// An invalid spec still answers 200 so that htmx swaps the problem in.
		res = c.postHX("/audiences/estimate", url.Values{"countries": {"XX"}, "age_min": {"abc"}})
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "estimate-problems") || !strings.Contains(res.body, "XX") || !hasTestID(res.body, "estimate-problem-age_min") {
			t.Fatalf("invalid spec: no problems shown\n%.1000s", res.body)
		}
		if got := eligibleIn(t, res.body); got != "—" {
			t.Fatalf("an invalid spec shows a number: %q", got)
		}

		// An objection takes effect in the estimate at once.
		if err := h.tgt.Object(context.Background(), w.ID, ids[0], "support"); err != nil {
			t.Fatal(err)
		}
		res = c.postHX("/audiences/estimate", url.Values{})
		if got := eligibleIn(t, res.body); got != "3" {
			t.Fatalf("after an objection: %q, want 3", got)
		}
		if got := textOf(res.body, "excluded-objected"); got != "1" {
			t.Fatalf("objected %q, want 1", got)
		}

		// German formatting of the number.
		many := make([]audPerson, 997)
		for i := range many {
			many[i] = audPerson{ext: fmt.Sprintf("bulk-%d", i), country: "DE", grant: contextualConsent}
		}
		seedPeople(t, h, g, w.ID, many...)
		expect(t, c.post("/account/language", url.Values{"locale": {"de"}}), http.StatusSeeOther)
		res = c.postHX("/audiences/estimate", url.Values{})
		if got := eligibleIn(t, res.body); got != "1.000" {
			t.Fatalf("German estimate %q, want 1.000", got)
		}
	})
}

func TestAudienceSaveAndSpecialCategory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("mara@example.com", "Alpha", accounts.RoleMarketer)
		c := h.client()
		c.login("mara@example.com")
		res := c.get("/audiences")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "audiences-empty") || !hasTestID(res.body, "audience-new") || !hasTestID(res.body, "kpi-contextual") {
			t.Fatal("audiences page lacks its empty state, create action or KPIs")
		}

		// A crafted POST with a special-category interest is refused beside
		// the field, naming the interest; nothing is saved.
		res = c.post("/audiences", url.Values{"name": {"Believers"}, "countries": {"DE"}, "interests_include": {"coffee", "religion"}})
		expect(t, res, http.StatusUnprocessableEntity)
		msg := textOf(res.body, "error-interests_include")
		if !strings.Contains(msg, "religion") || !strings.Contains(msg, "26(3)") {
			t.Fatalf("error beside interests_include = %q, want it to name religion and DSA Art. 26(3)", msg)
		}
		if !strings.Contains(res.body, `value="Believers"`) || !strings.Contains(res.body, `value="coffee" checked`) {
			t.Fatal("the 422 form lost what was entered")
		}
		if as, _ := h.tgt.Audiences(context.Background(), w.ID); len(as) != 0 {
			t.Fatalf("a forbidden audience was saved: %+v", as)
		}
		res = c.post("/audiences", url.Values{"name": {""}, "interests_exclude": {"health"}, "age_min": {"16"}})
		expect(t, res, http.StatusUnprocessableEntity)
		for _, f := range []string{"name", "interests_exclude", "age_min"} {
			if !hasTestID(res.body, "error-"+f) {
				t.Errorf("no error beside %s", f)
			}
		}

		res = c.post("/audiences", url.Values{"name": {"Coffee lovers"}, "countries": {"de, at"}, "languages": {"DE"}, "age_min": {"25"},
			"interests_include": {"coffee"}, "interests_exclude": {"travel"}})
		expect(t, res, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if !regexp.MustCompile(`^/audiences/\d+$`).MatchString(loc) {
			t.Fatalf("save went to %q", loc)
		}
		res = c.get(loc)
		expect(t, res, http.StatusOK)
		if textOf(res.body, "flash") != i18n.T("en", "flash.audience_saved") || !strings.Contains(res.body, `value="AT, DE"`) || !strings.Contains(res.body, `value="de"`) {
			t.Fatalf("saved audience page: flash %q\n%.600s", textOf(res.body, "flash"), res.body)
		}
		// Updating keeps the id.
		res = c.post(loc, url.Values{"name": {"Coffee lovers 30+"}, "countries": {"DE"}, "age_min": {"30"}, "interests_include": {"coffee"}})
		expect(t, res, http.StatusSeeOther)
		if res.Header.Get("Location") != loc {
			t.Fatalf("update went to %q, want %q", res.Header.Get("Location"), loc)
		}
		res = c.get("/audiences")
		if !hasTestID(res.body, "audiences-table") || !strings.Contains(res.body, "Coffee lovers 30+") || !strings.Contains(res.body, i18n.T("en", "tier.personalised")) {
			t.Fatal("the list lacks the saved audience")
		}
	})
}

func TestAudienceRoles(t *testing.T) {
	g := testdb.SQLite(t)
	h := newHarness(t, g, nil)
	admin, w := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
	ctx := accounts.WithActor(context.Background(), accounts.UserActor(admin, ""))
	for _, r := range []accounts.Role{accounts.RoleViewer, accounts.RoleMarketer, accounts.RoleManager} {
		if _, err := h.svc.CreateMember(ctx, w.ID, accounts.UserInput{Email: string(r) + "@example.com", Name: string(r), Password: testPassword}, r); err != nil {
			t.Fatal(err)
		}
	}
	ids := seedPeople(t, h, g, w.ID, audPerson{ext: "p1", country: "DE", grant: contextualConsent})
	profile := fmt.Sprintf("/audiences/profiles/%d", ids[0])

	t.Run("viewer", func(t *testing.T) {
		c := h.client()
		c.login("viewer@example.com")
		for _, p := range []string{"/audiences", "/audiences/new", "/audiences/profiles", profile, "/audiences/imports", "/audiences/interests", "/settings/targeting"} {
			expect(t, c.get(p), http.StatusForbidden)
		}
		expect(t, c.postHX("/audiences/estimate", url.Values{}), http.StatusForbidden)
	})
	t.Run("marketer", func(t *testing.T) {
		c := h.client()
		c.login("marketer@example.com")
		expect(t, c.post("/audiences", url.Values{"name": {"Everyone in DE"}, "countries": {"DE"}}), http.StatusSeeOther)
		res := c.get(profile)
		expect(t, res, http.StatusOK)
		if hasTestID(res.body, "privacy-actions") || hasTestID(res.body, "erase-submit") {
			t.Fatal("a marketer sees the admin-only privacy actions")
		}
		if !hasTestID(res.body, "explain-form") {
			t.Fatal("a marketer cannot ask why")
		}
		for _, action := range []string{"erase", "export", "objection", "consents"} {
			res := c.post(profile+"/"+action, url.Values{"purpose": {"2"}, "granted": {"no"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("marketer POST %s: %d, want 403", action, res.StatusCode)
			}
		}
		expect(t, c.get("/settings/targeting"), http.StatusForbidden)
		expect(t, c.post("/settings/targeting", url.Values{"min_cell_size": {"5"}}), http.StatusForbidden)
		res = c.get("/audiences/imports")
		if !hasTestID(res.body, "import-form") {
			t.Fatal("a marketer cannot upload")
		}
	})
	t.Run("manager", func(t *testing.T) {
		c := h.client()
		c.login("manager@example.com")
		res := c.get("/audiences")
		expect(t, res, http.StatusOK)
		if hasTestID(res.body, "audience-new") {
			t.Fatal("a manager sees the create button")
		}
		as, _ := h.tgt.Audiences(context.Background(), w.ID)
		res = c.get(fmt.Sprintf("/audiences/%d", as[0].ID))
		expect(t, res, http.StatusOK)
		if hasTestID(res.body, "audience-save") {
			t.Fatal("a manager sees the save button")
		}
		expect(t, c.post(fmt.Sprintf("/audiences/%d", as[0].ID), url.Values{"name": {"x"}}), http.StatusForbidden)
		expect(t, c.post("/audiences/interests", url.Values{"name": {"tea"}, "category": {"none"}}), http.StatusForbidden)
		expect(t, c.upload("/audiences/imports", "a.csv", "external_id\nx\n"), http.StatusForbidden)
		if res := c.get("/audiences/imports"); hasTestID(res.body, "import-form") {
			t.Fatal("a manager sees the upload form")
		}
	})
}

// waitImport polls the import page as the browser does until the job is
// finished, and returns the full page.
func waitImport(t *testing.T, c *client, path string) response {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // generous: -race slows the import many times over
	for time.Now().Before(deadline) {
		res := c.getHX(path)
		expect(t, res, http.StatusOK)
		if strings.Contains(res.body, "<html") {
			t.Fatal("the polled import page answered a whole page, not the panel")
		}
		if !strings.Contains(res.body, `data-status="running"`) {
			if strings.Contains(res.body, "hx-trigger") {
				t.Fatal("a finished import still polls")
			}
			return c.get(path)
		}
		if !strings.Contains(res.body, `hx-trigger="every 500ms"`) {
			t.Fatal("a running import does not poll")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the import did not finish in time")
	return response{}
}

func TestImportThroughBrowserRoute(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("mara@example.com", "Alpha", accounts.RoleMarketer)
		c := h.client()
		c.login("mara@example.com")
		res := c.get("/audiences/imports")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "imports-empty") || !strings.Contains(res.body, `accept=".csv,.txt,.ndjson,.jsonl,text/csv"`) ||
			!strings.Contains(res.body, "consent_source") || !strings.Contains(res.body, "birth_year") {
			t.Fatal("imports page lacks its empty state, accept list or column help")
		}

		// No file: the error is beside the field.
		res = c.upload("/audiences/imports", "", "")
		expect(t, res, http.StatusUnprocessableEntity)
		if textOf(res.body, "error-file") != i18n.T("en", "imports.file_required") {
			t.Fatalf("no file: %q", textOf(res.body, "error-file"))
		}

		var b strings.Builder
		b.WriteString("phone,country,language,birth_year,interests,consent_2,consent_3,consent_4\n")
		for i := range 1200 {
			fmt.Fprintf(&b, "+49151%08d,DE,de,1990,coffee|travel,yes,yes,yes\n", 20000000+i)
		}
		b.WriteString("+49151bad,DE,de,1990,,yes,yes,yes\n")        // line 1202: phone
		b.WriteString("+4915199999999,DE,de,1990,,maybe,yes,yes\n") // line 1203: consent_2
		b.WriteString("+4915188888888,DE,de,1990,health,yes,,\n")   // line 1204: special category
		res = c.upload("/audiences/imports", "crm.csv", b.String())
		expect(t, res, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if !regexp.MustCompile(`^/audiences/imports/\d+$`).MatchString(loc) {
			t.Fatalf("upload went to %q", loc)
		}
		res = waitImport(t, c, loc)
		for _, id := range []string{"import-progress", "import-progressbar", "import-summary", "import-errors", "import-errors-download"} {
			if !hasTestID(res.body, id) {
				t.Fatalf("finished import page lacks %s", id)
			}
		}
		if !strings.Contains(res.body, `value="100"`) {
			t.Fatal("the finished progress bar is not full")
		}
		for id, want := range map[string]string{"count-imported": "1,200", "count-failed": "3", "count-updated": "0", "count-rows": "1,203"} {
			if got := textOf(res.body, id); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		if !strings.Contains(res.body, ">1,202<") {
			t.Error("the errors table lacks line 1202")
		}
		if n, _ := h.tgt.CountProfiles(context.Background(), w.ID); n != 1200 {
			t.Fatalf("%d profiles after the import, want 1200", n)
		}

		res = c.get(loc + "/errors.csv")
		expect(t, res, http.StatusOK)
		id := strings.TrimPrefix(loc, "/audiences/imports/")
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="import-`+id+`-errors.csv"` {
			t.Fatalf("Content-Disposition %q", cd)
		}
		rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], ",") != "line,column,message" {
			t.Fatalf("errors.csv:\n%s", res.body)
		}
		for i, want := range [][2]string{{"1202", "phone"}, {"1203", "consent_2"}, {"1204", "interests"}} {
			if rows[i+1][0] != want[0] || rows[i+1][1] != want[1] || rows[i+1][2] == "" {
				t.Errorf("errors.csv row %d = %v, want line %s column %s", i+1, rows[i+1], want[0], want[1])
			}
		}
		if strings.Contains(res.body, "4915188888888") || strings.Contains(res.body, "4915199999999") {
			t.Error("the error report repeats phone numbers")
		}

		// Re-importing the same file changes nothing, and the list shows both.
		res = c.upload("/audiences/imports", "crm.csv", b.String())
		res = waitImport(t, c, res.Header.Get("Location"))
		if got := textOf(res.body, "count-unchanged"); got != "1,200" {
			t.Fatalf("re-import unchanged = %q", got)
		}
		res = c.get("/audiences/imports")
		if !hasTestID(res.body, "imports-table") || strings.Count(res.body, "crm.csv") < 2 {
			t.Fatal("the imports table lacks the two imports")
		}

		// A file that is not CSV fails as a whole and says why.
		res = c.upload("/audiences/imports", "photo.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
		expect(t, res, http.StatusSeeOther)
		res = waitImport(t, c, res.Header.Get("Location"))
		if !hasTestID(res.body, "import-failed") {
			t.Fatalf("a binary file did not fail\n%.1500s", res.body)
		}

		// NDJSON is recognised by its extension.
		res = c.upload("/audiences/imports", "more.ndjson", `{"external_id":"crm-1","country":"AT","consent_2":true}`+"\n")
		res = waitImport(t, c, res.Header.Get("Location"))
		if got := textOf(res.body, "count-imported"); got != "1" {
			t.Fatalf("ndjson imported %q\n%.1500s", got, res.body)
		}
	})
}

func TestProfilesSearchAndPrivacyActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		c := h.client()
		c.login("ana@example.com")
		res := c.get("/audiences/profiles")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "profiles-empty") {
			t.Fatal("no empty state")
		}
		res = c.upload("/audiences/imports", "crm.csv", "phone,country,language,birth_year,interests,consent_2,consent_3,consent_4\n"+
			"0171 2345678,DE,de,1990,coffee,yes,yes,yes\n+4915123456789,DE,en,1980,,yes,no,no\n")
		waitImport(t, c, res.Header.Get("Location"))

		// A phone search is hashed and redirected: the number is not in the
		// URL that stays, nor in the page.
		res = c.get("/audiences/profiles?" + url.Values{"phone": {"0171 2345678"}, "phone_country": {"de"}}.Encode())
		expect(t, res, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if strings.Contains(loc, "2345678") || !strings.Contains(loc, "ref=") {
			t.Fatalf("search redirected to %q", loc)
		}
		res = c.get(loc)
		expect(t, res, http.StatusOK)
		if strings.Contains(res.body, "2345678") || !hasTestID(res.body, "identity-search") || len(profileRowRe.FindAllString(res.body, -1)) != 1 {
			t.Fatalf("search result\n%.2000s", res.body)
		}
		res = c.get("/audiences/profiles?phone=0171+2345678")
		expect(t, res, http.StatusUnprocessableEntity)
		if !hasTestID(res.body, "error-phone_country") || strings.Contains(res.body, "2345678") {
			t.Fatal("a national number without country: no error, or the number echoed")
		}
		res = c.get("/audiences/profiles?phone=12&phone_country=DE")
		expect(t, res, http.StatusUnprocessableEntity)
		if !hasTestID(res.body, "error-phone") {
			t.Fatal("an invalid number has no error")
		}
		res = c.get("/audiences/profiles?language=en")
		if n := len(profileRowRe.FindAllString(res.body, -1)); n != 1 {
			t.Fatalf("language filter: %d rows, want 1", n)
		}

		pr, err := h.tgt.Lookup(context.Background(), w.ID, targeting.Identity{Kind: targeting.RefPhone, Value: "+491712345678"})
		if err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/audiences/profiles/%d", pr.ID)
		res = c.get(base)
		expect(t, res, http.StatusOK)
		for _, id := range []string{"profile-attributes", "consent-state", "ledger", "profile-delivery", "delivery-empty", "explain-no-audiences", "privacy-actions", "consent-form"} {
			if !hasTestID(res.body, id) {
				t.Fatalf("profile page lacks %s", id)
			}
		}
		if !strings.Contains(res.body, i18n.T("en", "purpose.3")) {
			t.Fatal("purpose titles are not shown")
		}

		// Why: an audience for Austria does not reach this German profile.
		expect(t, c.post("/audiences", url.Values{"name": {"Austria"}, "countries": {"AT"}}), http.StatusSeeOther)
		expect(t, c.post("/audiences", url.Values{"name": {"Germany"}, "countries": {"DE"}}), http.StatusSeeOther)
		as, _ := h.tgt.Audiences(context.Background(), w.ID)
		byName := map[string]int64{}
		for _, a := range as {
			byName[a.Name] = a.ID
		}
		c.get(base)
		res = c.postHX(base+"/explain", url.Values{"audience_id": {strconv.FormatInt(byName["Austria"], 10)}})
		expect(t, res, http.StatusOK)
		if strings.Contains(res.body, "<html") || !hasTestID(res.body, "explain-not-eligible") || !hasTestID(res.body, "explain-reason-out_of_target:country") {
			t.Fatalf("explain Austria:\n%s", res.body)
		}
		res = c.postHX(base+"/explain", url.Values{"audience_id": {strconv.FormatInt(byName["Germany"], 10)}})
		if !hasTestID(res.body, "explain-eligible") {
			t.Fatalf("explain Germany:\n%s", res.body)
		}

		// Consent withdrawn through support shows in the ledger and state.
		res = c.post(base+"/consents", url.Values{"purpose": {"2"}, "granted": {"no"}, "notice_version": {"2026-01"}})
		expect(t, res, http.StatusSeeOther)
		res = c.get(base)
		if textOf(res.body, "flash") != i18n.T("en", "flash.consent_recorded") || !strings.Contains(res.body, i18n.T("en", "ledger.kind.withdrawn")) || !strings.Contains(res.body, "support") {
			t.Fatal("the withdrawal is not in the ledger")
		}
		res = c.postHX(base+"/explain", url.Values{"audience_id": {strconv.FormatInt(byName["Germany"], 10)}})
		if !hasTestID(res.body, "explain-reason-withdrawn") {
			t.Fatalf("explain after withdrawal:\n%s", res.body)
		}
		res = c.post(base+"/consents", url.Values{"purpose": {"5"}})
		expect(t, res, http.StatusUnprocessableEntity)
		if !hasTestID(res.body, "error-purpose") || !hasTestID(res.body, "error-granted") {
			t.Fatal("a bad consent form has no errors beside its fields")
		}

		res = c.post(base+"/export", nil)
		expect(t, res, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="profile-%d.json"`, pr.ID) {
			t.Fatalf("export Content-Disposition %q", cd)
		}
		var ex targeting.Export
		if err := json.Unmarshal([]byte(res.body), &ex); err != nil || ex.Profile.ID != pr.ID || len(ex.Ledger) != 4 {
			t.Fatalf("export: %v %s", err, res.body)
		}

		expect(t, c.post(base+"/objection", nil), http.StatusSeeOther)
		res = c.get(base)
		if !hasTestID(res.body, "objected-notice") || hasTestID(res.body, "object-submit") {
			t.Fatal("the objection is not shown")
		}
		if est, _ := h.tgt.Estimate(context.Background(), w.ID, targeting.Spec{}); est.Excluded[targeting.ReasonObjected] != 1 {
			t.Fatalf("objection not in the estimate: %+v", est)
		}

		res = c.post(base+"/erase", nil)
		expect(t, res, http.StatusSeeOther)
		if res.Header.Get("Location") != "/audiences/profiles" {
			t.Fatalf("erase went to %q", res.Header.Get("Location"))
		}
		res = c.get("/audiences/profiles")
		if textOf(res.body, "flash") != i18n.T("en", "flash.profile_erased") || hasTestID(res.body, fmt.Sprintf("profile-%d", pr.ID)) {
			t.Fatal("the erased profile is still listed or no flash")
		}
		res = c.get(base)
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "tombstone") || hasTestID(res.body, "ledger") || hasTestID(res.body, "privacy-actions") || strings.Contains(res.body, "coffee") {
			t.Fatalf("erased profile page is not a tombstone\n%.2000s", res.body)
		}
		expect(t, c.post(base+"/objection", nil), http.StatusGone)
	})
}

func TestAudiencePagesTenantIsolation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, alpha := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		_, beta := h.seed("bo@example.com", "Beta", accounts.RoleAdmin)
		ids := seedPeople(t, h, g, alpha.ID, audPerson{ext: "a1", country: "DE", grant: contextualConsent})
		a := h.client()
		a.login("ana@example.com")
		expect(t, a.post("/audiences", url.Values{"name": {"Alpha only"}, "countries": {"DE"}}), http.StatusSeeOther)
		res := a.upload("/audiences/imports", "alpha.csv", "external_id,country,consent_2\nbad,XX,maybe\n")
		imp := res.Header.Get("Location")
		waitImport(t, a, imp)
		as, _ := h.tgt.Audiences(context.Background(), alpha.ID)

		b := h.client()
		b.login("bo@example.com")
		profile := fmt.Sprintf("/audiences/profiles/%d", ids[0])
		aud := fmt.Sprintf("/audiences/%d", as[0].ID)
		for _, p := range []string{profile, imp, imp + "/errors.csv", aud} {
			if res := b.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s from another workspace: %d, want 404", p, res.StatusCode)
			}
		}
		for _, p := range []string{profile + "/explain", profile + "/consents", profile + "/objection", profile + "/export", profile + "/erase", aud} {
			res := b.post(p, url.Values{"purpose": {"2"}, "granted": {"no"}, "name": {"Stolen"}, "audience_id": {strconv.FormatInt(as[0].ID, 10)}})
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s from another workspace: %d, want 404", p, res.StatusCode)
			}
		}
		// Beta's own explain cannot use Alpha's audience either.
		bIDs := seedPeople(t, h, g, beta.ID, audPerson{ext: "b1", country: "DE", grant: contextualConsent})
		b.get(fmt.Sprintf("/audiences/profiles/%d", bIDs[0]))
		res = b.postHX(fmt.Sprintf("/audiences/profiles/%d/explain", bIDs[0]), url.Values{"audience_id": {strconv.FormatInt(as[0].ID, 10)}})
		if !hasTestID(res.body, "explain-error") || strings.Contains(res.body, "Alpha only") {
			t.Fatalf("explain with another workspace's audience:\n%s", res.body)
		}
		for _, p := range []string{"/audiences", "/audiences/profiles", "/audiences/imports"} {
			if res := b.get(p); strings.Contains(res.body, "Alpha only") || strings.Contains(res.body, "alpha.csv") || hasTestID(res.body, fmt.Sprintf("profile-%d", ids[0])) {
				t.Errorf("%s shows Alpha's data to Beta", p)
			}
		}
		if got, _ := h.tgt.Profile(context.Background(), alpha.ID, ids[0]); got.ErasedAt != nil || got.ObjectedAt != nil {
			t.Fatal("another workspace changed Alpha's profile")
		}
	})
}

func TestInterestsAndTargetingSettings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		h := newHarness(t, g, nil)
		_, w := h.seed("ana@example.com", "Alpha", accounts.RoleAdmin)
		c := h.client()
		c.login("ana@example.com")
		res := c.get("/audiences/interests")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "interests-table") || !strings.Contains(res.body, i18n.T("en", "interests.special_badge")) || !hasTestID(res.body, "interest-health") {
			t.Fatal("interests page lacks the seeded list or the special-category badge")
		}
		expect(t, c.post("/audiences/interests", url.Values{"name": {"Road  Cycling"}, "category": {"none"}}), http.StatusSeeOther)
		res = c.post("/audiences/interests", url.Values{"name": {"road cycling"}, "category": {"none"}})
		expect(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(textOf(res.body, "error-name"), "road cycling") {
			t.Fatalf("duplicate interest: %q", textOf(res.body, "error-name"))
		}
		res = c.post("/audiences/interests", url.Values{"name": {"a|b"}, "category": {"astrology"}})
		expect(t, res, http.StatusUnprocessableEntity)
		if !hasTestID(res.body, "error-name") || !hasTestID(res.body, "error-category") {
			t.Fatal("invalid interest: errors missing")
		}
		expect(t, c.post("/audiences/interests", url.Values{"name": {"chronic pain"}, "category": {"health"}}), http.StatusSeeOther)
		res = c.get("/audiences/new")
		if !hasTestID(res.body, "interests_include-road-cycling") || hasTestID(res.body, "interests_include-chronic-pain") || !strings.Contains(res.body, "chronic pain") {
			t.Fatal("the editor does not split usable and special interests")
		}

		res = c.get("/settings/targeting")
		expect(t, res, http.StatusOK)
		if !hasTestID(res.body, "tab-targeting") || !strings.Contains(res.body, `value="10"`) || strings.Contains(res.body, `name="legitimate_interest" checked`) {
			t.Fatal("targeting settings do not show the defaults")
		}
		for _, v := range []string{"abc", "1", "5000"} {
			res = c.post("/settings/targeting", url.Values{"min_cell_size": {v}, "legitimate_interest": {"on"}})
			expect(t, res, http.StatusUnprocessableEntity)
			if !hasTestID(res.body, "error-min_cell_size") {
				t.Fatalf("min_cell_size %s: no error", v)
			}
		}
		res = c.post("/settings/targeting", url.Values{"min_cell_size": {"25"}, "legitimate_interest": {"on"}})
		expect(t, res, http.StatusSeeOther)
		res = c.get("/settings/targeting")
		if textOf(res.body, "flash") != i18n.T("en", "flash.targeting_saved") {
			t.Fatal("no flash after saving")
		}
		st, _ := h.tgt.Settings(context.Background(), w.ID)
		if st.MinCellSize != 25 || !st.LegitimateInterest || st.UnknownAgeIsAdult {
			t.Fatalf("saved settings %+v", st)
		}
	})
}

// TestAudienceCatalogKeys: texts the views look up by computed keys exist
// in both languages.
func TestAudienceCatalogKeys(t *testing.T) {
	var keys []string
	for _, r := range targeting.ExclusionOrder {
		keys = append(keys, "reason."+string(r))
	}
	for _, c := range targeting.Categories {
		keys = append(keys, "category."+string(c))
	}
	for _, p := range append([]targeting.Purpose{targeting.PurposeObjection}, targeting.Purposes...) {
		keys = append(keys, "purpose."+strconv.Itoa(int(p)))
	}
	for _, s := range []string{targeting.ImportRunning, targeting.ImportDone, targeting.ImportFailed} {
		keys = append(keys, "imports.status."+s)
	}
	for _, k := range []string{"granted", "refused", "withdrawn", "objection"} {
		keys = append(keys, "ledger.kind."+k)
	}
	for _, k := range []string{"country", "region", "language", "age", "interests_include", "interests_exclude"} {
		keys = append(keys, "criterion."+k)
	}
	keys = append(keys, "imports.rows", "imports.imported", "imports.updated", "imports.unchanged", "imports.failed",
		"imports.col_phone", "imports.col_external_id", "imports.col_country", "imports.col_region", "imports.col_language",
		"imports.col_birth_year", "imports.col_interests", "imports.col_consent", "imports.col_consent_source",
		"imports.col_notice_version", "imports.col_consent_at", "refkind.phone", "refkind.external", "refkind.erased",
		"basis.consent", "basis.legitimate_interest", "consent.granted", "consent.refused", "consent.withdrawn", "consent.unknown",
		"li.granted", "li.objected", "explain.objected", "explain.minor", "explain.unknown_age", "explain.withdrawn")
	for _, code := range []string{"special_category", "special_category_stored", "unknown_interest", "invalid_country", "invalid_language",
		"out_of_range", "below_min", "minors_excluded", "in_future", "invalid_purpose", "required", "too_long", "taken", "malformed",
		"erased", "invalid_category", "invalid_character"} {
		keys = append(keys, "problem."+code)
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing %s", k)
			continue
		}
		if en, de := i18n.T("en", k), i18n.T("de", k); en == "" || de == "" || (en == de && len(en) > 12) {
			t.Errorf("%s lacks a German text: %q / %q", k, en, de)
		}
	}
}
