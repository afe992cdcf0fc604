package i18n

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Supported language codes.
const (
	English = "en"
	German  = "de"
	// Default is the language used when nothing better is known.
	Default = English
)

// languages lists the supported languages in the order a language switcher
// shows them.
var languages = []string{English, German}

// Languages returns the supported language codes ("en", "de").
func Languages() []string {
	return append([]string(nil), languages...)
}

// Supported reports whether lang is exactly one of the supported codes.
func Supported(lang string) bool {
	for _, l := range languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Normalize maps a stored or user-supplied language value ("de", "DE",
// "de-AT") to a supported code, falling back to Default.
func Normalize(lang string) string {
	primary, _, _ := strings.Cut(strings.TrimSpace(lang), "-")
	primary, _, _ = strings.Cut(primary, "_")
	primary = strings.ToLower(primary)
	if Supported(primary) {
		return primary
	}
	return Default
}

// Negotiate picks the best supported language for an Accept-Language header
// value ("de-DE,de;q=0.9,en;q=0.8"), by quality and then by order. Regional
// variants match their language (de-CH → de). A range with q=0 is refused
// and "*" or an empty or unparseable header yields Default.
func Negotiate(acceptLanguage string) string {
	type candidate struct {
		lang  string
		q     float64
		order int
	}
	var cands []candidate
	for i, part := range strings.Split(acceptLanguage, ",") {
		fields := strings.Split(part, ";")
		tag := strings.TrimSpace(fields[0])
		if tag == "" {
			continue
		}
		q := 1.0
		for _, p := range fields[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.TrimSpace(k) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
		if q == 0 {
			continue
		}
		primary, _, _ := strings.Cut(tag, "-")
		primary = strings.ToLower(primary)
		if !Supported(primary) {
			continue // includes "*": no preference between ours, so Default
		}
		cands = append(cands, candidate{primary, q, i})
	}
	if len(cands) == 0 {
		return Default
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].q > cands[b].q })
	return cands[0].lang
}

// T returns the text for key in lang, formatted with fmt.Sprintf when args
// are given. An unsupported lang falls back to English; an unknown key
// returns the key itself.
func T(lang, key string, args ...any) string {
	entry, ok := catalog[key]
	if !ok {
		return key
	}
	text, ok := entry[lang]
	if !ok || text == "" {
		text = entry[Default]
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// Has reports whether key is in the catalog.
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}

// Locale bundles a reader's language and time zone, so that views can write
// l.T("nav.campaigns") and l.Money(m, "EUR") without passing both around.
// The zero value is English in UTC.
type Locale struct {
	Lang     string
	Location *time.Location
}

// NewLocale returns a Locale for lang (normalised to a supported code) and
// loc (nil means UTC).
func NewLocale(lang string, loc *time.Location) Locale {
	return Locale{Lang: Normalize(lang), Location: loc}
}

// T is T(l.Lang, key, args...).
func (l Locale) T(key string, args ...any) string { return T(l.Lang, key, args...) }

// Int is FormatInt in l's language.
func (l Locale) Int(n int64) string { return FormatInt(l.Lang, n) }

// Decimal is FormatDecimal in l's language.
func (l Locale) Decimal(v float64, places int) string { return FormatDecimal(l.Lang, v, places) }

// Percent is FormatPercent in l's language.
func (l Locale) Percent(ratio float64, places int) string {
	return FormatPercent(l.Lang, ratio, places)
}

// Money is FormatMoney in l's language.
func (l Locale) Money(micros int64, currency string) string {
	return FormatMoney(l.Lang, micros, currency)
}

// Date is FormatDate in l's language and zone.
func (l Locale) Date(t time.Time) string { return FormatDate(l.Lang, t, l.Location) }

// DateTime is FormatDateTime in l's language and zone.
func (l Locale) DateTime(t time.Time) string { return FormatDateTime(l.Lang, t, l.Location) }
