package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

const auditPage = 50

// parseAuditFilter reads the filter from the query string; dates are days in
// the workspace's zone.
func parseAuditFilter(c *fiber.Ctx, loc *time.Location, lang string) (accounts.AuditFilter, views.Form) {
	f := accounts.AuditFilter{Action: c.Query("action"), Actor: c.Query("actor"), Limit: auditPage + 1}
	form := views.Form{Values: map[string]string{"action": f.Action, "actor": f.Actor, "from": c.Query("from"), "to": c.Query("to")}, Errors: views.FieldErrors{}}
	if v := c.Query("from"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			f.From = t
		} else {
			form.Errors["from"] = i18n.T(lang, "validation.invalid_date")
		}
	}
	if v := c.Query("to"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			f.To = t.AddDate(0, 0, 1)
		} else {
			form.Errors["to"] = i18n.T(lang, "validation.invalid_date")
		}
	}
	if v, err := strconv.ParseInt(c.Query("before"), 10, 64); err == nil && v > 0 {
		f.BeforeID = v
	}
	return f, form
}

// showAudit lists the workspace's audit log with filters and paging.
func (s *server) showAudit(c *fiber.Ctx) error {
	st := state(c)
	ws := st.Session.Workspace
	f, form := parseAuditFilter(c, ws.Location(), st.Lang)
	entries, err := s.Accounts.ListAudit(c.UserContext(), ws.ID, f)
	if err != nil {
		return err
	}
	actions, err := s.Accounts.AuditActions(c.UserContext(), ws.ID)
	if err != nil {
		return err
	}
	ap := views.AuditProps{Entries: entries, Actions: actions, Filter: form}
	if len(entries) > auditPage {
		ap.Entries = entries[:auditPage]
		ap.NextBefore = ap.Entries[auditPage-1].ID
		q := url.Values{}
		for k, v := range form.Values {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("before", strconv.FormatInt(ap.NextBefore, 10))
		ap.NextQuery = q.Encode()
	}
	status := fiber.StatusOK
	if len(form.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	p := s.page(c, i18n.T(st.Lang, "settings.audit"), "settings")
	return render(c, status, views.Audit(p, ap))
}

// showAuditEntry shows one entry's before and after.
func (s *server) showAuditEntry(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.Accounts.AuditEntry(c.UserContext(), state(c).Session.Workspace.ID, id)
	if err != nil {
		return err
	}
	p := s.page(c, i18n.T(state(c).Lang, "settings.audit"), "settings")
	return render(c, fiber.StatusOK, views.AuditDetail(p, e))
}
