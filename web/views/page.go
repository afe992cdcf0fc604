// Package views holds the templ components of the dashboard. Every page takes
// a Page with what the layout needs (who is signed in, where, in which
// language) and renders either the whole document or, for htmx requests, the
// fragment alone.
package views

import (
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
)

// Page is what every view receives.
type Page struct {
	i18n.Locale
	Title      string
	Active     string // navigation key of the current section
	CSRF       string
	Asset      func(name string) string
	User       *accounts.User
	Workspace  *accounts.Workspace
	Role       accounts.Role
	Workspaces []accounts.WorkspaceRole
	Flash      *Flash
	Fragment   bool // render without the layout (htmx request)
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // success, error, info
	Text string
}

// Can reports whether the signed-in user's role allows perm.
func (p Page) Can(perm accounts.Permission) bool { return p.User != nil && p.Role.Can(perm) }

// SignedIn reports whether a user is signed in.
func (p Page) SignedIn() bool { return p.User != nil && p.Workspace != nil }

// NavItem is one entry of the main navigation.
type NavItem struct {
	Key, Href, Label string
}

// Nav returns the sections the user's role may open, in menu order.
func (p Page) Nav() []NavItem {
	items := []struct {
		key, href string
		perm      accounts.Permission
	}{
		{"dashboard", "/dashboard", accounts.PermViewDashboard},
		{"campaigns", "/campaigns", accounts.PermViewCampaigns},
		{"audiences", "/audiences", accounts.PermViewAudiences},
		{"schedule", "/schedule", accounts.PermViewSchedule},
		{"reports", "/reports", accounts.PermViewReports},
		{"settings", "/settings", accounts.PermManageWorkspace},
	}
	var out []NavItem
	for _, it := range items {
		ok := p.Can(it.perm)
		if it.key == "settings" {
			ok = ok || p.Can(accounts.PermViewAudit)
		}
		if ok {
			out = append(out, NavItem{Key: it.key, Href: it.href, Label: p.T("nav." + it.key)})
		}
	}
	return out
}

// FieldErrors maps form fields to translated messages.
type FieldErrors map[string]string

// Form carries submitted values and their errors back into a form.
type Form struct {
	Values map[string]string
	Errors FieldErrors
}

// Value returns a submitted value.
func (f Form) Value(k string) string { return f.Values[k] }

// Error returns the message for a field.
func (f Form) Error(k string) string { return f.Errors[k] }
