// Package config reads the server's configuration from environment variables
// once, validates it, and hands a typed struct to the rest of the program.
// Every error names the variable that is wrong so that an operator can fix it
// without reading code.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one statusads process.
type Config struct {
	Addr          string        // STATUSADS_ADDR, host:port to listen on
	DatabaseURL   string        // DATABASE_URL; empty means the embedded SQLite file
	DataDir       string        // STATUSADS_DATA_DIR
	BaseURL       *url.URL      // STATUSADS_BASE_URL, how users reach the server
	SecretKey     []byte        // STATUSADS_SECRET_KEY or _FILE; generated into DataDir when unset
	LogFormat     string        // STATUSADS_LOG_FORMAT: "json" or "text"
	LogLevel      string        // STATUSADS_LOG_LEVEL: debug, info, warn, error
	SecureCookies bool          // STATUSADS_COOKIE_SECURE, default: true when BaseURL is https
	SessionIdle   time.Duration // STATUSADS_SESSION_IDLE
	SessionMax    time.Duration // STATUSADS_SESSION_MAX
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies
	// whose X-Forwarded-For names the client (STATUSADS_TRUSTED_PROXIES).
	// Login limits count by that client address; without proxies the
	// connection's address counts.
	TrustedProxies []string
}

// SQLitePath is the embedded database file used when DatabaseURL is empty.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "statusads.db") }

// Error is a configuration problem with the variable it concerns.
type Error struct {
	Var     string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Var, e.Message) }

// Load reads the configuration. getenv is os.Getenv in production; tests pass
// a map lookup. isTerminal decides the default log format.
func Load(getenv func(string) string, isTerminal bool) (Config, error) {
	var errs []error
	bad := func(v, format string, args ...any) {
		errs = append(errs, &Error{Var: v, Message: fmt.Sprintf(format, args...)})
	}
	c := Config{
		Addr:        or(getenv("STATUSADS_ADDR"), ":8080"),
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		DataDir:     or(getenv("STATUSADS_DATA_DIR"), "./data"),
		LogLevel:    or(getenv("STATUSADS_LOG_LEVEL"), "info"),
		SessionIdle: 12 * time.Hour,
		SessionMax:  7 * 24 * time.Hour,
	}

	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		bad("STATUSADS_ADDR", "%q is not a listen address like :8080 or 127.0.0.1:8080", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("STATUSADS_ADDR", "port %q is not a number between 0 and 65535", port)
	}

	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			// Do not echo the value: it may hold a password.
			bad("DATABASE_URL", "must be a postgres://user@host:port/db URL (or unset for the embedded SQLite database)")
		}
	}

	switch f := strings.ToLower(getenv("STATUSADS_LOG_FORMAT")); f {
	case "":
		c.LogFormat = "json"
		if isTerminal {
			c.LogFormat = "text"
		}
	case "json", "text":
		c.LogFormat = f
	default:
		bad("STATUSADS_LOG_FORMAT", "%q is not one of json, text", f)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("STATUSADS_LOG_LEVEL", "%q is not one of debug, info, warn, error", c.LogLevel)
	}

	base := getenv("STATUSADS_BASE_URL")
	if base == "" {
		h := host
		if h == "" || h == "0.0.0.0" || h == "::" {
			h = "localhost"
		}
		base = "http://" + net.JoinHostPort(h, port)
	}
	if u, err := url.Parse(strings.TrimRight(base, "/")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("STATUSADS_BASE_URL", "%q is not an absolute http:// or https:// URL", base)
	} else {
		c.BaseURL = u
		c.SecureCookies = u.Scheme == "https"
	}
	if v := getenv("STATUSADS_COOKIE_SECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("STATUSADS_COOKIE_SECURE", "%q is not true or false", v)
		}
		c.SecureCookies = b
	}

	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"STATUSADS_SESSION_IDLE", &c.SessionIdle}, {"STATUSADS_SESSION_MAX", &c.SessionMax}} {
		if v := getenv(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur < time.Minute {
				bad(d.name, "%q is not a duration of at least 1m (for example 30m or 12h)", v)
				continue
			}
			*d.dst = dur
		}
	}

	if v := strings.TrimSpace(getenv("STATUSADS_TRUSTED_PROXIES")); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					bad("STATUSADS_TRUSTED_PROXIES", "%q is not an IP address or CIDR range", p)
					continue
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}

	key, keyFile := getenv("STATUSADS_SECRET_KEY"), getenv("STATUSADS_SECRET_KEY_FILE")
	switch {
	case key != "" && keyFile != "":
		bad("STATUSADS_SECRET_KEY", "set either STATUSADS_SECRET_KEY or STATUSADS_SECRET_KEY_FILE, not both")
	case keyFile != "":
		b, err := os.ReadFile(keyFile)
		if err != nil {
			bad("STATUSADS_SECRET_KEY_FILE", "cannot read %s: %v", keyFile, errors.Unwrap(err))
		} else if k := strings.TrimSpace(string(b)); len(k) < 32 {
			bad("STATUSADS_SECRET_KEY_FILE", "the key in %s is %d characters long; use at least 32", keyFile, len(k))
		} else {
			c.SecretKey = []byte(k)
		}
	case key != "":
		if len(key) < 32 {
			bad("STATUSADS_SECRET_KEY", "the key is %d characters long; use at least 32", len(key))
		} else {
			c.SecretKey = []byte(key)
		}
	}
	return c, errors.Join(errs...)
}

// EnsureDataDir creates the data directory and, when no secret key was
// configured, loads or generates the one kept there. It is separate from Load
// because it touches the disk.
func (c *Config) EnsureDataDir() error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return &Error{Var: "STATUSADS_DATA_DIR", Message: fmt.Sprintf("cannot create %s: %v", c.DataDir, err)}
	}
	if len(c.SecretKey) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		if k := strings.TrimSpace(string(b)); len(k) >= 32 {
			c.SecretKey = []byte(k)
			return nil
		}
		return &Error{Var: "STATUSADS_SECRET_KEY", Message: fmt.Sprintf("the generated key in %s is damaged; delete it or set STATUSADS_SECRET_KEY", path)}
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return fmt.Errorf("config: generate secret key: %w", err)
	}
	k := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return &Error{Var: "STATUSADS_DATA_DIR", Message: fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	c.SecretKey = []byte(k)
	return nil
}

func or(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}
