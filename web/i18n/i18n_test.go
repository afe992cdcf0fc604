package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// verbRE matches fmt verbs, including explicit argument indexes (%[2]s);
// "%%" is removed before matching.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z]`)

func verbs(s string) []string {
	s = strings.ReplaceAll(s, "%%", "")
	var out []string
	for _, m := range verbRE.FindAllString(s, -1) {
		// Keep only the verb letter: the position may differ between
		// languages, the kind of argument may not.
		out = append(out, m[len(m)-1:])
	}
	sort.Strings(out)
	return out
}

func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	for key, entry := range catalog {
		for _, lang := range Languages() {
			if strings.TrimSpace(entry[lang]) == "" {
				t.Errorf("%s: missing %q text", key, lang)
			}
		}
		for lang := range entry {
			if !Supported(lang) {
				t.Errorf("%s: text for unsupported language %q", key, lang)
			}
		}
		en, de := verbs(entry[English]), verbs(entry[German])
		if strings.Join(en, ",") != strings.Join(de, ",") {
			t.Errorf("%s: format verbs differ: en %v, de %v", key, en, de)
		}
	}
}

func TestCatalogHasRequiredKeys(t *testing.T) {
	t.Parallel()
	required := []string{
		"nav.dashboard", "nav.campaigns", "nav.audiences", "nav.schedule", "nav.reports",
		"nav.settings", "nav.logout", "nav.switch_workspace", "nav.language",
		"common.save", "common.cancel", "common.create", "common.delete", "common.revoke",
		"common.back", "common.search", "common.filter", "common.none", "common.yes",
		"common.no", "common.actions", "common.created_at", "common.status",
		"auth.login_title", "auth.email", "auth.password", "auth.login_button",
		"auth.invalid_credentials", "auth.rate_limited", "auth.logged_out",
		"error.not_found", "error.forbidden", "error.conflict", "error.bad_request",
		"error.internal", "error.csrf", "error.title_404",
		"role.admin", "role.marketer", "role.manager", "role.scheduler", "role.viewer",
	}
	for _, k := range required {
		if !Has(k) {
			t.Errorf("catalog lacks %s", k)
		}
	}
}

func TestVerbsDetectsMismatch(t *testing.T) {
	t.Parallel()
	// Guards the guard: the completeness test must be able to fail.
	if a, b := verbs("in %d minutes"), verbs("in %s Minuten"); strings.Join(a, "") == strings.Join(b, "") {
		t.Errorf("verbs(%%d) == verbs(%%s)")
	}
	if got := verbs("%[2]s von %[1]d, 100%%"); strings.Join(got, "") != "ds" {
		t.Errorf("verbs = %v, want [d s]", got)
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "nav.audiences", nil, "Audiences"},
		{"de", "nav.audiences", nil, "Zielgruppen"},
		{"de", "nav.dashboard", nil, "Übersicht"},
		{"en", "auth.invalid_credentials", nil, "Email or password is incorrect."},
		{"en", "auth.rate_limited", []any{15}, "Too many sign-in attempts. Try again in 15 minutes."},
		{"de", "auth.rate_limited", []any{15}, "Zu viele Anmeldeversuche. Versuchen Sie es in 15 Minuten erneut."},
		{"en", "error.csrf", nil, "Your session form expired. Reload the page and try again."},
		{"fr", "nav.reports", nil, "Reports"},          // unsupported language → English
		{"", "nav.reports", nil, "Reports"},            // empty language → English
		{"de", "no.such.key", nil, "no.such.key"},      // missing key → key
		{"de", "no.such.key", []any{1}, "no.such.key"}, // args ignored for a missing key
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key, func(t *testing.T) {
			t.Parallel()
			if got := T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, want string
	}{
		{"", "en"},
		{"de", "de"},
		{"de-DE,de;q=0.9,en;q=0.8", "de"},
		{"DE-at", "de"},
		{"de-CH;q=0.5, en-GB;q=0.7", "en"},
		{"en-US,en;q=0.9,de;q=0.8", "en"},
		{"fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7", "de"},
		{"fr, it", "en"},
		{"*", "en"},
		{"de;q=0", "en"},
		{"de;q=0, *;q=0.5", "en"},
		{"de;q=bogus,en;q=0.1", "en"},
		{"de;q=0.8,en;q=0.8", "de"}, // tie: first listed wins
		{" , ;q=1, de ", "de"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			if got := Negotiate(tt.header); got != tt.want {
				t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestSupportedAndNormalize(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in        string
		supported bool
		norm      string
	}{
		{"en", true, "en"},
		{"de", true, "de"},
		{"DE", false, "de"},
		{"de-AT", false, "de"},
		{"de_DE", false, "de"},
		{"fr", false, "en"},
		{"", false, "en"},
	} {
		if got := Supported(tt.in); got != tt.supported {
			t.Errorf("Supported(%q) = %v, want %v", tt.in, got, tt.supported)
		}
		if got := Normalize(tt.in); got != tt.norm {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.norm)
		}
	}
}

func TestLocaleDelegates(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	l := NewLocale("de-DE", berlin)
	if l.Lang != "de" {
		t.Fatalf("NewLocale lang = %q", l.Lang)
	}
	ts := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)
	checks := map[string][2]string{
		"T":        {l.T("nav.reports"), "Berichte"},
		"Int":      {l.Int(1234567), "1.234.567"},
		"Decimal":  {l.Decimal(1234.5, 1), "1.234,5"},
		"Percent":  {l.Percent(0.125, 1), "12,5\u00a0%"},
		"Money":    {l.Money(1_234_500_000, "EUR"), "1.234,50\u00a0€"},
		"Date":     {l.Date(ts), "26.11.2026"},
		"DateTime": {l.DateTime(ts), "26.11.2026, 00:30"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	var zero Locale
	if got := zero.DateTime(ts); got != "Nov 25, 2026, 23:30" {
		t.Errorf("zero Locale DateTime = %q", got)
	}
}
