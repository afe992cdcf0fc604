package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
)

// reqState is what middleware learns about a request.
type reqState struct {
	ID      string
	Session *accounts.Session
	Token   *accounts.APIToken
	APIWS   *accounts.Workspace
	Lang    string
	CSRF    string
}

func state(c *fiber.Ctx) *reqState {
	st, _ := c.Locals("state").(*reqState)
	if st == nil {
		st = &reqState{Lang: i18n.Default}
		c.Locals("state", st)
	}
	return st
}

// ctx returns the request's context carrying the actor for audit entries.
func (s *server) ctx(c *fiber.Ctx) context.Context {
	st := state(c)
	ctx := c.UserContext()
	switch {
	case st.Session != nil:
		return accounts.WithActor(ctx, accounts.UserActor(st.Session.User, st.ID))
	case st.Token != nil:
		return accounts.WithActor(ctx, accounts.TokenActor(*st.Token, st.ID))
	}
	return accounts.WithActor(ctx, accounts.Actor{Type: "anonymous", Label: "anonymous", RequestID: st.ID})
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// requestContext assigns the request id (kept from a proxy when well formed)
// and the language picked by cookie or Accept-Language.
func (s *server) requestContext(c *fiber.Ctx) error {
	st := state(c)
	st.ID = c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(st.ID) {
		st.ID = randomID(8)
	}
	c.Set(fiber.HeaderXRequestID, st.ID)
	if l := c.Cookies(s.cookies.lang); i18n.Supported(l) {
		st.Lang = l
	} else {
		st.Lang = i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	}
	return c.Next()
}

// accessLog logs one line per request: no query strings (they may carry
// phone numbers or tokens), no bodies, no cookies.
func (s *server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
		} else {
			status = fiber.StatusInternalServerError
		}
	}
	st := state(c)
	attrs := []any{"request_id", st.ID, "method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", time.Since(start).Milliseconds()}
	if st.Session != nil {
		attrs = append(attrs, "user_id", st.Session.User.ID, "workspace_id", st.Session.Workspace.ID)
	}
	if st.Token != nil {
		attrs = append(attrs, "token_id", st.Token.ID, "workspace_id", st.Token.WorkspaceID)
	}
	if strings.HasPrefix(c.Path(), "/static/") || c.Path() == "/healthz" {
		s.Log.Debug("Request", attrs...)
	} else {
		s.Log.Info("Request", attrs...)
	}
	return err
}

// securityHeaders sets the headers every answer carries. The policy allows
// the app's own scripts and styles only; media may come from the app itself
// (uploaded creatives are served from the same origin).
func (s *server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "+
		"media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.Config.SecureCookies {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

type cookieNames struct{ session, csrf, flash, lang string }

// newCookieNames uses the __Host- prefix over HTTPS, which browsers accept
// only with Secure, Path=/ and no Domain; plain HTTP (local use) cannot.
func newCookieNames(secure bool) cookieNames {
	if secure {
		return cookieNames{"__Host-statusads_session", "__Host-statusads_csrf", "__Host-statusads_flash", "__Host-statusads_lang"}
	}
	return cookieNames{"statusads_session", "statusads_csrf", "statusads_flash", "statusads_lang"}
}

func (s *server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, Secure: s.Config.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode}
	if maxAge < 0 {
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	} else if maxAge > 0 {
		ck.MaxAge = int(maxAge.Seconds())
	}
	c.Cookie(ck)
}

// loadSession resolves the session cookie, if any.
func (s *server) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(s.cookies.session)
	if token == "" {
		return c.Next()
	}
	sess, err := s.Accounts.Session(c.UserContext(), token)
	switch {
	case errors.Is(err, accounts.ErrSessionExpired):
		s.setCookie(c, s.cookies.session, "", -1)
	case err != nil:
		return err
	default:
		st := state(c)
		st.Session = &sess
		if i18n.Supported(sess.User.Locale) {
			st.Lang = sess.User.Locale
		}
	}
	return c.Next()
}

// requireSession sends visitors without a session to the sign-in page.
func (s *server) requireSession(c *fiber.Ctx) error {
	if state(c).Session == nil {
		if c.Get("HX-Request") == "true" {
			c.Set("HX-Redirect", "/login")
			return c.SendStatus(fiber.StatusUnauthorized)
		}
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return c.Next()
}

// require checks the session role's permission server-side.
func (s *server) require(p accounts.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sess := state(c).Session
		if sess == nil {
			return c.Redirect("/login", fiber.StatusSeeOther)
		}
		if !sess.Role.Can(p) {
			return accounts.ErrForbidden
		}
		return c.Next()
	}
}

// csrf implements signed double-submit tokens: a random value in an HttpOnly
// cookie, and its HMAC under the server key in every form (_csrf) and htmx
// request (X-CSRF-Token header). A state-changing request must present the
// HMAC of the cookie it sends; another site can neither read the cookie nor
// compute the HMAC. The API under /api/v1 uses bearer tokens, not cookies,
// and is not routed through here.
func (s *server) csrf(c *fiber.Ctx) error {
	st := state(c)
	seed := c.Cookies(s.cookies.csrf)
	if len(seed) < 32 {
		seed = randomID(32)
		s.setCookie(c, s.cookies.csrf, seed, 0)
		// A fresh cookie cannot match any submitted token.
		c.Request().Header.DelCookie(s.cookies.csrf)
	}
	st.CSRF = s.csrfToken(seed)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if c.Cookies(s.cookies.csrf) == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.CSRF)) != 1 {
		return errCSRF
	}
	return c.Next()
}

var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

func (s *server) csrfToken(seed string) string {
	m := hmac.New(sha256.New, s.Config.SecretKey)
	m.Write([]byte("csrf:" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// apiAuth authenticates bearer tokens for /api/v1.
func (s *server) apiAuth(c *fiber.Ctx) error {
	if c.Path() == "/api/v1/openapi.json" {
		return c.Next()
	}
	h := c.Get(fiber.HeaderAuthorization)
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || secret == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="statusads"`)
		return apiError(c, fiber.StatusUnauthorized, "unauthorized", "send Authorization: Bearer <token>", "")
	}
	tok, ws, err := s.Accounts.AuthenticateToken(c.UserContext(), strings.TrimSpace(secret))
	if errors.Is(err, accounts.ErrTokenInvalid) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="statusads", error="invalid_token"`)
		return apiError(c, fiber.StatusUnauthorized, "invalid_token", "the token is unknown or revoked", "")
	} else if err != nil {
		return err
	}
	st := state(c)
	st.Token, st.APIWS = &tok, &ws
	return c.Next()
}

// apiQuery admits tokens with the read scope to a POST that only reads (a
// reach estimate takes its spec as a body).
func (s *server) apiQuery(c *fiber.Ctx) error {
	if !state(c).Token.HasScope(accounts.ScopeRead) {
		return apiError(c, fiber.StatusForbidden, "insufficient_scope", "this token lacks the read scope", "")
	}
	return c.Next()
}

const (
	importBodyLimit = 256 << 20
	smallBody       = 2 << 20
)

// limitBody refuses large bodies everywhere but the two import routes.
func limitBody(c *fiber.Ctx) error {
	if c.Request().Header.ContentLength() > smallBody {
		switch c.Path() {
		case "/audiences/imports", "/api/v1/profiles/import":
		default:
			return fiber.ErrRequestEntityTooLarge
		}
	}
	return c.Next()
}

// apiScope checks the token's scope. A "read" token may only GET.
func (s *server) apiScope(sc accounts.Scope) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok := state(c).Token
		ok := tok.HasScope(sc)
		if sc == accounts.ScopeRead && c.Method() != fiber.MethodGet {
			ok = tok.HasScope(accounts.ScopeAll)
		}
		if !ok {
			return apiError(c, fiber.StatusForbidden, "insufficient_scope", "this token lacks the "+string(sc)+" scope", "")
		}
		return c.Next()
	}
}
