package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/internal/clock"
	"github.com/statusads/statusads/internal/config"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/static"
	"gorm.io/gorm"
)

// Deps is everything the web layer needs; tests build it the same way main
// does.
type Deps struct {
	Config    config.Config
	DB        *gorm.DB
	Accounts  *accounts.Service
	Targeting *targeting.Service
	Log       *slog.Logger
	Clock     clock.Clock
	// Demo, when set, is shown on the sign-in page of a demo installation.
	Demo *DemoLogin
}

// DemoLogin is the demo workspace's sign-in shown to visitors.
type DemoLogin struct{ Email, Password string }

type server struct {
	Deps
	assets  *static.Assets
	cookies cookieNames
}

// New builds the Fiber app with every route. It does not listen.
func New(d Deps) *fiber.App {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &server{Deps: d, assets: static.New(), cookies: newCookieNames(d.Config.SecureCookies)}
	app := fiber.New(fiber.Config{
		AppName:               "statusads",
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Imports of a million profiles are tens of megabytes; every other
		// route is held to smallBody by limitBody.
		BodyLimit: importBodyLimit,
		// Behind a reverse proxy, c.IP() is the client the proxy names;
		// the header is believed only from the configured proxies.
		EnableTrustedProxyCheck: len(d.Config.TrustedProxies) > 0,
		TrustedProxies:          d.Config.TrustedProxies,
		ProxyHeader:             proxyHeader(d.Config.TrustedProxies),
	})
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(s.requestContext, s.securityHeaders, s.accessLog, limitBody)
	s.routes(app)
	return app
}

func proxyHeader(proxies []string) string {
	if len(proxies) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// routes is the one table of every route. Each page route names the
// permission it needs; the menu only mirrors these checks.
func (s *server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get(static.Prefix+"*", s.assets.Handler())
	app.Get("/favicon.ico", func(c *fiber.Ctx) error {
		return c.Redirect(s.assets.Path("favicon.svg"), fiber.StatusMovedPermanently)
	})

	api := app.Group("/api/v1", s.apiAuth)
	api.Get("/openapi.json", s.showOpenAPI)
	api.Get("/me", s.apiScope(accounts.ScopeRead), s.apiShowMe)
	api.Get("/audit", s.apiScope(accounts.ScopeRead), s.apiListAudit)
	read, write := s.apiScope(accounts.ScopeRead), s.apiScope(accounts.ScopeAll)
	api.Post("/profiles/import", write, s.apiImportProfiles)
	api.Get("/imports/:id", read, s.apiShowImport)
	api.Get("/profiles", read, s.apiFindProfiles)
	api.Get("/profiles/:id", read, s.apiShowProfile)
	api.Post("/profiles/:id/consents", write, s.apiRecordConsent)
	api.Post("/profiles/:id/objection", write, s.apiObjectProfile)
	api.Get("/profiles/:id/export", write, s.apiExportProfile)
	api.Delete("/profiles/:id", write, s.apiEraseProfile)
	api.Get("/interests", read, s.apiListInterests)
	api.Post("/interests", write, s.apiCreateInterest)
	api.Post("/audiences/estimate", s.apiQuery, s.apiEstimateAudience)
	api.Post("/audiences", write, s.apiCreateAudience)
	api.Get("/audiences/:id", read, s.apiShowAudience)
	api.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	// Everything below is the browser UI: sessions and CSRF.
	ui := app.Group("", s.loadSession, s.csrf)
	ui.Get("/", s.showHome)
	ui.Get("/login", s.showLogin)
	ui.Post("/login", s.login)
	ui.Post("/logout", s.logout)
	ui.Post("/lang", s.setLanguageCookie)
	ui.Get("/setup", s.showSetup)
	ui.Post("/setup", s.completeSetup)
	ui.Get("/invite/:token", s.showInvite)
	ui.Post("/invite/:token", s.acceptInvite)

	in := ui.Group("", s.requireSession)
	in.Post("/workspace/switch", s.switchWorkspace)
	in.Get("/account", s.showAccount)
	in.Post("/account/language", s.saveLanguage)
	in.Post("/account/password", s.changePassword)

	admin := s.require(accounts.PermManageWorkspace)
	in.Get("/dashboard", s.require(accounts.PermViewDashboard), s.showDashboard)
	in.Get("/campaigns", s.require(accounts.PermViewCampaigns), s.showSection("campaigns"))
	viewAud, editAud := s.require(accounts.PermViewAudiences), s.require(accounts.PermEditAudiences)
	in.Get("/audiences", viewAud, s.showAudiences)
	in.Get("/audiences/new", editAud, s.showAudienceEditor)
	in.Post("/audiences", editAud, s.saveAudience)
	in.Post("/audiences/estimate", viewAud, s.estimateAudience)
	in.Get("/audiences/profiles", viewAud, s.showProfiles)
	in.Get("/audiences/profiles/:id", viewAud, s.showProfile)
	in.Post("/audiences/profiles/:id/explain", viewAud, s.explainProfile)
	in.Post("/audiences/profiles/:id/consents", admin, s.recordProfileConsent)
	in.Post("/audiences/profiles/:id/objection", admin, s.objectProfile)
	in.Post("/audiences/profiles/:id/export", admin, s.exportProfile)
	in.Post("/audiences/profiles/:id/erase", admin, s.eraseProfile)
	in.Get("/audiences/imports", viewAud, s.showImports)
	in.Post("/audiences/imports", editAud, s.startImport)
	in.Get("/audiences/imports/:id", viewAud, s.showImport)
	in.Get("/audiences/imports/:id/errors.csv", viewAud, s.downloadImportErrors)
	in.Get("/audiences/interests", viewAud, s.showInterests)
	in.Post("/audiences/interests", editAud, s.createInterest)
	in.Get("/audiences/:id", viewAud, s.showAudienceEditor)
	in.Post("/audiences/:id", editAud, s.saveAudience)
	in.Get("/settings/targeting", admin, s.showTargetingSettings)
	in.Post("/settings/targeting", admin, s.saveTargetingSettings)
	in.Get("/schedule", s.require(accounts.PermViewSchedule), s.showSection("schedule"))
	in.Get("/reports", s.require(accounts.PermViewReports), s.showSection("reports"))

	in.Get("/settings", s.settingsHome)
	in.Post("/settings", admin, s.saveWorkspace)
	in.Get("/settings/users", admin, s.showUsers)
	in.Post("/settings/users", admin, s.createUser)
	in.Post("/settings/users/invite", admin, s.inviteUser)
	in.Post("/settings/users/:id/role", admin, s.changeRole)
	in.Post("/settings/users/:id/disable", admin, s.setUserDisabled(true))
	in.Post("/settings/users/:id/enable", admin, s.setUserDisabled(false))
	in.Post("/settings/invitations/:id/revoke", admin, s.revokeInvitation)
	in.Get("/settings/tokens", admin, s.showTokens)
	in.Post("/settings/tokens", admin, s.createToken)
	in.Post("/settings/tokens/:id/revoke", admin, s.revokeToken)
	in.Get("/settings/audit", s.require(accounts.PermViewAudit), s.showAudit)
	in.Get("/settings/audit/:id", s.require(accounts.PermViewAudit), s.showAuditEntry)
}
