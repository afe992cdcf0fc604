package web

import (
	_ "embed"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
)

//go:embed openapi.json
var openAPI []byte

// showOpenAPI serves the API description; a test keeps it in step with the
// routes.
func (s *server) showOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPI)
}

type apiWorkspace struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	AdvertiserName string `json:"advertiser_name"`
	PayerName      string `json:"payer_name"`
	TimeZone       string `json:"time_zone"`
	Currency       string `json:"currency"`
	Locale         string `json:"locale"`
}

// apiShowMe tells a token which workspace it acts for and what it may do.
func (s *server) apiShowMe(c *fiber.Ctx) error {
	st := state(c)
	w := st.APIWS
	return c.JSON(fiber.Map{
		"workspace": apiWorkspace{w.ID, w.Name, w.AdvertiserName, w.PayerName, w.TimeZone, w.Currency, w.Locale},
		"token":     fiber.Map{"id": st.Token.ID, "name": st.Token.Name, "scopes": st.Token.Scopes},
	})
}

type apiAuditEntry struct {
	ID         int64     `json:"id"`
	Action     string    `json:"action"`
	ActorType  string    `json:"actor_type"`
	Actor      string    `json:"actor"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	RequestID  string    `json:"request_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// apiListAudit pages through the audit log, newest first.
func (s *server) apiListAudit(c *fiber.Ctx) error {
	st := state(c)
	f := accounts.AuditFilter{Action: c.Query("action"), ObjectType: c.Query("object_type"), Limit: 100}
	if v := c.Query("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apiError(c, fiber.StatusBadRequest, "invalid_parameter", "before must be a positive integer id", "before")
		}
		f.BeforeID = id
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return apiError(c, fiber.StatusBadRequest, "invalid_parameter", "limit must be between 1 and 500", "limit")
		}
		f.Limit = n
	}
	entries, err := s.Accounts.ListAudit(c.UserContext(), st.APIWS.ID, f)
	if err != nil {
		return err
	}
	out := make([]apiAuditEntry, len(entries))
	for i, e := range entries {
		out[i] = apiAuditEntry{e.ID, e.Action, e.ActorType, e.ActorLabel, e.ObjectType, e.ObjectID, e.RequestID, e.CreatedAt}
	}
	return c.JSON(fiber.Map{"entries": out})
}
