package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/config"
	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web"
	"github.com/statusads/statusads/web/i18n"
	"golang.org/x/crypto/bcrypt"
)

// TestBrowserJourney drives real Chromium through the real server: first-run
// setup, sign-out, a failed and a good sign-in, switching workspace,
// switching language, sign-out. Screenshots are written to t.ArtifactDir();
// run with `go test -artifacts -outputdir DIR` to keep them.
func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	execPath := browserExecPath(t)
	srv := startBrowserServer(t)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	tab, csp := startBrowser(t, ctx, execPath)

	artifacts := t.ArtifactDir()
	shot := screenshotter(t, tab, artifacts)
	defer func() {
		if t.Failed() && tab.Err() == nil {
			if png, err := chromedp.Run(tab, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(artifacts, "failure.png"), png, 0o644)
				t.Logf("Screenshot of the failure: %s", filepath.Join(artifacts, "failure.png"))
			}
		}
	}()

	const (
		name     = "Erika Example"
		email    = "erika@example.com"
		password = "correct horse battery staple"
		wsName   = "Kaffee Nord"
	)
	b := &browserSteps{t: t, ctx: tab, base: srv.base}

	t.Log("Step 1: first-run setup")
	token, err := srv.accounts.NewSetupToken(ctx)
	if err != nil || token == "" {
		t.Fatalf("setup token: %q, %v", token, err)
	}
	b.open("/setup?token=" + url.QueryEscape(token))
	b.waitVisible("setup-form")
	b.typeInto("#f-name", name)
	b.typeInto("#f-email", email)
	b.typeInto("#f-password", password)
	b.typeInto("#f-workspace_name", wsName)
	b.typeInto("#f-advertiser_name", "Kaffee Nord GmbH")
	b.typeInto("#f-payer_name", "Kaffee Nord GmbH")
	b.submit("setup-submit", http.StatusOK, "/dashboard")
	b.wantText("page-title", wsName)
	b.wantText("flash", i18n.T("en", "flash.setup_done"))
	b.wantText("nav-dashboard", i18n.T("en", "nav.dashboard"))
	shot("dashboard.png")

	t.Log("Step 2: sign out")
	b.submit("logout", http.StatusOK, "/login")
	b.waitVisible("login-form")
	b.wantText("flash", i18n.T("en", "flash.logged_out"))

	t.Log("Step 3: sign in, first with a wrong password")
	b.typeInto("#f-email", email)
	b.typeInto("#f-password", "not the password")
	b.submit("login-submit", http.StatusUnprocessableEntity, "/login")
	b.wantText("login-error", i18n.T("en", "auth.invalid_credentials"))
	shot("login-error.png")
	b.waitVisible("login-form")
	b.typeInto("#f-email", email) // typeInto clears what the page kept
	b.typeInto("#f-password", password)
	b.submit("login-submit", http.StatusOK, "/dashboard")
	b.wantText("page-title", wsName)

	t.Log("Step 4: switch to a second workspace")
	u, err := srv.accounts.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	second, err := srv.accounts.CreateWorkspace(accounts.WithActor(ctx, accounts.UserActor(u, "")), accounts.WorkspaceInput{
		Name: "Kaffee Süd", AdvertiserName: "Kaffee Süd GmbH", PayerName: "Kaffee Süd GmbH",
		TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.do("reload", chromedp.Reload())
	b.waitVisible("workspace-select")
	b.do("pick workspace", chromedp.SetValue(chromedp.CSS(testIDSel("workspace-select")), strconv.FormatInt(second.ID, 10)))
	b.submit("workspace-switch-submit", http.StatusOK, "/dashboard")
	b.wantText("flash", i18n.T("en", "flash.workspace_switched"))
	if got := b.text("page-title"); !strings.Contains(got, second.Name) {
		t.Fatalf("page title after the switch = %q, want it to contain %q", got, second.Name)
	}

	t.Log("Step 5: read the interface in German")
	b.follow("nav-account", "/account")
	b.waitVisible("language-form")
	b.do("pick German", chromedp.SetValue(chromedp.CSS("#f-locale"), "de"))
	b.submit("language-save", http.StatusOK, "/account")
	b.wantText("flash", i18n.T("de", "flash.language_saved"))
	b.wantText("nav-campaigns", "Kampagnen")
	shot("account-de.png")

	t.Log("Step 6: sign out")
	b.submit("logout", http.StatusOK, "/login")
	b.waitVisible("login-form")
	b.wantText("flash", i18n.T("de", "flash.logged_out"))
	shot("final.png")
	// Signed out, the dashboard sends this browser back to the sign-in page.
	b.open("/dashboard")
	b.waitVisible("login-form")
	b.wantPath("/login")

	// The journey must not have triggered a CSP violation. Then prove that
	// the listener would have seen one: an inline script is refused.
	for _, m := range csp.otherErrors() {
		t.Logf("Console error (not a CSP violation): %s", m)
	}
	if v := csp.violations(); len(v) > 0 {
		t.Fatalf("Content Security Policy violations during the journey:\n%s", strings.Join(v, "\n"))
	}
	ran, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.__cspCanary = true";
		document.head.appendChild(s);
		return window.__cspCanary === true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("an inline script ran: the Content-Security-Policy does not forbid inline scripts")
	}
	select {
	case <-csp.seen:
		t.Logf("The CSP listener reported the refused inline script: %s", csp.violations()[0])
	case <-ctx.Done():
		t.Fatal("the console listener saw no report of the refused inline script; it would miss real violations too")
	}
}

// browserExecPath returns the Chromium binary, or skips (fails under CI).
func browserExecPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROMIUM_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		if testdb.CI() {
			t.Fatalf("browser: %s is not runnable (%v); under CI=true browser tests may not be skipped", p, err)
		}
		t.Skipf("SKIP browser: %s is not runnable (%v); install chromium or set CHROMIUM_PATH", p, err)
	}
	return p
}

type browserServer struct {
	base     string
	accounts *accounts.Service
}

// startBrowserServer serves the real app on a loopback port until the test
// ends.
func startBrowserServer(t *testing.T) browserServer {
	t.Helper()
	g := testdb.SQLite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"STATUSADS_ADDR":      ln.Addr().String(),
		"STATUSADS_BASE_URL":  base,
		"STATUSADS_DATA_DIR":  t.TempDir(),
		"STATUSADS_LOG_LEVEL": "warn",
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = []byte(strings.Repeat("k", 32))
	svc := accounts.NewService(g, clock.Real{}, accounts.Options{BcryptCost: bcrypt.MinCost})
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := web.New(web.Deps{Config: cfg, DB: g, Accounts: svc, Targeting: targeting.NewService(g, clock.Real{}, cfg.SecretKey, svc), Log: logger, Clock: clock.Real{}})
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return browserServer{base: base, accounts: svc}
}

// startBrowser starts headless Chromium with a fresh profile and returns its
// tab with a listener for CSP reports already attached. The browser ends
// when ctx ends or the test returns.
func startBrowser(t *testing.T, ctx context.Context, execPath string) (context.Context, *cspWatch) {
	t.Helper()
	profile := t.TempDir() // created before the browser, removed after it exits
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The journey reads English first; do not depend on the host's locale.
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		// Below 768 px the layout folds the navigation into a menu button.
		chromedp.WindowSize(1280, 900),
	)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })

	csp := &cspWatch{seen: make(chan struct{}, 1)}
	if err := chromedp.Listen(tab, csp.observe); err != nil {
		t.Fatalf("start %s: %v", execPath, err)
	}
	return tab, csp
}

// cspWatch collects console errors that report a Content Security Policy
// violation. Chromium reports them as log entries of the "security" source
// and, for some directives, as console errors.
type cspWatch struct {
	mu    sync.Mutex
	msgs  []string // CSP violations
	other []string // other console errors, logged for the reader
	seen  chan struct{}
}

// observe runs on chromedp's read loop: it must be quick and must not call
// into the browser.
func (w *cspWatch) observe(ev any) {
	var text string
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return
		}
		text = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		text = "console.error: " + strings.Join(parts, " ")
	default:
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !strings.Contains(text, "Content Security Policy") && !strings.Contains(text, "Refused to") {
		w.other = append(w.other, text)
		return
	}
	w.msgs = append(w.msgs, text)
	select {
	case w.seen <- struct{}{}:
	default:
	}
}

func (w *cspWatch) otherErrors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.other...)
}

func (w *cspWatch) violations() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

func testIDSel(id string) string { return `[data-testid="` + id + `"]` }

// browserSteps are the journey's actions; each fails the test with the step
// it was doing.
type browserSteps struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b *browserSteps) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

func (b *browserSteps) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

func (b *browserSteps) waitVisible(id string) {
	b.t.Helper()
	b.do("wait for "+id, chromedp.WaitVisible(chromedp.CSS(testIDSel(id))))
}

// typeInto replaces the value of an input with text typed key by key.
func (b *browserSteps) typeInto(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

// submit clicks the element and waits for the page it leads to, which must
// answer status and end up at path (after redirects).
func (b *browserSteps) submit(id string, status int64, path string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(testIDSel(id)), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("click %s: %v", id, err)
	}
	if resp.Status != status {
		b.t.Fatalf("click %s: status %d %s at %s, want %d", id, resp.Status, resp.StatusText, resp.URL, status)
	}
	b.wantPath(path)
}

// follow clicks a link and waits for the page it opens.
func (b *browserSteps) follow(id, path string) {
	b.t.Helper()
	b.submit(id, http.StatusOK, path)
}

func (b *browserSteps) wantPath(path string) {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil || u.Path != path {
		b.t.Fatalf("at %s, want path %s", loc, path)
	}
}

func (b *browserSteps) text(id string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(testIDSel(id)), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("read %s: %v", id, err)
	}
	return strings.TrimSpace(s)
}

func (b *browserSteps) wantText(id, want string) {
	b.t.Helper()
	if got := b.text(id); got != want {
		b.t.Fatalf("%s = %q, want %q", id, got, want)
	}
}

// screenshotter returns a function that saves a full-page screenshot of the
// tab under dir with the given name.
func screenshotter(t *testing.T, tab context.Context, dir string) func(name string) {
	return func(name string) {
		t.Helper()
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("Screenshot: %s", filepath.Join(dir, name))
	}
}
