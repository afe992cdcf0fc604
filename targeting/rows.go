package targeting

// Profile imports: a streaming parser that turns a CSV or NDJSON upload into
// validated rows. It holds one record at a time, so a million-row file costs
// no more memory than a ten-row one; the importer that writes the rows pulls
// them with Next and decides what a transaction is.
//
// Error messages are shown to the person who uploaded the file. They say
// what is wrong and what is expected, and they never repeat a phone number
// or an external id: the importer may keep the errors of an import, and raw
// numbers must not be stored (DESIGN.md, Profiles).

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// ImportRow is one validated profile from an import.
type ImportRow struct {
	Line          int64            // 1-based line where the record starts in the file (CSV) or the line number (NDJSON)
	Phone         string           // E.164, or ""
	ExternalID    string           // or ""
	Country       string           // ISO 3166-1 alpha-2 upper case, or ""
	Region        string           // free text, trimmed, max 100 characters
	Language      string           // ISO 639-1 lower case ("de"), or ""
	BirthYear     int              // 0 = unknown
	Interests     []string         // trimmed, de-duplicated, lower-cased names; nil when none
	Consents      map[Purpose]bool // only purposes the file stated yes or no for; nil when none
	ConsentSource string           // "import" unless the file says otherwise
	NoticeVersion string
	ConsentAt     time.Time // UTC; zero when not given
}

// RowError is a problem with one field of one row. Column is the column (CSV)
// or key (NDJSON) as the file spells it, or "" when the problem concerns the
// whole row.
//
// Some RowErrors do not mean a row was skipped: an unknown or unnamed CSV
// column (Line is the header's line) and an unknown NDJSON key (reported
// once, at the first line that has it). Warning tells them apart.
type RowError struct {
	Line    int64
	Column  string
	Message string
}

const (
	msgUnknownColumn = "unknown column, ignored"
	msgUnknownField  = "unknown field, ignored"
	msgUnnamedColumn = "has no name; ignored" // after "column N "
)

// Warning reports whether e notes something the reader ignored (an unknown
// column or key) rather than a problem that made it skip a row.
func (e RowError) Warning() bool {
	return strings.HasPrefix(e.Message, msgUnknownColumn) ||
		strings.HasPrefix(e.Message, msgUnknownField) ||
		(e.Column == "" && strings.HasPrefix(e.Message, "column ") && strings.HasSuffix(e.Message, msgUnnamedColumn))
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Message)
}

// FileError means the file as a whole cannot be imported: it is not CSV, has
// no recognisable header, is in an unsupported encoding, or breaks off in a
// way the parser cannot recover from. From NewCSVReader or NewNDJSONReader it
// means nothing was read; from Next it ends the read, and the rows returned
// before it came from the part of the file before the damage.
type FileError struct{ Message string }

func (e *FileError) Error() string { return e.Message }

// RowReader yields rows one by one.
type RowReader interface {
	// Next returns the next valid row; rowErrs lists the problems of rows it
	// skipped since the previous call (invalid rows are skipped, never
	// returned). At the end it returns io.EOF (possibly with final rowErrs).
	// A *FileError ends the read; so does any other error, which comes from
	// the underlying reader. After the end every call returns the same error.
	//
	// To keep memory flat, one call lists at most 1000 problems; when a long
	// run of invalid rows has more, the last entry (Column "") says how many
	// further problems were not listed.
	Next() (row ImportRow, rowErrs []RowError, err error)
	// Offset is how many input bytes have been consumed so far (for progress
	// bars). It may be called from another goroutine while Next runs.
	Offset() int64
}

const (
	importBufSize       = 64 << 10 // read buffer; also the most the header sniffing looks at
	maxImportRecord     = 1 << 20  // longest CSV record or NDJSON line
	maxRowErrorsPerCall = 1000
	maxRegionLen        = 100
	maxInterests        = 50
	maxInterestLen      = 60
	maxConsentTextLen   = 100 // consent_source, notice_version
	purposeList         = "1, 2, 3, 4, 7 or 9"
)

// importField is a documented column.
type importField int

const (
	fieldPhone importField = iota
	fieldExternalID
	fieldCountry
	fieldRegion
	fieldLanguage
	fieldBirthYear
	fieldInterests
	fieldConsentSource
	fieldNoticeVersion
	fieldConsentAt
	numImportFields
)

var importFieldNames = [numImportFields]string{
	"phone", "external_id", "country", "region", "language", "birth_year",
	"interests", "consent_source", "notice_version", "consent_at",
}

// maxPurposeNumber bounds the consent cells of a raw row.
const maxPurposeNumber = 9

// normaliseColumnName makes "Birth Year", " birth-year " and "BIRTH_YEAR" the
// same column: spreadsheets are typed by people.
func normaliseColumnName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// columnKind is what a column (or NDJSON key) holds.
type columnKind struct {
	field   importField // valid when purpose == 0 and !ignored
	purpose Purpose     // a consent_<purpose> column when non-zero
	ignored bool        // unknown: read past
}

// lookupColumn reads a normalised column name. problem is set for a name
// that can only be a mistake (a consent column for a purpose the ledger does
// not record).
func lookupColumn(norm string) (kind columnKind, problem string) {
	for f, name := range importFieldNames {
		if norm == name {
			return columnKind{field: importField(f)}, ""
		}
	}
	if num, ok := strings.CutPrefix(norm, "consent_"); ok {
		p, problem := parsePurposeKey(num)
		if problem != "" {
			return columnKind{ignored: true}, problem
		}
		return columnKind{purpose: p}, ""
	}
	return columnKind{ignored: true}, ""
}

// parsePurposeKey reads the purpose number of a consent column or key.
func parsePurposeKey(s string) (Purpose, string) {
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 3 {
		return 0, fmt.Sprintf("%s is not a purpose number (use %s)", quoteValue(s), purposeList)
	}
	n, _ := strconv.Atoi(s)
	if !Purpose(n).Valid() {
		return 0, fmt.Sprintf("purpose %d is not recorded (use %s)", n, purposeList)
	}
	return Purpose(n), ""
}

// knownColumnNames are suggested for near misses in the header.
var knownColumnNames = func() []string {
	names := importFieldNames[:]
	for _, p := range Purposes {
		names = append(names, "consent_"+strconv.Itoa(int(p)))
	}
	return names
}()

// suggestColumn returns the known column a typo most likely meant, or "".
func suggestColumn(norm string) string {
	best, bestDist := "", 3
	for _, name := range knownColumnNames {
		if d := editDistance(norm, name, bestDist); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it is at
// least limit. Column names are short, so the quadratic table is fine.
func editDistance(a, b string, limit int) int {
	if len(a) > 40 || len(b) > 40 {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// ---------------------------------------------------------------------------
// Raw rows and their validation, shared by both formats.

// cell is one raw value and the column it came from.
type cell struct {
	col     string // the column or key as the file spells it
	val     string
	badUTF8 bool
}

// rawRow is one record before validation.
type rawRow struct {
	line      int64
	idCol     string // where "needs a phone or external_id" is reported
	cells     [numImportFields]cell
	consents  [maxPurposeNumber + 1]cell // indexed by purpose number
	interests []string                   // NDJSON array form; nil means split cells[fieldInterests].val on "|"
	listForm  bool
}

// rowValidator turns raw rows into ImportRows.
type rowValidator struct {
	minYear, maxYear int
	phoneHints       map[string]string // country → example numbers, for messages
}

func newRowValidator(birthYearNow int) *rowValidator {
	return &rowValidator{minYear: birthYearNow - 120, maxYear: birthYearNow, phoneHints: map[string]string{}}
}

// validate checks every field of raw and appends one RowError per problem.
// The row is good when nothing was appended.
func (v *rowValidator) validate(raw *rawRow, errs []RowError) (ImportRow, []RowError) {
	row := ImportRow{Line: raw.line, ConsentSource: "import"}
	bad := func(c *cell, msg string) {
		errs = append(errs, RowError{Line: raw.line, Column: c.col, Message: msg})
	}
	// text returns the trimmed value, or reports invalid UTF-8 and returns ok=false.
	text := func(f importField) (string, bool) {
		c := &raw.cells[f]
		if c.badUTF8 {
			bad(c, notUTF8Message)
			return "", false
		}
		return strings.TrimSpace(c.val), true
	}

	countryOK := true
	if s, ok := text(fieldCountry); !ok {
		countryOK = false
	} else if s != "" {
		c := strings.ToUpper(s)
		if msg := checkCountry(c, s); msg != "" {
			bad(&raw.cells[fieldCountry], msg)
			countryOK = false
		} else {
			row.Country = c
		}
	}

	phone, phoneOK := text(fieldPhone)
	if phoneOK && phone != "" {
		if e164, msg := v.phone(phone, row.Country, countryOK); msg != "" {
			bad(&raw.cells[fieldPhone], msg)
		} else {
			row.Phone = e164
		}
	}

	ext, extOK := text(fieldExternalID)
	if extOK && ext != "" {
		if id, err := NormaliseExternalID(ext); err != nil {
			bad(&raw.cells[fieldExternalID], err.Error())
		} else {
			row.ExternalID = id
		}
	}
	if phoneOK && extOK && phone == "" && ext == "" {
		errs = append(errs, RowError{Line: raw.line, Column: raw.idCol, Message: "each row needs a phone number or an external_id"})
	}

	if s, ok := text(fieldRegion); ok && s != "" {
		if msg := checkFreeText(s, maxRegionLen); msg != "" {
			bad(&raw.cells[fieldRegion], msg)
		} else {
			row.Region = s
		}
	}

	if s, ok := text(fieldLanguage); ok && s != "" {
		if lang, ok := parseLanguage(s); ok {
			row.Language = lang
		} else {
			bad(&raw.cells[fieldLanguage], fmt.Sprintf("%s is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)", quoteValue(s)))
		}
	}

	if s, ok := text(fieldBirthYear); ok && s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || strings.Trim(s, "0123456789") != "" || y < v.minYear || y > v.maxYear {
			bad(&raw.cells[fieldBirthYear], fmt.Sprintf("%s is not a year between %d and %d", quoteValue(s), v.minYear, v.maxYear))
		} else {
			row.BirthYear = y
		}
	}

	v.interests(raw, &row, bad)

	for p := range raw.consents {
		c := &raw.consents[p]
		if c.col == "" {
			continue
		}
		if c.badUTF8 {
			bad(c, notUTF8Message)
			continue
		}
		s := strings.TrimSpace(c.val)
		if s == "" {
			continue // not stated
		}
		granted, ok := parseYesNo(s)
		if !ok {
			bad(c, fmt.Sprintf("%s is not yes or no (also accepted: y/n, true/false, 1/0, ja/nein; leave it empty if not stated)", quoteValue(s)))
			continue
		}
		if row.Consents == nil {
			row.Consents = make(map[Purpose]bool, 2)
		}
		row.Consents[Purpose(p)] = granted
	}

	if s, ok := text(fieldConsentSource); ok && s != "" {
		if msg := checkFreeText(s, maxConsentTextLen); msg != "" {
			bad(&raw.cells[fieldConsentSource], msg)
		} else {
			row.ConsentSource = s
		}
	}
	if s, ok := text(fieldNoticeVersion); ok && s != "" {
		if msg := checkFreeText(s, maxConsentTextLen); msg != "" {
			bad(&raw.cells[fieldNoticeVersion], msg)
		} else {
			row.NoticeVersion = s
		}
	}
	if s, ok := text(fieldConsentAt); ok && s != "" {
		if t, ok := parseConsentAt(s); ok {
			row.ConsentAt = t
		} else {
			bad(&raw.cells[fieldConsentAt], fmt.Sprintf("%s is not a date or time (expected 2024-12-31, 2024-12-31 14:30:00 in UTC, or RFC 3339 such as 2024-12-31T14:30:00+01:00)", quoteValue(s)))
		}
	}
	return row, errs
}

const notUTF8Message = "contains bytes that are not valid UTF-8; save the file as UTF-8 (in Excel: \"CSV UTF-8\")"

// phone normalises a phone number, or returns a message saying why not.
// The message never repeats the number.
func (v *rowValidator) phone(s, country string, countryOK bool) (string, string) {
	intl := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00")
	switch {
	case looksScientific(s):
		return "", "looks like a number that a spreadsheet turned into scientific notation (like 4.9171E+11); format the column as text and export again"
	case !intl && !countryOK:
		return "", "is a national number and the row's country is not valid; fix the country or write the number with + and the country code"
	case !intl && country == "":
		return "", "is a national number, so the row needs a country (such as DE); or write the number with + and the country code (+49…)"
	}
	e164, err := NormalisePhone(s, country)
	if err != nil {
		if intl {
			return "", "not a valid phone number (expected + and the country code, such as +49 1512 3456789)"
		}
		return "", "not a valid phone number for " + country + v.phoneHint(country)
	}
	return e164, ""
}

// phoneHint shows what a number in the country looks like.
func (v *rowValidator) phoneHint(country string) string {
	if h, ok := v.phoneHints[country]; ok {
		return h
	}
	h := ""
	if n := phonenumbers.GetExampleNumberForType(country, phonenumbers.MOBILE); n != nil {
		h = fmt.Sprintf(" (such as %s or %s)", phonenumbers.Format(n, phonenumbers.NATIONAL), phonenumbers.Format(n, phonenumbers.INTERNATIONAL))
	}
	v.phoneHints[country] = h // at most one entry per country code
	return h
}

// looksScientific spots "4,91712E+11": what Excel makes of a long number in a
// column not formatted as text. The digits are lost; only a new export helps.
func looksScientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i+1 >= len(s) || (s[i+1] != '+' && s[i+1] != '-') {
		return false
	}
	mant, exp := s[:i], s[i+2:]
	return exp != "" && strings.Trim(exp, "0123456789") == "" &&
		strings.Trim(mant, "0123456789.,") == "" && strings.ContainsAny(mant, ".,")
}

// interests splits, trims, lower-cases and de-duplicates the interests.
func (v *rowValidator) interests(raw *rawRow, row *ImportRow, bad func(*cell, string)) {
	c := &raw.cells[fieldInterests]
	if c.badUTF8 {
		bad(c, notUTF8Message)
		return
	}
	// SplitSeq, not Split: a cell of a million "|" must not become a
	// million-element slice.
	list := strings.SplitSeq(c.val, "|")
	if raw.listForm {
		list = slices.Values(raw.interests)
	}
	var out []string
	for s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "":
			continue
		case utf8.RuneCountInString(s) > maxInterestLen:
			bad(c, fmt.Sprintf("interest %s is longer than %d characters", quoteValue(s), maxInterestLen))
			return
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			bad(c, fmt.Sprintf("interest %s contains control characters", quoteValue(s)))
			return
		case slices.Contains(out, s):
			continue
		}
		if len(out) == maxInterests {
			bad(c, fmt.Sprintf("has more than %d different interests; at most %d are allowed", maxInterests, maxInterests))
			return
		}
		out = append(out, s)
	}
	row.Interests = out
}

// checkFreeText checks a trimmed free-text value.
func checkFreeText(s string, maxLen int) string {
	if n := utf8.RuneCountInString(s); n > maxLen {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", n, maxLen)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "contains control characters such as line breaks"
	}
	return ""
}

// parseYesNo reads a consent cell. WAHR and FALSCH are what a German Excel
// writes for TRUE and FALSE.
func parseYesNo(s string) (granted, ok bool) {
	switch strings.ToLower(s) {
	case "yes", "y", "true", "1", "ja", "wahr":
		return true, true
	case "no", "n", "false", "0", "nein", "falsch":
		return false, true
	}
	return false, false
}

// parseConsentAt reads the time consent was given; times without a zone are UTC.
func parseConsentAt(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, time.DateOnly, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// checkCountry validates an upper-cased country code; orig is for messages.
func checkCountry(c, orig string) string {
	if _, ok := iso3166Alpha2[c]; ok {
		return ""
	}
	switch {
	case c == "UK":
		return `"UK" is not an ISO 3166-1 country code; the United Kingdom is GB`
	case c == "EL":
		return `"EL" is not an ISO 3166-1 country code; Greece is GR`
	case len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z':
		return fmt.Sprintf("%s is not an assigned ISO 3166-1 country code", quoteValue(orig))
	}
	return fmt.Sprintf("%s is not an ISO 3166-1 alpha-2 country code (expected two letters such as DE)", quoteValue(orig))
}

// parseLanguage reads "de", "DE", "de-DE", "de_AT" or "zh-Hant-TW" and
// returns the ISO 639-1 code.
func parseLanguage(s string) (string, bool) {
	primary, rest, hasRest := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	primary = strings.ToLower(primary)
	if alias, ok := iso639Aliases[primary]; ok {
		primary = alias
	}
	if _, ok := iso639Alpha1[primary]; !ok {
		return "", false
	}
	if hasRest {
		for sub := range strings.SplitSeq(rest, "-") {
			if len(sub) == 0 || len(sub) > 8 || strings.IndexFunc(sub, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			}) >= 0 {
				return "", false
			}
		}
	}
	return primary, true
}

// shortName keeps a column name or key that is absurdly long from making
// every message about it as long.
func shortName(s string) string {
	const keep = 100
	if utf8.RuneCountInString(s) > keep {
		return string([]rune(s)[:keep]) + "…"
	}
	return s
}

// quoteValue quotes a value for a message, shortened so a huge cell does not
// make a huge message.
func quoteValue(s string) string {
	const keep = 40
	if utf8.RuneCountInString(s) > keep {
		r := []rune(s)
		return strconv.Quote(string(r[:keep]) + "…")
	}
	return strconv.Quote(s)
}

// errList collects the problems of one Next call, up to a limit.
type errList struct {
	errs                      []RowError
	dropped                   int
	firstDropped, lastDropped int64
}

func (l *errList) add(errs ...RowError) {
	for _, e := range errs {
		if len(l.errs) < maxRowErrorsPerCall {
			l.errs = append(l.errs, e)
			continue
		}
		if l.dropped == 0 {
			l.firstDropped = e.Line
		}
		l.dropped++
		l.lastDropped = e.Line
	}
}

func (l *errList) take() []RowError {
	errs := l.errs
	if l.dropped > 0 {
		errs = append(errs, RowError{Line: l.firstDropped, Message: fmt.Sprintf(
			"%d more problems on lines %d to %d are not listed", l.dropped, l.firstDropped, l.lastDropped)})
	}
	*l = errList{}
	return errs
}

// ---------------------------------------------------------------------------
// Input plumbing.

// countingReader counts the bytes read from the upload.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

var errRecordTooLong = errors.New("record too long")

// recordLimiter stops the CSV parser when one record grows past
// maxImportRecord: encoding/csv would otherwise buffer an unclosed quote to
// the end of the file. The allowance is reset after every record and covers
// the read-ahead of the buffer above it, so a record within the limit never
// trips it.
type recordLimiter struct {
	r    io.Reader
	left int
}

func (l *recordLimiter) reset() { l.left = maxImportRecord + importBufSize }

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errRecordTooLong
	}
	if len(p) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= n
	return n, err
}

// sniff rejects what is not a UTF-8 text file and drops a UTF-8 BOM.
func sniff(br *bufio.Reader) error {
	head, err := br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fmt.Errorf("targeting: read import: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return &FileError{Message: "the file is UTF-16; save it as UTF-8 (in Excel: \"CSV UTF-8\")"}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return &FileError{Message: "the file is a zip archive or an Excel workbook (.xlsx), not CSV; save it as \"CSV UTF-8\""}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return &FileError{Message: "the file is an old Excel workbook (.xls), not CSV; save it as \"CSV UTF-8\""}
	}
	if nul := bytes.Count(head, []byte{0}); nul > 0 {
		if looksUTF16(head, nul) {
			return &FileError{Message: "the file looks like UTF-16 without a byte order mark; save it as UTF-8"}
		}
		return &FileError{Message: "the file looks binary (it contains NUL bytes); upload a CSV or NDJSON text file"}
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) // cannot fail: the bytes are buffered
		head = head[3:]
	}
	if len(head) < 4096 && len(bytes.TrimSpace(head)) == 0 {
		return &FileError{Message: "the file is empty"}
	}
	return nil
}

// looksUTF16 reports whether the NUL bytes sit at every other position, as
// they do in UTF-16 text that is mostly ASCII.
func looksUTF16(head []byte, nul int) bool {
	if nul < len(head)/3 {
		return false
	}
	even, odd := 0, 0
	for i, b := range head {
		if b == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	return even == 0 || odd == 0
}

// ---------------------------------------------------------------------------
// CSV.

type csvReader struct {
	count   *countingReader
	limit   *recordLimiter
	cr      *csv.Reader
	v       *rowValidator
	cols    []columnKind
	tmpl    rawRow // column names of every row
	nHeader int
	pending []RowError // header warnings, returned by the first Next
	done    error
}

// NewCSVReader reads and checks the header at once and returns a *FileError
// for a file that cannot be imported. birthYearNow is the current year.
//
// The delimiter (comma, semicolon or tab) is the one the header line uses
// most outside quotes. Header names are matched case-insensitively, and
// spaces or hyphens count as underscores ("Birth Year" is birth_year).
func NewCSVReader(r io.Reader, birthYearNow int) (RowReader, error) {
	count := &countingReader{r: r}
	limit := &recordLimiter{r: count}
	limit.reset()
	br := bufio.NewReaderSize(limit, importBufSize)
	if err := sniff(br); err != nil {
		return nil, err
	}
	head, err := br.Peek(importBufSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("targeting: read import: %w", err)
	}
	comma, ferr := detectDelimiter(head)
	if ferr != nil {
		return nil, ferr
	}
	cr := csv.NewReader(br) // reuses br: it is a big enough *bufio.Reader
	cr.Comma = comma
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	c := &csvReader{count: count, limit: limit, cr: cr, v: newRowValidator(birthYearNow)}
	if err := c.readHeader(); err != nil {
		return nil, err
	}
	return c, nil
}

// detectDelimiter counts commas, semicolons and tabs outside quotes in the
// first line. Ties go to comma, then semicolon; no delimiter at all means a
// single column, read with comma.
func detectDelimiter(head []byte) (rune, error) {
	head = bytes.TrimLeft(head, "\r\n")
	var commas, semis, tabs int
	inQuotes := false
scan:
	for i, b := range head {
		switch {
		case b == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case b == '\n':
			break scan
		case b == '\r':
			if i+1 < len(head) && head[i+1] != '\n' {
				return 0, &FileError{Message: "the file uses old Macintosh line ends (CR only); save it as \"CSV UTF-8\""}
			}
		case b == ',':
			commas++
		case b == ';':
			semis++
		case b == '\t':
			tabs++
		}
	}
	switch {
	case semis > commas && semis >= tabs:
		return ';', nil
	case tabs > commas && tabs > semis:
		return '\t', nil
	}
	return ',', nil
}

func (c *csvReader) readHeader() error {
	rec, err := c.cr.Read()
	c.limit.reset()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return &FileError{Message: "the file is empty"}
		case errors.Is(err, errRecordTooLong):
			return &FileError{Message: "the header line is longer than 1 MiB; is this a CSV file?"}
		case errors.As(err, &pe):
			return &FileError{Message: fmt.Sprintf("line %d: the header cannot be read: %v", pe.StartLine, pe.Err)}
		}
		return fmt.Errorf("targeting: read import: %w", err)
	}
	headerLine, _ := c.cr.FieldPos(0)
	c.nHeader = len(rec)
	c.cols = make([]columnKind, len(rec))
	c.tmpl = rawRow{}
	for f := range c.tmpl.cells {
		c.tmpl.cells[f].col = importFieldNames[f]
	}
	var problems []string
	seen := map[string]int{} // normalised known name → 1-based column
	known, hasID := 0, false
	for i, h := range rec {
		if !utf8.ValidString(h) {
			return &FileError{Message: "the header is not valid UTF-8; save the file as UTF-8 (in Excel: \"CSV UTF-8\")"}
		}
		norm := normaliseColumnName(h)
		name := shortName(strings.TrimSpace(h))
		kind, problem := lookupColumn(norm)
		c.cols[i] = kind
		switch {
		case problem != "":
			problems = append(problems, name+": "+problem)
			continue
		case norm == "":
			c.pending = append(c.pending, RowError{Line: int64(headerLine), Message: fmt.Sprintf("column %d %s", i+1, msgUnnamedColumn)})
			continue
		case kind.ignored:
			msg := msgUnknownColumn
			if s := suggestColumn(norm); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			c.pending = append(c.pending, RowError{Line: int64(headerLine), Column: name, Message: msg})
			continue
		}
		key := norm
		if kind.purpose != 0 {
			key = "consent_" + strconv.Itoa(int(kind.purpose))
		}
		if prev, dup := seen[key]; dup {
			problems = append(problems, fmt.Sprintf("column %s appears twice (columns %d and %d)", key, prev, i+1))
			continue
		}
		seen[key] = i + 1
		known++
		if kind.purpose != 0 {
			c.tmpl.consents[kind.purpose].col = name
		} else {
			c.tmpl.cells[kind.field].col = name
			hasID = hasID || kind.field == fieldPhone || kind.field == fieldExternalID
		}
	}
	if len(problems) > 0 {
		return &FileError{Message: strings.Join(problems, "; ")}
	}
	if known == 0 {
		return &FileError{Message: fmt.Sprintf("no recognisable header: line %d names none of the columns phone, external_id, country, region, language, birth_year, interests, consent_<purpose>, consent_source, notice_version, consent_at; is the header row missing?", headerLine)}
	}
	if !hasID {
		return &FileError{Message: "the header needs a phone or an external_id column"}
	}
	c.tmpl.idCol = c.tmpl.cells[fieldExternalID].col
	if _, ok := seen["phone"]; ok {
		c.tmpl.idCol = c.tmpl.cells[fieldPhone].col
	}
	return nil
}

func (c *csvReader) Offset() int64 { return c.count.n.Load() }

func (c *csvReader) Next() (ImportRow, []RowError, error) {
	if c.done != nil {
		return ImportRow{}, nil, c.done
	}
	var errs errList
	errs.add(c.pending...)
	c.pending = nil
	var scratch []RowError
	for {
		rec, err := c.cr.Read()
		c.limit.reset()
		if err == io.EOF {
			c.done = io.EOF
			return ImportRow{}, errs.take(), io.EOF
		}
		if err != nil {
			if stop := c.readError(rec, err, &errs); stop != nil {
				c.done = stop
				return ImportRow{}, errs.take(), stop
			}
			continue
		}
		line, _ := c.cr.FieldPos(0)
		if allBlank(rec) {
			continue // ";;;;" lines that spreadsheets leave at the end
		}
		if len(rec) != c.nHeader {
			msg := fmt.Sprintf("has %d fields, the header has %d", len(rec), c.nHeader)
			if last, _ := c.cr.FieldPos(len(rec) - 1); last > line {
				msg += fmt.Sprintf(" (the record runs to line %d; is a quote not closed?)", last)
			}
			errs.add(RowError{Line: int64(line), Message: msg})
			continue
		}
		raw := c.tmpl
		raw.line = int64(line)
		for i, val := range rec {
			kind := c.cols[i]
			var dst *cell
			switch {
			case kind.ignored:
				continue
			case kind.purpose != 0:
				dst = &raw.consents[kind.purpose]
			default:
				dst = &raw.cells[kind.field]
			}
			dst.val = val
			dst.badUTF8 = !utf8.ValidString(val)
		}
		row, rowErrs := c.v.validate(&raw, scratch[:0])
		if len(rowErrs) > 0 {
			errs.add(rowErrs...)
			scratch = rowErrs
			continue
		}
		return row, errs.take(), nil
	}
}

// readError turns an error of encoding/csv into a RowError, and returns the
// error that ends the read when parsing cannot go on.
//
// A misplaced quote within one line is harmless to what follows: encoding/csv
// drops the rest of that line and goes on with the next. But when the
// record's quoted field ran over several lines, or the record grew past the
// limit, an unclosed quote has swallowed an unknown number of lines, and rows
// read after it would be fragments of other rows. Then the read stops.
func (c *csvReader) readError(rec []string, err error, errs *errList) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errRecordTooLong):
		return &FileError{Message: "a record is longer than 1 MiB, so parsing stopped there (is a quote not closed?); rows before it were read"}
	case !errors.As(err, &pe):
		return fmt.Errorf("targeting: read import: %w", err)
	}
	col := ""
	if len(rec) < len(c.cols) {
		col = c.columnName(len(rec))
	}
	msg := `has a quote (") in a field that is not quoted; put the field in quotes and double the quote inside ("")`
	if errors.Is(pe.Err, csv.ErrQuote) {
		msg = `has a quoted field that is not closed properly; a quote inside a quoted field must be doubled ("")`
	}
	errs.add(RowError{Line: int64(pe.StartLine), Column: col, Message: msg})
	if pe.Line != pe.StartLine {
		return &FileError{Message: fmt.Sprintf("line %d: a quoted field starting here is not closed properly (the problem shows at line %d), so the rest of the file cannot be read reliably; rows before line %d were read", pe.StartLine, pe.Line, pe.StartLine)}
	}
	return nil
}

// columnName is the header name of column i as the file spells it.
func (c *csvReader) columnName(i int) string {
	kind := c.cols[i]
	switch {
	case kind.purpose != 0:
		return c.tmpl.consents[kind.purpose].col
	case !kind.ignored:
		return c.tmpl.cells[kind.field].col
	}
	return ""
}

func allBlank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// NDJSON.

type ndjsonReader struct {
	count   *countingReader
	br      *bufio.Reader
	v       *rowValidator
	line    int64
	buf     []byte              // a line longer than the read buffer
	unknown map[string]struct{} // unknown keys already reported
	done    error
}

// maxUnknownKeys bounds the set of reported unknown keys, so that a file with
// a new key on every line cannot grow it without limit.
const maxUnknownKeys = 100

// NewNDJSONReader checks the start of the file at once and returns a
// *FileError for a file that cannot be imported. birthYearNow is the
// current year.
//
// Each line holds one JSON object with the CSV column names as keys (matched
// like CSV headers). Consents are either an object {"2": true} under
// "consents" or consent_<purpose> keys with a boolean, a yes/no string or
// null; interests an array of strings or a "|"-separated string;
// birth_year a number or a string. null is the same as a missing key.
func NewNDJSONReader(r io.Reader, birthYearNow int) (RowReader, error) {
	count := &countingReader{r: r}
	br := bufio.NewReaderSize(count, importBufSize)
	if err := sniff(br); err != nil {
		return nil, err
	}
	head, err := br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("targeting: read import: %w", err)
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 {
		switch t[0] {
		case '{':
		case '[':
			return nil, &FileError{Message: "the file is one JSON array; NDJSON needs one JSON object on each line"}
		default:
			return nil, &FileError{Message: "the file is not NDJSON: it does not start with a JSON object ({…})"}
		}
	}
	return &ndjsonReader{count: count, br: br, v: newRowValidator(birthYearNow), unknown: map[string]struct{}{}}, nil
}

func (n *ndjsonReader) Offset() int64 { return n.count.n.Load() }

func (n *ndjsonReader) Next() (ImportRow, []RowError, error) {
	if n.done != nil {
		return ImportRow{}, nil, n.done
	}
	var errs errList
	var scratch []RowError
	for {
		line, tooLong, err := n.readLine()
		if err != nil && err != io.EOF {
			n.done = fmt.Errorf("targeting: read import: %w", err)
			return ImportRow{}, errs.take(), n.done
		}
		if len(line) == 0 && err == io.EOF {
			n.done = io.EOF
			return ImportRow{}, errs.take(), io.EOF
		}
		n.line++
		if tooLong {
			errs.add(RowError{Line: n.line, Message: "is longer than 1 MiB; each line must hold one JSON object"})
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !utf8.Valid(line) {
			errs.add(RowError{Line: n.line, Message: notUTF8Message})
			continue
		}
		raw := rawRow{line: n.line, idCol: "phone"}
		for f := range raw.cells {
			raw.cells[f].col = importFieldNames[f]
		}
		rowErrs := n.parseObject(line, &raw, scratch[:0], &errs)
		if len(rowErrs) == 0 {
			var row ImportRow
			row, rowErrs = n.v.validate(&raw, rowErrs)
			if len(rowErrs) == 0 {
				return row, errs.take(), nil
			}
		}
		errs.add(rowErrs...)
		scratch = rowErrs
	}
}

// readLine returns the next line with its line end. A line longer than
// maxImportRecord is read past, not kept: tooLong says so.
func (n *ndjsonReader) readLine() (line []byte, tooLong bool, err error) {
	frag, err := n.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return frag, false, err
	}
	n.buf = append(n.buf[:0], frag...)
	for err == bufio.ErrBufferFull {
		frag, err = n.br.ReadSlice('\n')
		if !tooLong && len(n.buf)+len(frag) <= maxImportRecord+2 { // +2: the line end
			n.buf = append(n.buf, frag...)
		} else {
			tooLong = true
		}
	}
	if len(bytes.TrimRight(n.buf, "\r\n")) > maxImportRecord {
		tooLong = true
	}
	return n.buf, tooLong, err
}

// parseObject reads one line's JSON object into raw. Problems with the JSON
// itself or with a value's type are returned; warnings about unknown keys go
// straight to warn, because they do not make the row invalid.
func (n *ndjsonReader) parseObject(line []byte, raw *rawRow, errs []RowError, warn *errList) []RowError {
	bad := func(col, msg string) { errs = append(errs, RowError{Line: raw.line, Column: col, Message: msg}) }
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		bad("", "is not valid JSON: "+err.Error())
		return errs
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		bad("", "is not a JSON object; each line must hold one object such as {\"phone\": \"+4915123456789\"}")
		return errs
	}
	var seen [numImportFields]bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			bad("", "is not valid JSON: "+err.Error())
			return errs
		}
		rawKey, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			bad("", "is not valid JSON: "+err.Error())
			return errs
		}
		norm := normaliseColumnName(rawKey)
		key := shortName(rawKey)
		if norm == "consents" {
			errs = n.consentObject(key, val, raw, errs)
			continue
		}
		kind, problem := lookupColumn(norm)
		switch {
		case problem != "":
			bad(key, problem)
		case kind.purpose != 0:
			errs = setConsent(raw, kind.purpose, key, val, errs)
		case kind.ignored:
			n.warnUnknown(key, raw.line, warn)
		case seen[kind.field]:
			bad(key, fmt.Sprintf("%s is given twice", importFieldNames[kind.field]))
		case kind.field == fieldInterests:
			seen[kind.field] = true
			errs = setInterests(raw, key, val, errs)
		default:
			seen[kind.field] = true
			c := &raw.cells[kind.field]
			c.col = key
			s, msg := jsonScalar(val)
			if msg != "" {
				bad(key, msg)
			}
			c.val = s
		}
	}
	if _, err := dec.Token(); err != nil {
		bad("", "is not valid JSON: "+err.Error())
		return errs
	}
	if _, err := dec.Token(); err != io.EOF {
		bad("", "has more after the JSON object; put each object on its own line")
	}
	if seen[fieldPhone] {
		raw.idCol = raw.cells[fieldPhone].col
	}
	return errs
}

func (n *ndjsonReader) warnUnknown(key string, line int64, warn *errList) {
	if _, ok := n.unknown[key]; ok || len(n.unknown) >= maxUnknownKeys {
		return
	}
	n.unknown[key] = struct{}{}
	msg := msgUnknownField
	if s := suggestColumn(normaliseColumnName(key)); s != "" {
		msg += " (did you mean " + s + "?)"
	}
	warn.add(RowError{Line: line, Column: key, Message: msg})
}

// consentObject reads {"2": true, "3": "no"}.
func (n *ndjsonReader) consentObject(key string, val json.RawMessage, raw *rawRow, errs []RowError) []RowError {
	if jsonKind(val) == "null" {
		return errs
	}
	var m map[string]json.RawMessage
	if jsonKind(val) != "object" || json.Unmarshal(val, &m) != nil {
		return append(errs, RowError{Line: raw.line, Column: key, Message: `must be an object such as {"2": true, "3": false}`})
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic messages
	for _, k := range keys {
		col := key + "." + shortName(k)
		p, problem := parsePurposeKey(strings.TrimSpace(k))
		if problem != "" {
			errs = append(errs, RowError{Line: raw.line, Column: col, Message: problem})
			continue
		}
		errs = setConsent(raw, p, col, m[k], errs)
	}
	return errs
}

// setConsent records a consent value given as a boolean, a yes/no string, 1/0 or null.
func setConsent(raw *rawRow, p Purpose, col string, val json.RawMessage, errs []RowError) []RowError {
	c := &raw.consents[p]
	if c.col != "" {
		return append(errs, RowError{Line: raw.line, Column: col, Message: fmt.Sprintf("purpose %d is given twice (also as %s)", p, c.col)})
	}
	c.col = col
	switch jsonKind(val) {
	case "bool", "number", "null":
		if jsonKind(val) != "null" {
			c.val = string(val)
		}
	case "string":
		var s string
		_ = json.Unmarshal(val, &s) // the decoder has checked the syntax
		c.val = s
	default:
		return append(errs, RowError{Line: raw.line, Column: col, Message: "must be true, false, \"yes\", \"no\" or null"})
	}
	return errs
}

// setInterests reads ["music", "sport"] or "music|sport".
func setInterests(raw *rawRow, key string, val json.RawMessage, errs []RowError) []RowError {
	c := &raw.cells[fieldInterests]
	c.col = key
	switch jsonKind(val) {
	case "null":
	case "string":
		_ = json.Unmarshal(val, &c.val)
	case "array":
		var list []any
		_ = json.Unmarshal(val, &list)
		raw.listForm = true
		raw.interests = make([]string, 0, len(list))
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				return append(errs, RowError{Line: raw.line, Column: key, Message: "must be an array of strings or a \"|\"-separated string"})
			}
			raw.interests = append(raw.interests, s)
		}
	default:
		return append(errs, RowError{Line: raw.line, Column: key, Message: "must be an array of strings or a \"|\"-separated string"})
	}
	return errs
}

// jsonScalar reads a value that should be text: a string, or a number (kept
// as written: external ids and years come as numbers). null is "".
func jsonScalar(val json.RawMessage) (string, string) {
	switch k := jsonKind(val); k {
	case "null":
		return "", ""
	case "number":
		return string(val), ""
	case "string":
		var s string
		_ = json.Unmarshal(val, &s) // the decoder has checked the syntax
		return s, ""
	default:
		return "", "must be a string, not " + article(k)
	}
}

func article(kind string) string {
	if kind == "array" || kind == "object" {
		return "an " + kind
	}
	return "a " + kind
}

// jsonKind names the type of a syntactically valid JSON value.
func jsonKind(val json.RawMessage) string {
	if len(val) == 0 {
		return "null"
	}
	switch val[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// ---------------------------------------------------------------------------
// Code lists.

// iso3166Alpha2 holds the officially assigned ISO 3166-1 alpha-2 codes, plus
// XK (Kosovo): user-assigned in the standard, but used by the EU, by
// libphonenumber and by every phone export from Kosovo.
var iso3166Alpha2 = toSet(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
XK
YE YT
ZA ZM ZW
`)

// iso639Alpha1 holds the ISO 639-1 language codes.
var iso639Alpha1 = toSet(`
aa ab ae af ak am an ar as av ay az
ba be bg bi bm bn bo br bs
ca ce ch co cr cs cu cv cy
da de dv dz
ee el en eo es et eu
fa ff fi fj fo fr fy
ga gd gl gn gu gv
ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu
ja jv
ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my
na nb nd ne ng nl nn no nr nv ny
oc oj om or os
pa pi pl ps pt
qu
rm rn ro ru rw
sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty
ug uk ur uz
ve vi vo
wa wo
xh
yi yo
za zh zu
`)

// iso639Aliases are withdrawn codes that Java's Locale still writes.
var iso639Aliases = map[string]string{"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}

func toSet(list string) map[string]struct{} {
	set := map[string]struct{}{}
	for _, code := range strings.Fields(list) {
		set[code] = struct{}{}
	}
	return set
}
