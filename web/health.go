package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/internal/db"
	"github.com/statusads/statusads/migrations"
)

// healthz answers while the process is alive.
func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 when the database is reachable and the schema current.
func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := db.Ping(ctx, s.DB); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "unreachable"})
	}
	if err := migrations.Check(ctx, s.DB); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "schema": err.Error()})
	}
	return c.JSON(fiber.Map{"status": "ready", "schema_version": migrations.Latest()})
}
