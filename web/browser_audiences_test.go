package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
)

// TestBrowserAudienceJourney drives real Chromium through the audience
// pages: a marketer uploads a CSV of 2,000 people and watches the import's
// progress bar to its summary, then builds an audience while the live reach
// estimate follows the criteria, and saves it. An administrator then opens a
// profile and the targeting settings. Screenshots go to t.ArtifactDir(); run
// with `go test -artifacts -outputdir DIR` to keep them.
func TestBrowserAudienceJourney(t *testing.T) {
	t.Parallel()
	execPath := browserExecPath(t)
	srv := startBrowserServer(t)

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	tab, csp := startBrowser(t, ctx, execPath)

	artifacts := t.ArtifactDir()
	shot := screenshotter(t, tab, artifacts)
	defer func() {
		if t.Failed() {
			for _, m := range append(csp.otherErrors(), csp.violations()...) {
				t.Logf("Console: %s", m)
			}
		}
		if t.Failed() && tab.Err() == nil {
			if png, err := chromedp.Run(tab, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(artifacts, "audiences-failure.png"), png, 0o644)
				t.Logf("Screenshot of the failure: %s", filepath.Join(artifacts, "audiences-failure.png"))
			}
		}
	}()

	bg := context.Background()
	marketer, ws, _, err := srv.accounts.Bootstrap(bg, accounts.UserInput{Email: "mara@example.com", Name: "Mara Marketer", Password: testPassword},
		accounts.WorkspaceInput{Name: "Kaffee Nord", AdvertiserName: "Kaffee Nord GmbH", PayerName: "Kaffee Nord GmbH", TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"},
		accounts.RoleMarketer, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.accounts.CreateMember(accounts.WithActor(bg, accounts.UserActor(marketer, "")), ws.ID,
		accounts.UserInput{Email: "ana@example.com", Name: "Ana Admin", Password: testPassword}, accounts.RoleAdmin); err != nil {
		t.Fatal(err)
	}

	// 2,000 people: a quarter in Austria, consent to purpose 2 for nine in
	// ten, personalised consent for two in three, ages 18 to 62, and three
	// rows the checker refuses.
	var csv strings.Builder
	csv.WriteString("phone,country,language,birth_year,interests,consent_2,consent_3,consent_4\n")
	year := time.Now().Year()
	for i := range 2000 {
		country, lang := "DE", "de"
		if i%4 == 0 {
			country = "AT"
		}
		if i%5 == 0 {
			lang = "en"
		}
		interests := "coffee"
		if i%2 == 0 {
			interests = "coffee|travel"
		} else if i%3 == 0 {
			interests = "music"
		}
		p2, p34 := "yes", "yes"
		if i%10 == 0 {
			p2 = "no"
		}
		if i%3 == 0 {
			p34 = "no"
		}
		fmt.Fprintf(&csv, "+49151%08d,%s,%s,%d,%s,%s,%s,%s\n", 30000000+i, country, lang, year-18-i%45, interests, p2, p34, p34)
	}
	csv.WriteString("+49151bad,DE,de,1990,,yes,yes,yes\n")
	csv.WriteString("+4915199999999,DE,de,1990,,perhaps,yes,yes\n")
	csv.WriteString("+4915188888888,DE,de,1990,health,yes,yes,yes\n")
	file := filepath.Join(t.TempDir(), "crm-export.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	b := &browserSteps{t: t, ctx: tab, base: srv.base}
	signIn := func(email string) {
		t.Helper()
		b.open("/login")
		b.waitVisible("login-form")
		b.typeInto("#f-email", email)
		b.typeInto("#f-password", testPassword)
		b.submit("login-submit", http.StatusOK, "/dashboard")
	}

	t.Log("Step 1: the marketer signs in and opens the audiences")
	signIn("mara@example.com")
	b.follow("nav-audiences", "/audiences")
	b.waitVisible("audiences-empty")
	shot("audiences-empty.png")

	t.Log("Step 2: upload a CSV and watch the progress bar")
	b.follow("tab-imports", "/audiences/imports")
	b.waitVisible("import-form")
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}))
	b.submitAnywhere("import-submit")
	if loc := b.location(); !regexp.MustCompile(`/audiences/imports/\d+$`).MatchString(loc) {
		t.Fatalf("after the upload at %s", loc)
	}
	b.waitVisible("import-progressbar")
	shot("import-progress.png")
	b.waitVisible("import-summary")
	for id, want := range map[string]string{"count-imported": "2,000", "count-failed": "3", "count-rows": "2,003"} {
		b.wantText(id, want)
	}
	if v := b.attr("import-progressbar", "value"); v != "100" {
		t.Fatalf("progress bar at %q after the import, want 100", v)
	}
	b.waitVisible("import-errors-download")
	shot("import-done.png")

	t.Log("Step 3: build an audience and watch the estimate follow")
	b.open("/audiences/new")
	b.waitVisible("estimate-eligible")
	values := []string{b.text("estimate-eligible")}
	if values[0] != "1,800" {
		t.Fatalf("initial estimate %q, want 1,800 (everyone with purpose 2)", values[0])
	}
	next := func(step string) {
		t.Helper()
		v := b.waitTextChange("estimate-eligible", values[len(values)-1])
		t.Logf("%s: %s → %s", step, values[len(values)-1], v)
		values = append(values, v)
	}
	b.typeInto("#f-countries", "AT")
	next("countries AT")
	b.do("tick coffee", chromedp.Click(chromedp.CSS(testIDSel("interests_include-coffee")), chromedp.NodeVisible))
	next("interest coffee")
	b.typeInto("#f-age_min", "30")
	next("age 30+")
	if b.text("tier-badge") != i18n.T("en", "tier.personalised") {
		t.Fatalf("tier badge %q after adding interests", b.text("tier-badge"))
	}
	b.typeInto("#f-name", "Austrian coffee lovers 30+")
	shot("audience-editor.png")
	b.submitAnywhere("audience-save")
	if loc := b.location(); !regexp.MustCompile(`/audiences/\d+$`).MatchString(loc) {
		t.Fatalf("after saving at %s", loc)
	}
	b.wantText("flash", i18n.T("en", "flash.audience_saved"))
	if got := b.text("estimate-eligible"); got != values[len(values)-1] {
		t.Fatalf("saved audience estimates %s, the editor showed %s", got, values[len(values)-1])
	}
	b.follow("tab-audiences", "/audiences")
	b.waitVisible("audiences-table")
	shot("audiences-list.png")
	b.follow("tab-profiles", "/audiences/profiles")
	b.waitVisible("profiles-table")
	shot("profiles.png")

	t.Log("Step 4: an administrator opens a profile and the targeting settings")
	b.submit("logout", http.StatusOK, "/login")
	signIn("ana@example.com")
	b.open("/audiences/profiles?country=AT")
	b.waitVisible("profiles-table")
	b.do("open the first profile", chromedp.Click(chromedp.CSS(`[data-testid="profiles-table"] tbody tr a`), chromedp.NodeVisible))
	b.waitVisible("privacy-actions")
	b.do("pick the audience", chromedp.WaitVisible(chromedp.CSS(testIDSel("explain-submit"))))
	b.do("explain", chromedp.Click(chromedp.CSS(testIDSel("explain-submit"))))
	b.do("wait for the explanation", chromedp.WaitVisible(chromedp.CSS(testIDSel("explanation"))))
	shot("profile.png")
	b.open("/settings/targeting")
	b.waitVisible("targeting-form")
	shot("settings-targeting.png")
	b.open("/audiences/interests")
	b.waitVisible("interests-table")
	shot("interests.png")

	t.Log("Step 5: the same pages on a phone")
	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/audiences/new")
	b.waitVisible("estimate-eligible")
	shot("phone-audience-editor.png")
	b.open("/audiences/profiles")
	b.waitVisible("profiles-table")
	shot("phone-profiles.png")
	b.open("/audiences/imports")
	b.waitVisible("imports-table")
	shot("phone-imports.png")

	t.Log("Step 6: the administrator reads the section in German")
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	b.open("/account")
	b.waitVisible("language-form")
	b.do("pick German", chromedp.SetValue(chromedp.CSS("#f-locale"), "de"))
	b.submit("language-save", http.StatusOK, "/account")
	b.open("/audiences")
	b.waitVisible("audiences-table")
	b.wantText("kpi-profiles", i18n.T("de", "audiences.kpi_profiles")+"\n2.000\n"+i18n.T("de", "audiences.kpi_profiles_note"))
	shot("de-audiences.png")
	b.follow("tab-imports", "/audiences/imports")
	b.do("open the import", chromedp.Click(chromedp.CSS(`[data-testid="imports-table"] tbody tr a`), chromedp.NodeVisible))
	b.waitVisible("import-summary")
	b.wantText("count-imported", "2.000")
	shot("de-import.png")

	for _, m := range csp.otherErrors() {
		t.Logf("Console error (not a CSP violation): %s", m)
	}
	if v := csp.violations(); len(v) > 0 {
		t.Fatalf("Content Security Policy violations during the journey:\n%s", strings.Join(v, "\n"))
	}
}

// submitAnywhere clicks and waits for the page it leads to, which must
// answer 200; the caller checks where it ended up.
func (b *browserSteps) submitAnywhere(id string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(testIDSel(id)), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("click %s: %v", id, err)
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("click %s: status %d at %s", id, resp.Status, resp.URL)
	}
}

func (b *browserSteps) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return loc
}

func (b *browserSteps) attr(id, name string) string {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(testIDSel(id)), name))
	if err != nil {
		b.t.Fatalf("read %s[%s]: %v", id, name, err)
	}
	return res.Value
}

// waitTextChange polls an element's text until it differs from old; htmx
// replaces it after the typing pauses.
func (b *browserSteps) waitTextChange(id, old string) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(testIDSel(id)), chromedp.NodeVisible))
		if err == nil && strings.TrimSpace(s) != old && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("%s stayed %q", id, old)
	return ""
}
