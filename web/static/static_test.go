package static

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func newTestApp(t *testing.T) (*fiber.App, *Assets) {
	t.Helper()
	assets := New()
	app := fiber.New()
	app.Get(Prefix+"*", assets.Handler())
	return app, assets
}

func get(t *testing.T, app *fiber.App, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp, body
}

func TestPathIsFingerprinted(t *testing.T) {
	t.Parallel()
	a := New()
	tests := []struct {
		name string
		re   string
	}{
		{"app.css", `^/static/app\.[0-9a-f]{10}\.css$`},
		{"app.js", `^/static/app\.[0-9a-f]{10}\.js$`},
		{"htmx.min.js", `^/static/htmx\.min\.[0-9a-f]{10}\.js$`},
		{"chart.umd.min.js", `^/static/chart\.umd\.min\.[0-9a-f]{10}\.js$`},
		{"favicon.svg", `^/static/favicon\.[0-9a-f]{10}\.svg$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := a.Path(tt.name); !regexp.MustCompile(tt.re).MatchString(got) {
				t.Errorf("Path(%q) = %q, want match %s", tt.name, got, tt.re)
			}
		})
	}
	if got, again := a.Path("app.css"), New().Path("app.css"); got != again {
		t.Errorf("Path differs across New calls: %s vs %s", got, again)
	}
}

func TestNamesListsEveryEmbeddedFile(t *testing.T) {
	t.Parallel()
	got := strings.Join(New().Names(), ",")
	want := "app.css,app.js,chart.umd.min.js,favicon.svg,htmx.min.js"
	if got != want {
		t.Errorf("Names() = %s, want %s", got, want)
	}
}

func TestPathPanicsOnUnknownName(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Path(\"nope.css\") did not panic")
		}
	}()
	New().Path("nope.css")
}

func TestHandlerServesFingerprintedAssets(t *testing.T) {
	t.Parallel()
	app, a := newTestApp(t)
	tests := []struct {
		name        string
		contentType string
	}{
		{"app.css", "text/css"},
		{"app.js", "text/javascript"},
		{"htmx.min.js", "text/javascript"},
		{"chart.umd.min.js", "text/javascript"},
		{"favicon.svg", "image/svg+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := get(t, app, a.Path(tt.name), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", got)
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, tt.contentType) {
				t.Errorf("Content-Type = %q, want %s", got, tt.contentType)
			}
			want, err := files.ReadFile(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from embedded %s (%d vs %d bytes)", tt.name, len(body), len(want))
			}
		})
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	t.Parallel()
	app, a := newTestApp(t)
	resp, _ := get(t, app, a.Path("app.css"), nil)
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, body := get(t, app, a.Path("app.css"), map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("status = %d, want 304", resp.StatusCode)
	}
	if len(body) != 0 {
		t.Errorf("304 has a %d-byte body", len(body))
	}
}

func TestHandlerRejectsOtherNames(t *testing.T) {
	t.Parallel()
	app, a := newTestApp(t)
	real := a.Path("app.css")
	stale := strings.Replace(real, real[len("/static/app."):len("/static/app.")+10], "0000000000", 1)
	if stale == real {
		t.Fatal("test setup: stale path equals real path")
	}
	tests := []struct {
		name string
		url  string
	}{
		{"unfingerprinted", "/static/app.css"},
		{"stale hash", stale},
		{"unknown name", "/static/nope.0123456789.css"},
		{"directory", "/static/"},
		{"traversal", "/static/../static.go"},
		{"source file", "/static/static.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, _ := get(t, app, tt.url, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", tt.url, resp.StatusCode)
			}
			if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("404 is cached forever: %q", cc)
			}
		})
	}
}
