package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// nbsp joins a number to its unit in German ("1.234,50 €", "12,5 %") and an
// ISO code to its amount in English ("CHF 1,234.50") so they never wrap apart.
const nbsp = "\u00a0"

type numberSymbols struct {
	group   string
	decimal string
}

func symbolsFor(lang string) numberSymbols {
	if lang == German {
		return numberSymbols{group: ".", decimal: ","}
	}
	return numberSymbols{group: ",", decimal: "."}
}

// FormatInt formats n with thousands separators: 1,234,567 (en),
// 1.234.567 (de).
func FormatInt(lang string, n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u // two's complement: also right for math.MinInt64
	}
	s := group(strconv.FormatUint(u, 10), symbolsFor(lang).group)
	if neg {
		return "-" + s
	}
	return s
}

// FormatDecimal formats v with exactly places decimals (all significant
// ones if places < 0), rounding half away from zero on the shortest decimal
// form of v, so 1.005 shows as 1.01 as a reader expects: 1,234.5 (en),
// 1.234,5 (de). A value that rounds to zero loses its minus sign.
func FormatDecimal(lang string, v float64, places int) string {
	if s, ok := nonFinite(v); ok {
		return s
	}
	return formatDigits(lang, math.Signbit(v), shortestDecimal(v), places)
}

// FormatPercent formats a ratio (0.125) as a percentage with places
// decimals: "12.5%" (en), "12,5 %" (de, with a no-break space). The ratio is
// scaled by moving the decimal point, not by multiplying, so 0.145 at zero
// places is 15, not 14.
func FormatPercent(lang string, ratio float64, places int) string {
	if s, ok := nonFinite(ratio); ok {
		return s
	}
	num := formatDigits(lang, math.Signbit(ratio), shiftPoint(shortestDecimal(ratio), 2), places)
	if lang == German {
		return num + nbsp + "%"
	}
	return num + "%"
}

// currencySymbols are shown instead of the ISO code. Other currencies show
// their code.
var currencySymbols = map[string]string{
	"EUR": "€",
	"USD": "$",
	"GBP": "£",
	"JPY": "¥",
}

// minorUnits lists currencies whose minor unit is not 2 decimals
// (ISO 4217).
var minorUnits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0,
	"XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// CurrencyDecimals returns how many decimals an amount in currency shows.
func CurrencyDecimals(currency string) int {
	if d, ok := minorUnits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// MicrosPerUnit is the number of micros in one unit of a currency.
const MicrosPerUnit = 1_000_000

// FormatMoney formats an amount in micros of currency (an ISO 4217 code),
// rounded half away from zero to the currency's minor unit in integer
// arithmetic:
//
//	en: €1,234.50   $1,234.50   ¥1,235   CHF 1,234.50   -€5.00
//	de: 1.234,50 €  1.234,50 $  1.235 ¥  1.234,50 CHF   -5,00 €
//
// German separates the amount from the currency with a no-break space, as
// does English between an ISO code and the amount.
func FormatMoney(lang string, micros int64, currency string) string {
	code := strings.ToUpper(strings.TrimSpace(currency))
	places := CurrencyDecimals(code)

	neg := micros < 0
	u := uint64(micros)
	if neg {
		u = -u
	}
	step := uint64(pow10(6 - places)) // micros per minor unit
	minor := u / step
	if rem := u % step; rem*2 >= step {
		minor++
	}
	scale := uint64(pow10(places))
	sym := symbolsFor(lang)
	num := group(strconv.FormatUint(minor/scale, 10), sym.group)
	if places > 0 {
		frac := strconv.FormatUint(minor%scale, 10)
		num += sym.decimal + strings.Repeat("0", places-len(frac)) + frac
	}
	sign := ""
	if neg && minor != 0 {
		sign = "-"
	}

	if code == "" {
		return sign + num
	}
	symbol, hasSymbol := currencySymbols[code]
	if lang == German {
		if hasSymbol {
			return sign + num + nbsp + symbol
		}
		return sign + num + nbsp + code
	}
	if hasSymbol {
		return sign + symbol + num
	}
	return sign + code + nbsp + num
}

// FormatDate formats the calendar date of t in loc (nil means UTC):
// "Nov 25, 2026" (en), "25.11.2026" (de). The zero time formats as "".
func FormatDate(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(orUTC(loc))
	if lang == German {
		return t.Format("02.01.2006")
	}
	return t.Format("Jan 2, 2006")
}

// FormatDateTime formats t in loc (nil means UTC) to the minute, 24-hour:
// "Nov 25, 2026, 14:05" (en), "25.11.2026, 14:05" (de). The zero time
// formats as "".
func FormatDateTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(orUTC(loc))
	if lang == German {
		return t.Format("02.01.2006, 15:04")
	}
	return t.Format("Jan 2, 2006, 15:04")
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// group inserts sep between groups of three digits, counted from the right.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

func nonFinite(v float64) (string, bool) {
	switch {
	case math.IsNaN(v):
		return "NaN", true
	case math.IsInf(v, 1):
		return "∞", true
	case math.IsInf(v, -1):
		return "-∞", true
	}
	return "", false
}

// shortestDecimal returns |v| as the shortest plain decimal string that
// round-trips ("1234.5", "0.125", "100").
func shortestDecimal(v float64) string {
	return strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
}

// shiftPoint multiplies the non-negative decimal string s by 10^n (n >= 0)
// by moving its decimal point.
func shiftPoint(s string, n int) string {
	ip, fp, _ := strings.Cut(s, ".")
	for len(fp) < n {
		fp += "0"
	}
	ip, fp = ip+fp[:n], fp[n:]
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	if fp == "" {
		return ip
	}
	return ip + "." + fp
}

// roundDecimal rounds the non-negative decimal string s to places decimals,
// half away from zero, and returns the integer and fraction digits. places
// < 0 keeps every digit.
func roundDecimal(s string, places int) (ip, fp string) {
	ip, fp, _ = strings.Cut(s, ".")
	if places < 0 {
		return ip, fp
	}
	if len(fp) <= places {
		return ip, fp + strings.Repeat("0", places-len(fp))
	}
	roundUp := fp[places] >= '5'
	digits := []byte(ip + fp[:places])
	if roundUp {
		i := len(digits) - 1
		for ; i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	n := len(digits) - places
	return string(digits[:n]), string(digits[n:])
}

func formatDigits(lang string, negative bool, s string, places int) string {
	ip, fp := roundDecimal(s, places)
	sym := symbolsFor(lang)
	out := group(ip, sym.group)
	if fp != "" {
		out += sym.decimal + fp
	}
	if negative && strings.Trim(ip+fp, "0") != "" {
		return "-" + out
	}
	return out
}
