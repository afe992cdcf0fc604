// Package static embeds the built front-end assets and serves them under
// content-fingerprinted URLs.
//
// The files in this directory are outputs of `npm run build` (see
// package.json and web/assets); they are committed so that `go build` needs
// no Node toolchain. Each file's URL carries the first 10 hex characters of
// its SHA-256 (app.css → /static/app.3f2a9c1b0d.css), so it can be cached
// for a year: a new build changes the URL. A request for a name without the
// current hash answers 404 rather than serving different bytes under an old
// URL, so a stale page never runs against mismatched code.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Prefix is the URL path under which Handler must be mounted ("/static/*").
const Prefix = "/static/"

//go:embed app.css app.js htmx.min.js chart.umd.min.js favicon.svg
var files embed.FS

// contentTypes is explicit rather than mime.TypeByExtension, whose answers
// depend on the host's /etc/mime.types.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

const cacheForever = "public, max-age=31536000, immutable"

type asset struct {
	name        string // logical name, e.g. "app.css"
	hash        string // first 10 hex chars of the SHA-256 of body
	url         string // "/static/app.<hash>.css"
	contentType string
	body        []byte
}

// Assets is the set of embedded files with their fingerprints, computed once.
// It is safe for concurrent use.
type Assets struct {
	byName map[string]*asset // "app.css" → asset
	byFile map[string]*asset // "app.<hash>.css" → asset
}

// New reads the embedded files and fingerprints them.
func New() *Assets {
	a := &Assets{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(fmt.Sprintf("static: read embedded files: %v", err))
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		body, err := files.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("static: read %s: %v", name, err))
		}
		ext := path.Ext(name)
		ct, ok := contentTypes[ext]
		if !ok {
			panic(fmt.Sprintf("static: no content type for %s", name))
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:10]
		file := strings.TrimSuffix(name, ext) + "." + hash + ext
		as := &asset{
			name:        name,
			hash:        hash,
			url:         Prefix + file,
			contentType: ct,
			body:        body,
		}
		a.byName[name] = as
		a.byFile[file] = as
	}
	return a
}

// Path returns the fingerprinted URL of a logical asset name, for example
// Path("app.css") == "/static/app.3f2a9c1b0d.css". It panics on a name that
// is not embedded: that is a typo in a template, which tests catch.
func (a *Assets) Path(name string) string {
	as, ok := a.byName[name]
	if !ok {
		panic(fmt.Sprintf("static: unknown asset %q", name))
	}
	return as.url
}

// Names lists the logical names of all embedded assets, sorted.
func (a *Assets) Names() []string {
	names := make([]string, 0, len(a.byName))
	for n := range a.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handler serves the assets; mount it as app.Get("/static/*", assets.Handler()).
// Only the current fingerprinted names are found; anything else is
// fiber.ErrNotFound, left to the app's error handler.
func (a *Assets) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		as, ok := a.byFile[c.Params("*")]
		if !ok {
			return fiber.ErrNotFound
		}
		etag := `"` + as.hash + `"`
		c.Set(fiber.HeaderCacheControl, cacheForever)
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderContentType, as.contentType)
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			c.Status(fiber.StatusNotModified)
			return nil
		}
		return c.Send(as.body)
	}
}
