package targeting

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const testYear = 2026

// readRows drains a RowReader and returns what it yielded and the error
// that ended it.
func readRows(t *testing.T, rr RowReader) ([]ImportRow, []RowError, error) {
	t.Helper()
	var rows []ImportRow
	var errs []RowError
	for range 1_000_000 {
		row, rowErrs, err := rr.Next()
		errs = append(errs, rowErrs...)
		if err != nil {
			if row.Line != 0 {
				t.Errorf("Next returned row %+v together with error %v", row, err)
			}
			return rows, errs, err
		}
		if row.Line <= 0 {
			t.Fatalf("Next returned a row without a line: %+v", row)
		}
		rows = append(rows, row)
	}
	t.Fatal("Next never ended")
	return nil, nil, nil
}

// readCSV reads a whole CSV input that must have a usable header.
func readCSV(t *testing.T, in string) ([]ImportRow, []RowError, error) {
	t.Helper()
	rr, err := NewCSVReader(strings.NewReader(in), testYear)
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	return readRows(t, rr)
}

func readNDJSON(t *testing.T, in string) ([]ImportRow, []RowError, error) {
	t.Helper()
	rr, err := NewNDJSONReader(strings.NewReader(in), testYear)
	if err != nil {
		t.Fatalf("NewNDJSONReader: %v", err)
	}
	return readRows(t, rr)
}

// row is an expected row with the defaults filled in.
func row(line int64, set func(r *ImportRow)) ImportRow {
	r := ImportRow{Line: line, ConsentSource: "import"}
	if set != nil {
		set(&r)
	}
	return r
}

func checkRows(t *testing.T, got, want []ImportRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
	for i := len(want); i < len(got); i++ {
		t.Errorf("extra row %+v", got[i])
	}
	for i := len(got); i < len(want); i++ {
		t.Errorf("missing row %+v", want[i])
	}
}

func checkErrs(t *testing.T, got, want []RowError) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d row errors, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("row error %d:\n got  %#v\n want %#v", i, got[i], want[i])
		}
	}
	for i := len(want); i < len(got); i++ {
		t.Errorf("extra row error %#v", got[i])
	}
	for i := len(got); i < len(want); i++ {
		t.Errorf("missing row error %#v", want[i])
	}
}

// fileError checks that err is a *FileError whose message contains want.
func fileError(t *testing.T, err error, want string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error = %v (%T), want a *FileError containing %q", err, err, want)
	}
	if !strings.Contains(fe.Message, want) {
		t.Errorf("FileError = %q, want it to contain %q", fe.Message, want)
	}
}

func TestRowErrorString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		e    RowError
		want string
	}{
		{RowError{Line: 12, Column: "phone", Message: "not a valid phone number"}, "line 12, column phone: not a valid phone number"},
		{RowError{Line: 3, Message: "has 3 fields, the header has 4"}, "line 3: has 3 fields, the header has 4"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestRowErrorWarning(t *testing.T) {
	t.Parallel()
	_, csvErrs, _ := readCSV(t, "phone,notes,,country\n+491712345678,x,,\n12,,,DE\n")
	_, ndErrs, _ := readNDJSON(t, "{\"external_id\":\"a\",\"notes\":1}\n{\"external_id\":\"b\",\"birth_year\":1}\n")
	var got []string
	for _, e := range append(csvErrs, ndErrs...) {
		got = append(got, fmt.Sprintf("%v %v", e.Warning(), e))
	}
	want := []string{
		"true line 1, column notes: unknown column, ignored",
		"true line 1: column 3 has no name; ignored",
		"false line 3, column phone: not a valid phone number for DE (such as 01512 3456789 or +49 1512 3456789)",
		"true line 1, column notes: unknown field, ignored",
		`false line 2, column birth_year: "1" is not a year between 1906 and 2026`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCSVDelimiters(t *testing.T) {
	t.Parallel()
	want := []ImportRow{row(2, func(r *ImportRow) {
		r.Phone, r.Country, r.Region = "+491712345678", "DE", "Berlin, Mitte; Nord"
	})}
	for _, tc := range []struct{ name, in string }{
		{"comma", "phone,country,region\n0171 2345678,DE,\"Berlin, Mitte; Nord\"\n"},
		{"semicolon", "phone;country;region\n0171 2345678;DE;\"Berlin, Mitte; Nord\"\n"},
		{"tab", "phone\tcountry\tregion\n0171 2345678\tDE\tBerlin, Mitte; Nord\n"},
		{"leading blank lines", "\n\nphone,country,region\n0171 2345678,DE,\"Berlin, Mitte; Nord\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, errs, err := readCSV(t, tc.in)
			if err != io.EOF {
				t.Fatalf("err = %v, want io.EOF", err)
			}
			w := want
			if tc.name == "leading blank lines" {
				w = []ImportRow{want[0]}
				w[0].Line = 4
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, w)
		})
	}
}

func TestCSVDelimiterInsideQuotedHeader(t *testing.T) {
	t.Parallel()
	// Three commas inside quotes do not outvote two semicolons outside.
	rows, errs, err := readCSV(t, "phone;\"country, ISO, 2, letters\";region\n+491712345678;DE;Berlin\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{{Line: 1, Column: "country, ISO, 2, letters", Message: "unknown column, ignored"}})
	checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.Phone, r.Region = "+491712345678", "Berlin" })})
}

func TestCSVSingleColumn(t *testing.T) {
	t.Parallel()
	rows, errs, err := readCSV(t, "external_id\nA-1\n  A-2  \n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, nil)
	checkRows(t, rows, []ImportRow{
		row(2, func(r *ImportRow) { r.ExternalID = "A-1" }),
		row(3, func(r *ImportRow) { r.ExternalID = "A-2" }),
	})
}

func TestCSVEncodingAndLineEnds(t *testing.T) {
	t.Parallel()
	want := []ImportRow{
		row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Zürich" }),
		row(3, func(r *ImportRow) { r.ExternalID, r.Region = "b", "Genève" }),
	}
	for _, tc := range []struct{ name, in string }{
		{"LF", "external_id,region\na,Zürich\nb,Genève\n"},
		{"CRLF", "external_id,region\r\na,Zürich\r\nb,Genève\r\n"},
		{"BOM and CRLF", "\ufeffexternal_id,region\r\na,Zürich\r\nb,Genève\r\n"},
		{"BOM, no final line end", "\ufeffexternal_id,region\na,Zürich\nb,Genève"},
		{"CRLF, no final line end", "external_id,region\r\na,Zürich\r\nb,Genève"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, errs, err := readCSV(t, tc.in)
			if err != io.EOF {
				t.Fatalf("err = %v", err)
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, want)
		})
	}
}

func TestCSVQuotedFieldsKeepLineNumbers(t *testing.T) {
	t.Parallel()
	in := "external_id;region;notes\r\n" +
		"a;\"Köln; Innenstadt\";\"first line\r\nsecond; line\r\nthird \"\"quoted\"\"\"\r\n" +
		"b;Bonn;\r\n" +
		"\r\n" +
		"c;\"Aachen\";\"x\ny\"\n" +
		"d;Essen;\n"
	rows, errs, err := readCSV(t, in)
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{{Line: 1, Column: "notes", Message: "unknown column, ignored"}})
	checkRows(t, rows, []ImportRow{
		row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Köln; Innenstadt" }),
		row(5, func(r *ImportRow) { r.ExternalID, r.Region = "b", "Bonn" }),
		row(7, func(r *ImportRow) { r.ExternalID, r.Region = "c", "Aachen" }),
		row(9, func(r *ImportRow) { r.ExternalID, r.Region = "d", "Essen" }),
	})
}

func TestCSVPhones(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		phone, country string
		want           string // E.164, or "" when an error is expected
		msg            string
	}{
		{"0171/2345678", "DE", "+491712345678", ""},
		{"0171 234 56 78", "de", "+491712345678", ""},
		{"+49 171 2345678", "", "+491712345678", ""},
		// libphonenumber drops the "(0)" that Germans write for the national
		// prefix inside an international number.
		{"+49 (0)171 2345678", "", "+491712345678", ""},
		{"+49 (0)171 2345678", "FR", "+491712345678", ""},
		{"0049 171 2345678", "", "+491712345678", ""},
		{"0049-171-2345678", "AT", "+491712345678", ""},
		{"(201) 555-0123", "US", "+12015550123", ""},
		{"06 12 34 56 78", "FR", "+33612345678", ""},
		{"0664 123456", "AT", "+43664123456", ""},
		{"12345", "DE", "", "not a valid phone number for DE (such as 01512 3456789 or +49 1512 3456789)"},
		{"+49 123", "", "", "not a valid phone number (expected + and the country code, such as +49 1512 3456789)"},
		{"+999 1234567", "DE", "", "not a valid phone number (expected + and the country code, such as +49 1512 3456789)"},
		{"call me", "DE", "", "not a valid phone number for DE (such as 01512 3456789 or +49 1512 3456789)"},
		{"0171 2345678", "", "", "is a national number, so the row needs a country (such as DE); or write the number with + and the country code (+49…)"},
		{"4,91712E+11", "DE", "", "looks like a number that a spreadsheet turned into scientific notation (like 4.9171E+11); format the column as text and export again"},
		{"4.91712E+11", "DE", "", "looks like a number that a spreadsheet turned into scientific notation (like 4.9171E+11); format the column as text and export again"},
	} {
		t.Run(tc.phone+"/"+tc.country, func(t *testing.T) {
			t.Parallel()
			in := fmt.Sprintf("phone;country\n%s;%s\n", tc.phone, tc.country)
			rows, errs, err := readCSV(t, in)
			if err != io.EOF {
				t.Fatalf("err = %v", err)
			}
			if tc.want != "" {
				checkErrs(t, errs, nil)
				checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.Phone, r.Country = tc.want, strings.ToUpper(tc.country) })})
				return
			}
			checkRows(t, rows, nil)
			checkErrs(t, errs, []RowError{{Line: 2, Column: "phone", Message: tc.msg}})
			if strings.Contains(errs[0].Message, strings.TrimSpace(tc.phone)) {
				t.Errorf("message repeats the phone number: %q", errs[0].Message)
			}
		})
	}
}

func TestCSVPhoneWithBadCountry(t *testing.T) {
	t.Parallel()
	_, errs, _ := readCSV(t, "phone,country\n0171 2345678,XX\n+49 171 2345678,Germany\n")
	checkErrs(t, errs, []RowError{
		{Line: 2, Column: "country", Message: `"XX" is not an assigned ISO 3166-1 country code`},
		{Line: 2, Column: "phone", Message: "is a national number and the row's country is not valid; fix the country or write the number with + and the country code"},
		{Line: 3, Column: "country", Message: `"Germany" is not an ISO 3166-1 alpha-2 country code (expected two letters such as DE)`},
	})
}

func TestCSVIdentifiers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 201)
	rows, errs, err := readCSV(t, "phone,external_id,country\n"+
		",,DE\n"+
		" , ,DE\n"+
		"+491712345678,crm-1,DE\n"+
		","+long+",DE\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkRows(t, rows, []ImportRow{row(4, func(r *ImportRow) { r.Phone, r.ExternalID, r.Country = "+491712345678", "crm-1", "DE" })})
	checkErrs(t, errs, []RowError{
		{Line: 2, Column: "phone", Message: "each row needs a phone number or an external_id"},
		{Line: 3, Column: "phone", Message: "each row needs a phone number or an external_id"},
		{Line: 5, Column: "external_id", Message: "is longer than 200 characters"},
	})

	// Without a phone column the problem is reported on external_id.
	_, errs, _ = readCSV(t, "external_id,country\n,DE\n")
	checkErrs(t, errs, []RowError{{Line: 2, Column: "external_id", Message: "each row needs a phone number or an external_id"}})
}

func TestCSVConsents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cell string
		want map[Purpose]bool // nil: not stated
		bad  bool
	}{
		{"yes", map[Purpose]bool{2: true}, false},
		{"YES", map[Purpose]bool{2: true}, false},
		{" y ", map[Purpose]bool{2: true}, false},
		{"True", map[Purpose]bool{2: true}, false},
		{"1", map[Purpose]bool{2: true}, false},
		{"Ja", map[Purpose]bool{2: true}, false},
		{"WAHR", map[Purpose]bool{2: true}, false},
		{"no", map[Purpose]bool{2: false}, false},
		{"N", map[Purpose]bool{2: false}, false},
		{"false", map[Purpose]bool{2: false}, false},
		{"0", map[Purpose]bool{2: false}, false},
		{"nein", map[Purpose]bool{2: false}, false},
		{"FALSCH", map[Purpose]bool{2: false}, false},
		{"", nil, false},
		{"   ", nil, false},
		{"maybe", nil, true},
		{"2", nil, true},
		{"oui", nil, true},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			t.Parallel()
			rows, errs, _ := readCSV(t, "external_id,consent_2\nx,"+tc.cell+"\n")
			if tc.bad {
				checkRows(t, rows, nil)
				checkErrs(t, errs, []RowError{{Line: 2, Column: "consent_2", Message: fmt.Sprintf(
					"%q is not yes or no (also accepted: y/n, true/false, 1/0, ja/nein; leave it empty if not stated)", strings.TrimSpace(tc.cell))}})
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.Consents = "x", tc.want })})
		})
	}
}

func TestCSVAllPurposes(t *testing.T) {
	t.Parallel()
	rows, errs, _ := readCSV(t, "external_id,Consent_1,CONSENT_2, consent 3 ,consent-4,consent_7,consent_09\nx,yes,no,,yes,no,yes\n")
	checkErrs(t, errs, nil)
	checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) {
		r.ExternalID = "x"
		r.Consents = map[Purpose]bool{1: true, 2: false, 4: true, 7: false, 9: true}
	})})
}

func TestCSVHeaderProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"unknown purpose", "phone,consent_5\n", "consent_5: purpose 5 is not recorded (use 1, 2, 3, 4, 7 or 9)"},
		{"purpose that is not a number", "phone,consent_x\n", `consent_x: "x" is not a purpose number (use 1, 2, 3, 4, 7 or 9)`},
		{"two unknown purposes", "phone;consent_5;consent_6\n", "consent_5: purpose 5 is not recorded (use 1, 2, 3, 4, 7 or 9); consent_6: purpose 6 is not recorded"},
		{"duplicated column", "phone,country,Phone\n", "column phone appears twice (columns 1 and 3)"},
		{"duplicated column spelled differently", "external_id,Birth Year,birth_year\n", "column birth_year appears twice (columns 2 and 3)"},
		{"duplicated consent", "phone,consent_2,consent_02\n", "column consent_2 appears twice (columns 2 and 3)"},
		{"no known column", "+491712345678,DE,Berlin\n+491712345679,DE,Bonn\n", "no recognisable header: line 1 names none of the columns"},
		{"no identifier column", "country,region\nDE,Berlin\n", "the header needs a phone or an external_id column"},
		{"invalid UTF-8 in the header", "phone,r\xe9gion\n", "the header is not valid UTF-8"},
		{"broken quote in the header", "phone,\"country\n", "line 1: the header cannot be read"},
		{"old Mac line ends", "phone,country\r0171 2345678,DE\r", "old Macintosh line ends"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rr, err := NewCSVReader(strings.NewReader(tc.in), testYear)
			if rr != nil {
				t.Errorf("got a reader together with the error")
			}
			fileError(t, err, tc.want)
		})
	}
}

func TestRowReaderShortensLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 5000)
	_, err := NewCSVReader(strings.NewReader("phone,consent_"+long+"\n"), testYear)
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Message) > 400 {
		t.Errorf("FileError = %v, want a short one", err)
	}
	_, errs, _ := readCSV(t, "phone,"+long+"\n")
	if len(errs) != 1 || errs[0].Column != strings.Repeat("x", 100)+"…" {
		t.Errorf("row errors = %v, want one with the column name shortened", errs)
	}
	_, errs, _ = readNDJSON(t, `{"external_id":"x","`+long+`":1}`+"\n"+`{"external_id":"y","consents":{"`+long+`":true}}`)
	if len(errs) != 2 || len(errs[0].Column) > 110 || len(errs[1].Column) > 120 || len(errs[1].Message) > 200 {
		t.Errorf("row errors = %v, want short columns and messages", errs)
	}
}

func TestCSVUnknownColumns(t *testing.T) {
	t.Parallel()
	rows, errs, err := readCSV(t, "phone,cosent_2,Kundennummer,,country\n+491712345678,yes,42,,DE\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{
		{Line: 1, Column: "cosent_2", Message: "unknown column, ignored (did you mean consent_2?)"},
		{Line: 1, Column: "Kundennummer", Message: "unknown column, ignored"},
		{Line: 1, Message: "column 4 has no name; ignored"},
	})
	checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.Phone, r.Country = "+491712345678", "DE" })})
}

func TestCSVHeaderOnly(t *testing.T) {
	t.Parallel()
	rows, errs, err := readCSV(t, "phone,country\n")
	if err != io.EOF || len(rows) != 0 || len(errs) != 0 {
		t.Errorf("got %v, %v, %v; want no rows and io.EOF", rows, errs, err)
	}
}

func TestRowReaderFileErrors(t *testing.T) {
	t.Parallel()
	binary := append([]byte("phone\n"), 0x00, 0x01, 0x02, 0xff, 0x00)
	utf16 := []byte{'p', 0, 'h', 0, 'o', 0, 'n', 0, 'e', 0, '\n', 0}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"only a BOM", []byte("\ufeff"), "the file is empty"},
		{"only blank lines", []byte("\r\n\n  \n"), "the file is empty"},
		{"UTF-16 LE BOM", []byte("\xff\xfep\x00h\x00o\x00n\x00e\x00"), "the file is UTF-16; save it as UTF-8"},
		{"UTF-16 BE BOM", []byte("\xfe\xff\x00p\x00h"), "the file is UTF-16; save it as UTF-8"},
		{"UTF-16 without BOM", utf16, "looks like UTF-16"},
		{"binary", binary, "the file looks binary"},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), "Excel workbook (.xlsx)"},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "old Excel workbook (.xls)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewCSVReader(bytes.NewReader(tc.in), testYear)
			fileError(t, err, tc.want)
			_, err = NewNDJSONReader(bytes.NewReader(tc.in), testYear)
			fileError(t, err, tc.want)
		})
	}
}

func TestCSVFieldCount(t *testing.T) {
	t.Parallel()
	rows, errs, err := readCSV(t, "external_id,country,region\na,DE\nb,DE,Berlin,extra\nc,DE,Bonn\n;;\n,,\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{
		{Line: 2, Message: "has 2 fields, the header has 3"},
		{Line: 3, Message: "has 4 fields, the header has 3"},
		{Line: 5, Message: "has 1 fields, the header has 3"},
	})
	checkRows(t, rows, []ImportRow{row(4, func(r *ImportRow) { r.ExternalID, r.Country, r.Region = "c", "DE", "Bonn" })})
}

func TestCSVInvalidUTF8Row(t *testing.T) {
	t.Parallel()
	rows, errs, err := readCSV(t, "external_id,region,interests,consent_2\na,M\xfcnchen,x,yes\nb,Bonn,caf\xe9,j\xe4\nc,Köln,,\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{
		{Line: 2, Column: "region", Message: notUTF8Message},
		{Line: 3, Column: "interests", Message: notUTF8Message},
		{Line: 3, Column: "consent_2", Message: notUTF8Message},
	})
	checkRows(t, rows, []ImportRow{row(4, func(r *ImportRow) { r.ExternalID, r.Region = "c", "Köln" })})
}

func TestCSVBirthYear(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cell string
		want int
		bad  bool
	}{
		{"1906", 1906, false},
		{"2026", 2026, false},
		{" 1985 ", 1985, false},
		{"", 0, false},
		{"1905", 0, true},
		{"2027", 0, true},
		{"19x0", 0, true},
		{"-1990", 0, true},
		{"+1990", 0, true},
		{"1990.0", 0, true},
		{"85", 0, true},
		{"99999999999999999999", 0, true},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			t.Parallel()
			rows, errs, _ := readCSV(t, "external_id,birth_year\nx,"+tc.cell+"\n")
			if tc.bad {
				checkRows(t, rows, nil)
				checkErrs(t, errs, []RowError{{Line: 2, Column: "birth_year",
					Message: fmt.Sprintf("%q is not a year between 1906 and 2026", strings.TrimSpace(tc.cell))}})
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.BirthYear = "x", tc.want })})
		})
	}
}

func TestCSVInterests(t *testing.T) {
	t.Parallel()
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("topic %d", i)
	}
	for _, tc := range []struct {
		name, cell string
		want       []string
		msg        string
	}{
		{"split, trim, lower-case, de-duplicate", " Music | SPORT|music||  |Sport |Reisen", []string{"music", "sport", "reisen"}, ""},
		{"unicode lower-case", "FUSSBALL|Straße|ÉTÉ", []string{"fussball", "straße", "été"}, ""},
		{"empty", "", nil, ""},
		{"only separators", "| | |", nil, ""},
		{"50 different", strings.Join(many[:50], "|"), many[:50], ""},
		{"50 different with repeats", strings.Join(many[:50], "|") + "|TOPIC 0|topic 49", many[:50], ""},
		{"51 different", strings.Join(many, "|"), nil, "has more than 50 different interests; at most 50 are allowed"},
		{"60 characters", strings.Repeat("ä", 60), []string{strings.Repeat("ä", 60)}, ""},
		{"61 characters", "ok|" + strings.Repeat("a", 61), nil, `interest "` + strings.Repeat("a", 40) + `…" is longer than 60 characters`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, errs, _ := readCSV(t, "external_id;interests\nx;\""+tc.cell+"\"\n")
			if tc.msg != "" {
				checkRows(t, rows, nil)
				checkErrs(t, errs, []RowError{{Line: 2, Column: "interests", Message: tc.msg}})
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.Interests = "x", tc.want })})
		})
	}
}

func TestCSVConsentAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cell string
		want time.Time
		bad  bool
	}{
		{"2024-05-01T10:00:00Z", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), false},
		{"2024-05-01T12:00:00+02:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), false},
		{"2024-05-01T10:00:00.123456Z", time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC), false},
		{"2024-05-01", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), false},
		{"2024-05-01 10:00:00", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), false},
		{"", time.Time{}, false},
		{"01.05.2024", time.Time{}, true},
		{"2024-05-01T10:00:00", time.Time{}, true},
		{"2024-02-30", time.Time{}, true},
		{"yesterday", time.Time{}, true},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			t.Parallel()
			rows, errs, _ := readCSV(t, "external_id,consent_at\nx,"+tc.cell+"\n")
			if tc.bad {
				checkRows(t, rows, nil)
				checkErrs(t, errs, []RowError{{Line: 2, Column: "consent_at", Message: fmt.Sprintf(
					"%q is not a date or time (expected 2024-12-31, 2024-12-31 14:30:00 in UTC, or RFC 3339 such as 2024-12-31T14:30:00+01:00)", tc.cell)}})
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.ConsentAt = "x", tc.want })})
		})
	}
}

func TestCSVCountryLanguageAndText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header, cell string
		set                func(r *ImportRow)
		msg                string
	}{
		{"lower-case country", "country", "de", func(r *ImportRow) { r.Country = "DE" }, ""},
		{"Kosovo", "country", "XK", func(r *ImportRow) { r.Country = "XK" }, ""},
		{"UK", "country", "uk", nil, `"UK" is not an ISO 3166-1 country code; the United Kingdom is GB`},
		{"unassigned country", "country", "QQ", nil, `"QQ" is not an assigned ISO 3166-1 country code`},
		{"country name", "country", "Deutschland", nil, `"Deutschland" is not an ISO 3166-1 alpha-2 country code (expected two letters such as DE)`},
		{"alpha-3 country", "country", "DEU", nil, `"DEU" is not an ISO 3166-1 alpha-2 country code (expected two letters such as DE)`},
		{"language", "language", "de", func(r *ImportRow) { r.Language = "de" }, ""},
		{"upper-case language", "language", "DE", func(r *ImportRow) { r.Language = "de" }, ""},
		{"language with region", "language", "de-DE", func(r *ImportRow) { r.Language = "de" }, ""},
		{"language with underscore region", "language", "pt_BR", func(r *ImportRow) { r.Language = "pt" }, ""},
		{"language with script and region", "language", "zh-Hant-TW", func(r *ImportRow) { r.Language = "zh" }, ""},
		{"Java's old Hebrew code", "language", "iw", func(r *ImportRow) { r.Language = "he" }, ""},
		{"alpha-3 language", "language", "deu", nil, `"deu" is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)`},
		{"unassigned language", "language", "qq", nil, `"qq" is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)`},
		{"language name", "language", "Deutsch", nil, `"Deutsch" is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)`},
		{"bad region subtag", "language", "de-", nil, `"de-" is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)`},
		{"region", "region", "  Baden-Württemberg ", func(r *ImportRow) { r.Region = "Baden-Württemberg" }, ""},
		{"region of 100 characters", "region", strings.Repeat("ü", 100), func(r *ImportRow) { r.Region = strings.Repeat("ü", 100) }, ""},
		{"region of 101 characters", "region", strings.Repeat("ü", 101), nil, "is 101 characters long; at most 100 are allowed"},
		{"region with a line break", "region", "\"Berlin\nMitte\"", nil, "contains control characters such as line breaks"},
		{"consent source", "consent_source", "Gewinnspiel 2024", func(r *ImportRow) { r.ConsentSource = "Gewinnspiel 2024" }, ""},
		{"notice version", "notice_version", " v3.1 ", func(r *ImportRow) { r.NoticeVersion = "v3.1" }, ""},
		{"long notice version", "notice_version", strings.Repeat("v", 101), nil, "is 101 characters long; at most 100 are allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, errs, _ := readCSV(t, "external_id,"+tc.header+"\nx,"+tc.cell+"\n")
			if tc.msg != "" {
				checkRows(t, rows, nil)
				checkErrs(t, errs, []RowError{{Line: 2, Column: tc.header, Message: tc.msg}})
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID = "x"; tc.set(r) })})
		})
	}
}

func TestCSVRowWithSeveralErrorsIsSkippedWhole(t *testing.T) {
	t.Parallel()
	rows, errs, _ := readCSV(t, "Phone,Country,Birth_Year,consent_2\n12,DE,1800,vielleicht\n")
	checkRows(t, rows, nil)
	checkErrs(t, errs, []RowError{
		{Line: 2, Column: "Phone", Message: "not a valid phone number for DE (such as 01512 3456789 or +49 1512 3456789)"},
		{Line: 2, Column: "Birth_Year", Message: `"1800" is not a year between 1906 and 2026`},
		{Line: 2, Column: "consent_2", Message: `"vielleicht" is not yes or no (also accepted: y/n, true/false, 1/0, ja/nein; leave it empty if not stated)`},
	})
}

func TestCSVQuoteErrors(t *testing.T) {
	t.Parallel()
	t.Run("bare quote in one line: the row is skipped, reading goes on", func(t *testing.T) {
		t.Parallel()
		rows, errs, err := readCSV(t, "external_id,region\na,Bonn\nb,Mün\"chen\nc,\"Köln\"x\nd,Essen\n")
		if err != io.EOF {
			t.Fatalf("err = %v", err)
		}
		checkErrs(t, errs, []RowError{
			{Line: 3, Column: "region", Message: `has a quote (") in a field that is not quoted; put the field in quotes and double the quote inside ("")`},
			{Line: 4, Column: "region", Message: `has a quoted field that is not closed properly; a quote inside a quoted field must be doubled ("")`},
		})
		checkRows(t, rows, []ImportRow{
			row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Bonn" }),
			row(5, func(r *ImportRow) { r.ExternalID, r.Region = "d", "Essen" }),
		})
	})
	t.Run("a quote that swallows lines stops the read", func(t *testing.T) {
		t.Parallel()
		rows, errs, err := readCSV(t, "external_id,region\na,Bonn\nb,\"Mün\nc,Köln\nd,\"Essen\"\ne,Kiel\n")
		fileError(t, err, "line 3: a quoted field starting here is not closed properly (the problem shows at line 5)")
		checkErrs(t, errs, []RowError{{Line: 3, Column: "region", Message: `has a quoted field that is not closed properly; a quote inside a quoted field must be doubled ("")`}})
		checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Bonn" })})
	})
	t.Run("an unclosed quote at the end", func(t *testing.T) {
		t.Parallel()
		rows, errs, err := readCSV(t, "external_id,region\na,Bonn\nb,\"Mün\nc,Köln\n")
		fileError(t, err, "line 3: a quoted field starting here is not closed properly")
		checkErrs(t, errs, []RowError{{Line: 3, Column: "region", Message: `has a quoted field that is not closed properly; a quote inside a quoted field must be doubled ("")`}})
		checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Bonn" })})
	})
	t.Run("a quote that pairs up with a later one shows as a field count", func(t *testing.T) {
		t.Parallel()
		rows, errs, err := readCSV(t, "external_id,region\nb,\"Mün\nc,Köln\nd,\",x\ne,Kiel\n")
		if err != io.EOF {
			t.Fatalf("err = %v", err)
		}
		checkErrs(t, errs, []RowError{{Line: 2, Message: "has 3 fields, the header has 2 (the record runs to line 4; is a quote not closed?)"}})
		checkRows(t, rows, []ImportRow{row(5, func(r *ImportRow) { r.ExternalID, r.Region = "e", "Kiel" })})
	})
}

func TestCSVRecordTooLong(t *testing.T) {
	t.Parallel()
	in := "external_id,region\na,Bonn\nb,\"" + strings.Repeat("x", 2<<20) + "\"\nc,Kiel\n"
	rows, _, err := readCSV(t, in)
	fileError(t, err, "a record is longer than 1 MiB")
	checkRows(t, rows, []ImportRow{row(2, func(r *ImportRow) { r.ExternalID, r.Region = "a", "Bonn" })})

	// Just under the limit is fine, however the read buffer falls.
	in = "external_id,region\na,Bonn\nb,\"" + strings.Repeat("x", maxImportRecord-10) + "\"\nc,Kiel\n"
	rows, errs, err := readCSV(t, in)
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{{Line: 3, Column: "region", Message: "is 1048566 characters long; at most 100 are allowed"}})
	if len(rows) != 2 {
		t.Errorf("got %d rows, want 2", len(rows))
	}
}

func TestRowErrorsPerCallAreCapped(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("external_id,birth_year\n")
	for range 1500 {
		b.WriteString("x,1000\n")
	}
	b.WriteString("ok,1990\n")
	rr, err := NewCSVReader(strings.NewReader(b.String()), testYear)
	if err != nil {
		t.Fatal(err)
	}
	r, errs, err := rr.Next()
	if err != nil || r.ExternalID != "ok" || r.Line != 1502 {
		t.Fatalf("Next = %+v, %v; want the row on line 1502", r, err)
	}
	if len(errs) != maxRowErrorsPerCall+1 {
		t.Fatalf("got %d row errors, want %d", len(errs), maxRowErrorsPerCall+1)
	}
	if errs[999].Line != 1001 {
		t.Errorf("last listed error is on line %d, want 1001", errs[999].Line)
	}
	want := RowError{Line: 1002, Message: "500 more problems on lines 1002 to 1501 are not listed"}
	if errs[1000] != want {
		t.Errorf("summary = %#v, want %#v", errs[1000], want)
	}
	if _, errs, err := rr.Next(); err != io.EOF || errs != nil {
		t.Errorf("second Next = %v, %v; want io.EOF alone", errs, err)
	}
}

func TestRowReaderEndIsSticky(t *testing.T) {
	t.Parallel()
	rr, err := NewCSVReader(strings.NewReader("phone\n+491712345678\n"), testYear)
	if err != nil {
		t.Fatal(err)
	}
	readRows(t, rr)
	for range 3 {
		if _, _, err := rr.Next(); err != io.EOF {
			t.Fatalf("Next after the end = %v, want io.EOF", err)
		}
	}
}

// failingReader returns data, then an error other than EOF.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestRowReaderReadErrorsAreNotFileErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	for name, newReader := range map[string]func(io.Reader, int) (RowReader, error){"CSV": NewCSVReader, "NDJSON": NewNDJSONReader} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// More than the 64 KiB the constructors look at, so that the
			// failure comes in the middle of Next.
			const good = 5000
			var b strings.Builder
			if name == "CSV" {
				b.WriteString("phone\n")
			}
			for range good {
				if name == "CSV" {
					b.WriteString("+491712345678\n")
				} else {
					b.WriteString("{\"phone\":\"+491712345678\"}\n")
				}
			}
			b.WriteString("+4917") // a half row, then the connection breaks
			in := b.String()
			rr, err := newReader(&failingReader{data: []byte(in), err: boom}, testYear)
			if err != nil {
				t.Fatal(err)
			}
			rows, _, err := readRows(t, rr)
			if !errors.Is(err, boom) {
				t.Errorf("err = %v, want it to wrap %v", err, boom)
			}
			var fe *FileError
			if errors.As(err, &fe) {
				t.Errorf("a read error came back as a FileError")
			}
			if len(rows) != good {
				t.Errorf("got %d rows, want the %d before the failure (and no half row)", len(rows), good)
			}
		})
	}
}

func TestRowReaderOffsetReachesFileSize(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("\ufeffphone;country;region\r\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "0171 %07d;DE;Region %d\r\n", i, i)
	}
	csvIn := b.String()
	b.Reset()
	for i := range 5000 {
		fmt.Fprintf(&b, "{\"phone\":\"0171 %07d\",\"country\":\"DE\"}\n", i)
	}
	ndIn := b.String()
	for _, tc := range []struct {
		name      string
		in        string
		newReader func(io.Reader, int) (RowReader, error)
	}{
		{"CSV", csvIn, NewCSVReader},
		{"NDJSON", ndIn, NewNDJSONReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rr, err := tc.newReader(strings.NewReader(tc.in), testYear)
			if err != nil {
				t.Fatal(err)
			}
			var last int64
			grew := false
			n := 0
			for {
				_, _, err := rr.Next()
				off := rr.Offset()
				if off < last {
					t.Fatalf("Offset went back from %d to %d", last, off)
				}
				if off > last && last > 0 {
					grew = true
				}
				last = off
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != 5000 {
				t.Errorf("read %d rows, want 5000", n)
			}
			if !grew {
				t.Errorf("Offset never grew during the read")
			}
			if last != int64(len(tc.in)) {
				t.Errorf("Offset at EOF = %d, want the file size %d", last, len(tc.in))
			}
		})
	}
}

func TestNDJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		line string
		set  func(r *ImportRow) // nil: the line is expected to fail with errs
		errs []RowError
	}{
		{"full row",
			`{"phone":"0171/2345678","country":"de","region":" Bayern ","language":"de-DE","birth_year":1985,"interests":["Music"," sport ","music"],"consents":{"2":true,"3":false,"4":"ja","7":null},"consent_source":"app","notice_version":"v2","consent_at":"2024-05-01 10:00:00"}`,
			func(r *ImportRow) {
				r.Phone, r.Country, r.Region, r.Language, r.BirthYear = "+491712345678", "DE", "Bayern", "de", 1985
				r.Interests = []string{"music", "sport"}
				r.Consents = map[Purpose]bool{2: true, 3: false, 4: true}
				r.ConsentSource, r.NoticeVersion = "app", "v2"
				r.ConsentAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
			}, nil},
		{"consent_N keys, string year, interests as a string",
			`{"External_ID":"crm-1","birth_year":"1990","interests":"Reisen|Kochen","consent_2":"yes","consent_7":false,"consent_9":1,"consent_1":null}`,
			func(r *ImportRow) {
				r.ExternalID, r.BirthYear = "crm-1", 1990
				r.Interests = []string{"reisen", "kochen"}
				r.Consents = map[Purpose]bool{2: true, 7: false, 9: true}
			}, nil},
		{"numeric external id", `{"external_id":12345}`, func(r *ImportRow) { r.ExternalID = "12345" }, nil},
		{"nulls are missing values", `{"external_id":"x","phone":null,"country":null,"interests":null,"consents":null,"birth_year":null}`,
			func(r *ImportRow) { r.ExternalID = "x" }, nil},
		{"whitespace around the object", " \t{\"external_id\":\"x\"}  \r", func(r *ImportRow) { r.ExternalID = "x" }, nil},
		{"not JSON", `not json`, nil, []RowError{{Line: 1, Message: "is not valid JSON: invalid character 'o' in literal null (expecting 'u')"}}},
		{"truncated", `{"external_id":"x"`, nil, []RowError{{Line: 1, Message: "is not valid JSON: EOF"}}},
		{"array", `["x"]`, nil, []RowError{{Line: 1, Message: `is not a JSON object; each line must hold one object such as {"phone": "+4915123456789"}`}}},
		{"string", `"x"`, nil, []RowError{{Line: 1, Message: `is not a JSON object; each line must hold one object such as {"phone": "+4915123456789"}`}}},
		{"two objects", `{"external_id":"x"}{"external_id":"y"}`, nil, []RowError{{Line: 1, Message: "has more after the JSON object; put each object on its own line"}}},
		{"unknown purpose in consents", `{"external_id":"x","consents":{"5":true,"2":true}}`, nil,
			[]RowError{{Line: 1, Column: "consents.5", Message: "purpose 5 is not recorded (use 1, 2, 3, 4, 7 or 9)"}}},
		{"unknown purpose key", `{"external_id":"x","consent_8":true}`, nil,
			[]RowError{{Line: 1, Column: "consent_8", Message: "purpose 8 is not recorded (use 1, 2, 3, 4, 7 or 9)"}}},
		{"purpose given twice", `{"external_id":"x","consents":{"2":true},"consent_2":false}`, nil,
			[]RowError{{Line: 1, Column: "consent_2", Message: "purpose 2 is given twice (also as consents.2)"}}},
		{"key given twice", `{"external_id":"x","Phone":"+491712345678","phone":"+491712345679"}`, nil,
			[]RowError{{Line: 1, Column: "phone", Message: "phone is given twice"}}},
		{"consents not an object", `{"external_id":"x","consents":[2,3]}`, nil,
			[]RowError{{Line: 1, Column: "consents", Message: `must be an object such as {"2": true, "3": false}`}}},
		{"consent an object", `{"external_id":"x","consent_2":{}}`, nil,
			[]RowError{{Line: 1, Column: "consent_2", Message: `must be true, false, "yes", "no" or null`}}},
		{"bad consent word", `{"external_id":"x","consent_2":"maybe"}`, nil,
			[]RowError{{Line: 1, Column: "consent_2", Message: `"maybe" is not yes or no (also accepted: y/n, true/false, 1/0, ja/nein; leave it empty if not stated)`}}},
		{"country an array", `{"external_id":"x","country":["DE"]}`, nil,
			[]RowError{{Line: 1, Column: "country", Message: "must be a string, not an array"}}},
		{"phone a boolean", `{"phone":true}`, nil,
			[]RowError{{Line: 1, Column: "phone", Message: "must be a string, not a bool"}}},
		{"interests with a number", `{"external_id":"x","interests":["a",1]}`, nil,
			[]RowError{{Line: 1, Column: "interests", Message: `must be an array of strings or a "|"-separated string`}}},
		{"birth year out of range", `{"external_id":"x","birth_year":1800}`, nil,
			[]RowError{{Line: 1, Column: "birth_year", Message: `"1800" is not a year between 1906 and 2026`}}},
		{"birth year not an integer", `{"external_id":"x","birth_year":1990.5}`, nil,
			[]RowError{{Line: 1, Column: "birth_year", Message: `"1990.5" is not a year between 1906 and 2026`}}},
		{"national phone without country", `{"phone":"0171 2345678"}`, nil,
			[]RowError{{Line: 1, Column: "phone", Message: "is a national number, so the row needs a country (such as DE); or write the number with + and the country code (+49…)"}}},
		{"no identifier", `{"country":"DE"}`, nil,
			[]RowError{{Line: 1, Column: "phone", Message: "each row needs a phone number or an external_id"}}},
		{"empty object", `{}`, nil,
			[]RowError{{Line: 1, Column: "phone", Message: "each row needs a phone number or an external_id"}}},
		{"invalid UTF-8", "{\"external_id\":\"M\xfcnster\"}", nil, []RowError{{Line: 1, Message: notUTF8Message}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A first line that does not start with "{" makes the whole
			// file a FileError, so the line under test is the second.
			first := row(1, func(r *ImportRow) { r.ExternalID = "first" })
			rows, errs, err := readNDJSON(t, "{\"external_id\":\"first\"}\n"+tc.line+"\n")
			if err != io.EOF {
				t.Fatalf("err = %v", err)
			}
			if tc.set == nil {
				want := slices.Clone(tc.errs)
				for i := range want {
					want[i].Line = 2
				}
				checkRows(t, rows, []ImportRow{first})
				checkErrs(t, errs, want)
				return
			}
			checkErrs(t, errs, nil)
			checkRows(t, rows, []ImportRow{first, row(2, tc.set)})
		})
	}
}

func TestNDJSONLinesAndUnknownKeys(t *testing.T) {
	t.Parallel()
	in := "\ufeff{\"external_id\":\"a\",\"crm_segment\":\"gold\"}\r\n" +
		"\r\n" +
		"   \n" +
		"{\"external_id\":\"b\",\"crm_segment\":\"silver\",\"cosent_2\":true}\n" +
		"{\"external_id\":\"c\"}" // no final line end
	rows, errs, err := readNDJSON(t, in)
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{
		{Line: 1, Column: "crm_segment", Message: "unknown field, ignored"},
		{Line: 4, Column: "cosent_2", Message: "unknown field, ignored (did you mean consent_2?)"},
	})
	checkRows(t, rows, []ImportRow{
		row(1, func(r *ImportRow) { r.ExternalID = "a" }),
		row(4, func(r *ImportRow) { r.ExternalID = "b" }),
		row(5, func(r *ImportRow) { r.ExternalID = "c" }),
	})
}

func TestNDJSONLongLine(t *testing.T) {
	t.Parallel()
	long := `{"external_id":"x","region":"` + strings.Repeat("y", 3<<20) + `"}`
	fits := `{"external_id":"z","notes":"` + strings.Repeat("n", maxImportRecord-40) + `"}`
	rows, errs, err := readNDJSON(t, "{\"external_id\":\"a\"}\n"+long+"\n"+fits+"\n{\"external_id\":\"b\"}\n")
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	checkErrs(t, errs, []RowError{
		{Line: 2, Message: "is longer than 1 MiB; each line must hold one JSON object"},
		{Line: 3, Column: "notes", Message: "unknown field, ignored"},
	})
	checkRows(t, rows, []ImportRow{
		row(1, func(r *ImportRow) { r.ExternalID = "a" }),
		row(3, func(r *ImportRow) { r.ExternalID = "z" }),
		row(4, func(r *ImportRow) { r.ExternalID = "b" }),
	})
}

func TestNDJSONFileErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"JSON array", "[{\"phone\":\"+491712345678\"}]", "the file is one JSON array"},
		{"CSV uploaded as NDJSON", "phone,country\n+491712345678,DE\n", "the file is not NDJSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewNDJSONReader(strings.NewReader(tc.in), testYear)
			fileError(t, err, tc.want)
		})
	}
}

func TestRowReaderSampleFiles(t *testing.T) {
	t.Parallel()
	notStated := map[Purpose]bool(nil)
	for _, tc := range []struct {
		file string
		rows []ImportRow
		errs []RowError
	}{
		{
			file: "de_excel_semicolon.csv", // German Excel: BOM, CRLF, semicolons, ja/nein/WAHR, multi-line notes
			rows: []ImportRow{
				{Line: 2, Phone: "+491712345678", Country: "DE", Region: "Bayern", Language: "de", BirthYear: 1985,
					Interests:     []string{"fußball", "reisen"},
					Consents:      map[Purpose]bool{1: true, 2: true, 3: false, 4: false, 7: true},
					ConsentSource: "Gewinnspiel", NoticeVersion: "v3", ConsentAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
				{Line: 3, Phone: "+4915123456789", Country: "DE", Region: "Nordrhein-Westfalen", Language: "de",
					Interests:     []string{"kochen"},
					Consents:      map[Purpose]bool{1: true, 2: true, 3: true, 4: true, 7: true, 9: true},
					ConsentSource: "Website", NoticeVersion: "v3", ConsentAt: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)},
				{Line: 5, Phone: "+491601234567", Country: "AT", Region: "Wien", Language: "de", BirthYear: 1990,
					Consents: notStated, ConsentSource: "import"},
			},
			errs: []RowError{
				{Line: 1, Column: "Notizen", Message: "unknown column, ignored"},
				{Line: 6, Column: "Phone", Message: "looks like a number that a spreadsheet turned into scientific notation (like 4.9171E+11); format the column as text and export again"},
			},
		},
		{
			file: "messy.csv",
			rows: []ImportRow{
				{Line: 2, Phone: "+4915123456789", Country: "DE", Region: "Berlin", Language: "de", BirthYear: 1990,
					Interests: []string{"music", "sport"}, Consents: map[Purpose]bool{2: true, 3: false},
					ConsentSource: "import", ConsentAt: time.Date(2024, 1, 31, 11, 0, 0, 0, time.UTC)},
				{Line: 3, ExternalID: "crm-1001", Country: "FR", Region: "Île-de-France", Language: "fr", ConsentSource: "import"},
				{Line: 8, ExternalID: "crm-1004", Country: "DE", Region: `Köln, "Altstadt"`, Language: "de", BirthYear: 1975,
					Consents: map[Purpose]bool{2: true, 3: false}, ConsentSource: "import", ConsentAt: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
				{Line: 11, ExternalID: "crm-1006", Country: "DE", Region: "bremen", Language: "de", BirthYear: 2026,
					Interests: []string{"a", "b"}, Consents: map[Purpose]bool{2: true, 3: false},
					ConsentSource: "import", ConsentAt: time.Date(2024, 3, 1, 8, 15, 0, 0, time.UTC)},
				{Line: 13, ExternalID: "crm-1008", Country: "US", Language: "en", BirthYear: 1906,
					Consents: map[Purpose]bool{2: true, 3: false}, ConsentSource: "import"},
			},
			errs: []RowError{
				{Line: 1, Column: "cosent_4", Message: "unknown column, ignored (did you mean consent_4?)"},
				{Line: 4, Column: "phone", Message: "is a national number, so the row needs a country (such as DE); or write the number with + and the country code (+49…)"},
				{Line: 5, Column: "phone", Message: "not a valid phone number (expected + and the country code, such as +49 1512 3456789)"},
				{Line: 6, Column: "country", Message: `"UK" is not an ISO 3166-1 country code; the United Kingdom is GB`},
				{Line: 6, Column: "language", Message: `"english" is not an ISO 639-1 language code (expected two letters such as de, optionally with a region such as de-DE)`},
				{Line: 6, Column: "birth_year", Message: `"19x0" is not a year between 1906 and 2026`},
				{Line: 6, Column: "consent_2", Message: `"maybe" is not yes or no (also accepted: y/n, true/false, 1/0, ja/nein; leave it empty if not stated)`},
				{Line: 6, Column: "consent_at", Message: `"31.12.2024" is not a date or time (expected 2024-12-31, 2024-12-31 14:30:00 in UTC, or RFC 3339 such as 2024-12-31T14:30:00+01:00)`},
				{Line: 7, Message: "has 9 fields, the header has 11"},
				{Line: 9, Column: "region", Message: `has a quote (") in a field that is not quoted; put the field in quotes and double the quote inside ("")`},
				{Line: 10, Column: "phone", Message: "each row needs a phone number or an external_id"},
				{Line: 12, Column: "region", Message: notUTF8Message},
			},
		},
		{
			file: "profiles.ndjson",
			rows: []ImportRow{
				{Line: 1, Phone: "+4915123456789", Country: "DE", Region: "Bayern", Language: "de", BirthYear: 1985,
					Interests: []string{"music", "sport"}, Consents: map[Purpose]bool{2: true, 3: false, 4: true},
					ConsentSource: "app", NoticeVersion: "v2", ConsentAt: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)},
				{Line: 2, ExternalID: "12345", Country: "AT", BirthYear: 1990, Interests: []string{"reisen", "kochen"},
					Consents: map[Purpose]bool{2: true, 7: false}, ConsentSource: "import"},
				{Line: 10, ExternalID: "crm-10", ConsentSource: "import"},
			},
			errs: []RowError{
				{Line: 4, Column: "consents.5", Message: "purpose 5 is not recorded (use 1, 2, 3, 4, 7 or 9)"},
				{Line: 5, Column: "phone", Message: "is a national number, so the row needs a country (such as DE); or write the number with + and the country code (+49…)"},
				{Line: 6, Message: "is not valid JSON: invalid character 'o' in literal null (expecting 'u')"},
				{Line: 7, Message: `is not a JSON object; each line must hold one object such as {"phone": "+4915123456789"}`},
				{Line: 8, Column: "crm_segment", Message: "unknown field, ignored"},
				{Line: 8, Column: "birth_year", Message: `"1800" is not a year between 1906 and 2026`},
				{Line: 9, Column: "consent_2", Message: "purpose 2 is given twice (also as consents.2)"},
				{Line: 11, Column: "country", Message: "must be a string, not an array"},
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "import", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			newReader := NewCSVReader
			if strings.HasSuffix(tc.file, ".ndjson") {
				newReader = NewNDJSONReader
			}
			rr, err := newReader(bytes.NewReader(data), testYear)
			if err != nil {
				t.Fatal(err)
			}
			rows, errs, err := readRows(t, rr)
			if err != io.EOF {
				t.Fatalf("err = %v, want io.EOF", err)
			}
			checkRows(t, rows, tc.rows)
			checkErrs(t, errs, tc.errs)
			if rr.Offset() != int64(len(data)) {
				t.Errorf("Offset = %d, want %d", rr.Offset(), len(data))
			}
		})
	}
}

// TestCSVMemoryStaysFlat streams 200,000 generated rows through a pipe and
// samples the live heap as it goes. Not parallel: it measures the heap.
func TestCSVMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 rows")
	}
	const (
		rows  = 200_000
		bound = 16 << 20 // measured: under 4 MiB; keeping every row would take about 135 MiB
	)
	pr, pw := io.Pipe()
	var written int64
	go func() {
		w := bufio.NewWriter(&countWriter{w: pw, n: &written})
		fmt.Fprintln(w, "\ufeffphone;external_id;country;region;language;birth_year;interests;consent_2;consent_3;consent_4;consent_at;notes")
		for i := range rows {
			fmt.Fprintf(w, "0171/%07d;crm-%d;DE;\"Region %d; Süd\";de-DE;%d;music|Sport|reisen %d;ja;nein;;2024-05-01 10:00:00;\"a note\nover two lines\"\r\n",
				i, i, i%400, 1930+i%90, i%30)
		}
		w.Flush()
		pw.Close()
	}()
	rr, err := NewCSVReader(pr, testYear)
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	start := heap()
	peak := start
	n := 0
	for {
		r, errs, err := rr.Next()
		for _, e := range errs {
			if e.Line != 1 { // the notes column warning
				t.Fatalf("unexpected row error %v", e)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Line != int64(2+2*n) || r.BirthYear != 1930+n%90 {
			t.Fatalf("row %d = %+v", n, r)
		}
		n++
		if n%20_000 == 0 {
			peak = max(peak, heap())
		}
	}
	end := heap()
	peak = max(peak, end)
	if n != rows {
		t.Fatalf("read %d rows, want %d", n, rows)
	}
	if rr.Offset() != written {
		t.Errorf("Offset = %d, want %d", rr.Offset(), written)
	}
	t.Logf("%d rows, %d MiB; HeapInuse at start %.1f MiB, peak %.1f MiB, at end %.1f MiB",
		n, written>>20, mib(start), mib(peak), mib(end))
	if peak > bound {
		t.Errorf("HeapInuse peaked at %.1f MiB, want under %d MiB", mib(peak), bound>>20)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

type countWriter struct {
	w io.Writer
	n *int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}
