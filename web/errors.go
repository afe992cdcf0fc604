package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

// statusOf maps domain errors to HTTP status codes.
func statusOf(err error) int {
	var fe *fiber.Error
	var ve *accounts.ValidationError
	var rl *accounts.RateLimitedError
	var tve *targeting.ValidationError
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, accounts.ErrNotFound), errors.Is(err, targeting.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, accounts.ErrForbidden):
		return fiber.StatusForbidden
	case errors.Is(err, accounts.ErrConflict):
		return fiber.StatusConflict
	case errors.As(err, &ve), errors.As(err, &tve):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, targeting.ErrErased):
		return fiber.StatusGone
	case errors.As(err, &rl):
		return fiber.StatusTooManyRequests
	}
	return fiber.StatusInternalServerError
}

// handleError is the one place errors become responses. Internal failures
// are logged with the request id and shown without details.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	st := state(c)
	if status >= 500 {
		s.Log.Error("Request failed", "request_id", st.ID, "method", c.Method(), "path", c.Path(), "error", err.Error())
	}
	if isAPI(c) {
		code, msg, field := "error", http.StatusText(status), ""
		var ve *accounts.ValidationError
		var tve *targeting.ValidationError
		if errors.As(err, &ve) {
			// Answer the same field every time: the first by name.
			for f, c := range ve.Fields {
				if field == "" || f < field {
					code, msg, field = c, f+": "+c, f
				}
			}
		} else if errors.As(err, &tve) && len(tve.Problems) > 0 {
			p := tve.Problems[0]
			code, msg, field = p.Code, targeting.ProblemMessage(p), p.Field
		} else if status < 500 && status != fiber.StatusNotFound {
			var fe *fiber.Error
			if errors.As(err, &fe) {
				msg = fe.Message
			}
		}
		return apiError(c, status, code, msg, field)
	}
	lang := st.Lang
	title, msg := i18n.T(lang, "error.title_500"), i18n.T(lang, "error.internal")
	switch status {
	case fiber.StatusBadRequest:
		title, msg = i18n.T(lang, "error.title_400"), i18n.T(lang, "error.bad_request")
	case fiber.StatusForbidden:
		title, msg = i18n.T(lang, "error.title_403"), i18n.T(lang, "error.forbidden")
		if err == errCSRF {
			msg = i18n.T(lang, "error.csrf")
		}
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		status = fiber.StatusNotFound
		title, msg = i18n.T(lang, "error.title_404"), i18n.T(lang, "error.not_found")
	case fiber.StatusConflict, fiber.StatusGone:
		title, msg = i18n.T(lang, "error.title_409"), i18n.T(lang, "error.conflict")
	case fiber.StatusTooManyRequests:
		title, msg = i18n.T(lang, "error.title_429"), i18n.T(lang, "error.too_many_requests")
	case fiber.StatusUnprocessableEntity:
		title, msg = i18n.T(lang, "error.title_400"), i18n.T(lang, "error.bad_request")
	case fiber.StatusRequestEntityTooLarge:
		title, msg = i18n.T(lang, "error.title_400"), i18n.T(lang, "error.too_large")
	}
	p := s.page(c, title, "")
	p.Fragment = false
	return render(c, status, views.Error(p, views.ErrorProps{Status: status, Title: title, Message: msg, RequestID: st.ID}))
}

func isAPI(c *fiber.Ctx) bool {
	path := c.Path()
	return len(path) >= 8 && path[:8] == "/api/v1/"
}

// apiError writes the API's error shape.
func apiError(c *fiber.Ctx, status int, code, message, field string) error {
	body := fiber.Map{"code": code, "message": message}
	if field != "" {
		body["field"] = field
	}
	return c.Status(status).JSON(fiber.Map{"error": body})
}
