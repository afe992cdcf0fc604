package i18n

import (
	"math"
	"testing"
	"time"
)

const sp = "\u00a0" // no-break space, as the formatters emit

func TestFormatInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n      int64
		en, de string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{999, "999", "999"},
		{1000, "1,000", "1.000"},
		{12345, "12,345", "12.345"},
		{123456, "123,456", "123.456"},
		{1234567, "1,234,567", "1.234.567"},
		{-1, "-1", "-1"},
		{-1234567, "-1,234,567", "-1.234.567"},
		{-999, "-999", "-999"},
		{math.MaxInt64, "9,223,372,036,854,775,807", "9.223.372.036.854.775.807"},
		{math.MinInt64, "-9,223,372,036,854,775,808", "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		if got := FormatInt("en", tt.n); got != tt.en {
			t.Errorf("FormatInt(en, %d) = %q, want %q", tt.n, got, tt.en)
		}
		if got := FormatInt("de", tt.n); got != tt.de {
			t.Errorf("FormatInt(de, %d) = %q, want %q", tt.n, got, tt.de)
		}
	}
}

func TestFormatDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v      float64
		places int
		en, de string
	}{
		{0, 2, "0.00", "0,00"},
		{1234.5, 1, "1,234.5", "1.234,5"},
		{1234.5, 2, "1,234.50", "1.234,50"},
		{1234.5, 0, "1,235", "1.235"},
		{-1234.5, 0, "-1,235", "-1.235"},
		{1.005, 2, "1.01", "1,01"}, // half away from zero on the decimal a reader sees
		{0.125, 2, "0.13", "0,13"},
		{2.5, 0, "3", "3"},
		{-2.5, 0, "-3", "-3"},
		{9.999, 2, "10.00", "10,00"},
		{999999.96, 1, "1,000,000.0", "1.000.000,0"},
		{-0.004, 2, "0.00", "0,00"}, // no "-0.00"
		{math.Copysign(0, -1), 1, "0.0", "0,0"},
		{1234567.891, 2, "1,234,567.89", "1.234.567,89"},
		{0.1, -1, "0.1", "0,1"},
		{1e15, 0, "1,000,000,000,000,000", "1.000.000.000.000.000"},
		{math.NaN(), 2, "NaN", "NaN"},
		{math.Inf(-1), 2, "-∞", "-∞"},
	}
	for _, tt := range tests {
		if got := FormatDecimal("en", tt.v, tt.places); got != tt.en {
			t.Errorf("FormatDecimal(en, %v, %d) = %q, want %q", tt.v, tt.places, got, tt.en)
		}
		if got := FormatDecimal("de", tt.v, tt.places); got != tt.de {
			t.Errorf("FormatDecimal(de, %v, %d) = %q, want %q", tt.v, tt.places, got, tt.de)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ratio  float64
		places int
		en, de string
	}{
		{0.125, 1, "12.5%", "12,5" + sp + "%"},
		{0, 0, "0%", "0" + sp + "%"},
		{1, 0, "100%", "100" + sp + "%"},
		{0.145, 0, "15%", "15" + sp + "%"}, // 0.145*100 is 14.4999… in float64
		{0.0005, 1, "0.1%", "0,1" + sp + "%"},
		{-0.031, 1, "-3.1%", "-3,1" + sp + "%"},
		{12.5, 0, "1,250%", "1.250" + sp + "%"},
		{0.33333, 2, "33.33%", "33,33" + sp + "%"},
	}
	for _, tt := range tests {
		if got := FormatPercent("en", tt.ratio, tt.places); got != tt.en {
			t.Errorf("FormatPercent(en, %v, %d) = %q, want %q", tt.ratio, tt.places, got, tt.en)
		}
		if got := FormatPercent("de", tt.ratio, tt.places); got != tt.de {
			t.Errorf("FormatPercent(de, %v, %d) = %q, want %q", tt.ratio, tt.places, got, tt.de)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		micros   int64
		currency string
		en, de   string
	}{
		{"eur", 1_234_500_000, "EUR", "€1,234.50", "1.234,50" + sp + "€"},
		{"usd", 1_234_500_000, "USD", "$1,234.50", "1.234,50" + sp + "$"},
		{"gbp", 1_234_500_000, "GBP", "£1,234.50", "1.234,50" + sp + "£"},
		{"chf uses code", 1_234_500_000, "CHF", "CHF" + sp + "1,234.50", "1.234,50" + sp + "CHF"},
		{"lower-case code", 1_234_500_000, "chf", "CHF" + sp + "1,234.50", "1.234,50" + sp + "CHF"},
		{"zero", 0, "EUR", "€0.00", "0,00" + sp + "€"},
		{"one micro", 1, "EUR", "€0.00", "0,00" + sp + "€"},
		{"below half a cent", 1_234_999, "EUR", "€1.23", "1,23" + sp + "€"},
		{"1.234555 rounds down", 1_234_555, "EUR", "€1.23", "1,23" + sp + "€"},
		{"exactly half a cent rounds up", 1_235_000, "EUR", "€1.24", "1,24" + sp + "€"},
		{"half a cent negative rounds away", -1_235_000, "EUR", "-€1.24", "-1,24" + sp + "€"},
		{"negative", -5_000_000, "EUR", "-€5.00", "-5,00" + sp + "€"},
		{"negative code", -1_234_500_000, "CHF", "-CHF" + sp + "1,234.50", "-1.234,50" + sp + "CHF"},
		{"negative rounds to zero", -4_999, "EUR", "€0.00", "0,00" + sp + "€"},
		{"carry into units", 999_995_000, "USD", "$1,000.00", "1.000,00" + sp + "$"},
		{"jpy no decimals", 1_234_500_000, "JPY", "¥1,235", "1.235" + sp + "¥"},
		{"jpy rounds down", 1_234_499_999, "JPY", "¥1,234", "1.234" + sp + "¥"},
		{"krw no decimals", 50_000_000_000, "KRW", "KRW" + sp + "50,000", "50.000" + sp + "KRW"},
		{"kwd three decimals", 1_234_567_500, "KWD", "KWD" + sp + "1,234.568", "1.234,568" + sp + "KWD"},
		{"large", 9_223_372_036_854_775_807, "EUR", "€9,223,372,036,854.78", "9.223.372.036.854,78" + sp + "€"},
		{"most negative", math.MinInt64, "EUR", "-€9,223,372,036,854.78", "-9.223.372.036.854,78" + sp + "€"},
		{"no currency", 1_500_000, "", "1.50", "1,50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FormatMoney("en", tt.micros, tt.currency); got != tt.en {
				t.Errorf("FormatMoney(en, %d, %s) = %q, want %q", tt.micros, tt.currency, got, tt.en)
			}
			if got := FormatMoney("de", tt.micros, tt.currency); got != tt.de {
				t.Errorf("FormatMoney(de, %d, %s) = %q, want %q", tt.micros, tt.currency, got, tt.de)
			}
		})
	}
}

func TestFormatDateAndDateTime(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	tests := []struct {
		name           string
		t              time.Time
		loc            *time.Location
		enDate, deDate string
		enDT, deDT     string
	}{
		{
			"utc", time.Date(2026, 11, 25, 14, 5, 0, 0, time.UTC), time.UTC,
			"Nov 25, 2026", "25.11.2026", "Nov 25, 2026, 14:05", "25.11.2026, 14:05",
		},
		{
			"nil location is utc", time.Date(2026, 11, 25, 14, 5, 59, 0, time.UTC), nil,
			"Nov 25, 2026", "25.11.2026", "Nov 25, 2026, 14:05", "25.11.2026, 14:05",
		},
		{
			"converted into the next day", time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), berlin,
			"Nov 26, 2026", "26.11.2026", "Nov 26, 2026, 00:30", "26.11.2026, 00:30",
		},
		{
			"converted into the previous day", time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC), newYork,
			"Dec 31, 2025", "31.12.2025", "Dec 31, 2025, 22:00", "31.12.2025, 22:00",
		},
		{
			"summer time", time.Date(2026, 7, 4, 8, 9, 0, 0, time.UTC), berlin,
			"Jul 4, 2026", "04.07.2026", "Jul 4, 2026, 10:09", "04.07.2026, 10:09",
		},
		{
			"zero time", time.Time{}, berlin,
			"", "", "", "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct{ got, want string }{
				{FormatDate("en", tt.t, tt.loc), tt.enDate},
				{FormatDate("de", tt.t, tt.loc), tt.deDate},
				{FormatDateTime("en", tt.t, tt.loc), tt.enDT},
				{FormatDateTime("de", tt.t, tt.loc), tt.deDT},
			} {
				if c.got != c.want {
					t.Errorf("got %q, want %q", c.got, c.want)
				}
			}
		})
	}
}

func TestCurrencyDecimals(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"EUR": 2, "usd": 2, "JPY": 0, "KRW": 0, "KWD": 3, "XYZ": 2} {
		if got := CurrencyDecimals(code); got != want {
			t.Errorf("CurrencyDecimals(%s) = %d, want %d", code, got, want)
		}
	}
}

func FuzzFormatMoneyRoundTrip(f *testing.F) {
	for _, m := range []int64{0, 1, -1, 1_235_000, -1_235_000, math.MaxInt64, math.MinInt64} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, micros int64) {
		// English output without grouping, parsed back, is within half a
		// cent of the input and has the input's sign (unless it is zero).
		s := FormatMoney("en", micros, "")
		neg := s[0] == '-'
		if neg && micros >= 0 {
			t.Fatalf("%d formatted as %q", micros, s)
		}
		var cents int64
		for _, r := range s {
			if r >= '0' && r <= '9' {
				cents = cents*10 + int64(r-'0')
			}
		}
		if micros > math.MaxInt64-10_000 || micros < math.MinInt64+10_000 {
			return // cents*10_000 below would overflow int64
		}
		if neg {
			cents = -cents
		}
		diff := micros - cents*10_000
		if diff > 5_000 || diff < -5_000 {
			t.Fatalf("%d formatted as %q (off by %d micros)", micros, s, diff)
		}
	})
}
