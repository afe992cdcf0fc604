// Package i18n holds the user-visible text of the web interface in English
// and German, and formats numbers, money and dates for the reader's locale.
//
// Every string a page shows goes through T with a stable key from the
// catalog (catalog.go). A missing key renders as the key itself, which is
// ugly on purpose so that it is noticed; the catalog test fails if any key
// lacks either language or if the two translations disagree on their format
// verbs.
//
// The language comes from the signed-in user's preference, else from the
// Accept-Language header via Negotiate. Formatting is written by hand for
// the two supported locales rather than pulling in CLDR: thousands
// separators, decimal comma, the position of the currency and of the percent
// sign. German puts a no-break space (U+00A0) between a number and its unit
// ("1.234,50 €", "12,5 %"), as CLDR does, so the pair never wraps apart.
//
// Money is integer micros (1 unit = 1,000,000 micros) and is rounded to the
// currency's minor unit half away from zero in integer arithmetic, so a
// displayed amount never suffers from float error.
package i18n
