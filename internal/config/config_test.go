package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.LogFormat != "json" || c.DatabaseURL != "" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.BaseURL.String() != "http://localhost:8080" || c.SecureCookies {
		t.Fatalf("base URL %s secure %v", c.BaseURL, c.SecureCookies)
	}
	if c.SessionIdle != 12*time.Hour {
		t.Fatalf("idle %v", c.SessionIdle)
	}
	if c2, _ := Load(env(nil), true); c2.LogFormat != "text" {
		t.Fatalf("terminal log format %q", c2.LogFormat)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
	}{
		{"addr", map[string]string{"STATUSADS_ADDR": "eighty"}, "STATUSADS_ADDR"},
		{"port", map[string]string{"STATUSADS_ADDR": ":99999"}, "STATUSADS_ADDR"},
		{"db scheme", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"log format", map[string]string{"STATUSADS_LOG_FORMAT": "xml"}, "STATUSADS_LOG_FORMAT"},
		{"base url", map[string]string{"STATUSADS_BASE_URL": "localhost:8080"}, "STATUSADS_BASE_URL"},
		{"short key", map[string]string{"STATUSADS_SECRET_KEY": "short"}, "STATUSADS_SECRET_KEY"},
		{"both keys", map[string]string{"STATUSADS_SECRET_KEY": strings.Repeat("k", 40), "STATUSADS_SECRET_KEY_FILE": "/x"}, "STATUSADS_SECRET_KEY"},
		{"missing key file", map[string]string{"STATUSADS_SECRET_KEY_FILE": "/nonexistent/key"}, "STATUSADS_SECRET_KEY_FILE"},
		{"idle", map[string]string{"STATUSADS_SESSION_IDLE": "soon"}, "STATUSADS_SESSION_IDLE"},
		{"cookie", map[string]string{"STATUSADS_COOKIE_SECURE": "maybe"}, "STATUSADS_COOKIE_SECURE"},
		{"proxies", map[string]string{"STATUSADS_TRUSTED_PROXIES": "10.0.0.1, proxy.local"}, "STATUSADS_TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env), false)
			if err == nil || !strings.Contains(err.Error(), tt.wantVar+":") {
				t.Fatalf("got %v, want an error naming %s", err, tt.wantVar)
			}
		})
	}
}

func TestDatabaseURLNotEchoed(t *testing.T) {
	_, err := Load(env(map[string]string{"DATABASE_URL": "mysql://u:hunter2@h/db"}), false)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error must not echo the URL: %v", err)
	}
}

func TestSecretKeyFileAndGenerated(t *testing.T) {
	dir := t.TempDir()
	kf := filepath.Join(dir, "k")
	os.WriteFile(kf, []byte(strings.Repeat("a", 40)+"\n"), 0o600)
	c, err := Load(env(map[string]string{"STATUSADS_SECRET_KEY_FILE": kf, "STATUSADS_BASE_URL": "https://ads.example.com"}), false)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.SecretKey) != strings.Repeat("a", 40) || !c.SecureCookies {
		t.Fatalf("key %q secure %v", c.SecretKey, c.SecureCookies)
	}

	c, err = Load(env(map[string]string{"STATUSADS_DATA_DIR": filepath.Join(dir, "data")}), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureDataDir(); err != nil {
		t.Fatal(err)
	}
	first := string(c.SecretKey)
	if len(first) < 32 {
		t.Fatalf("generated key too short: %d", len(first))
	}
	c.SecretKey = nil
	if err := c.EnsureDataDir(); err != nil {
		t.Fatal(err)
	}
	if string(c.SecretKey) != first {
		t.Fatal("generated key must be kept and reused")
	}
}
