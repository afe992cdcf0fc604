// Command plainfiber is the baseline for internal/loadtest/load.sh: a bare
// Fiber v2 app with one GET / handler and no middleware, database or
// templates. The ratio of the dashboard's requests per second to this one's
// shows what statusads adds on top of the framework on the same machine.
//
//	plainfiber 127.0.0.1:9000
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v2"
)

const page = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>plainfiber</title></head>
<body><h1>Hello from plain Fiber</h1><p>The load test's baseline.</p></body>
</html>
`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: plainfiber ADDR (for example 127.0.0.1:9000)")
		os.Exit(2)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		c.Type("html", "utf-8")
		return c.SendString(page)
	})
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
		<-stop
		app.Shutdown()
	}()
	if err := app.Listen(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "plainfiber:", err)
		os.Exit(1)
	}
}
