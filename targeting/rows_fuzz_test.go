package targeting

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addImportSeeds seeds a fuzz target with the sample files and a few short
// inputs that reach the corners of the parsers.
func addImportSeeds(f *testing.F, ext string, extra ...string) {
	paths, err := filepath.Glob(filepath.Join("testdata", "import", "*."+ext))
	if err != nil {
		f.Fatal(err)
	}
	if len(paths) == 0 {
		f.Fatalf("no testdata/import/*.%s seeds", ext)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzCSVReader(f *testing.F) {
	addImportSeeds(f, "csv",
		"phone,country\n0171/2345678,DE\n",
		"\ufeffphone;country\r\n\"0171\n2345678\";DE\r\n",
		"external_id\tconsent_2\tinterests\nx\tja\ta|B|a\n",
		"external_id,region\nb,\"Mün\nc,Köln\nd,\"Essen\"\n",
		"external_id,region\na,Mün\"chen\nb,\"x\"y\n",
		"phone,consent_5\n",
		"external_id,birth_year,consent_at\nx,1906,2024-01-01\ny,2026,2024-01-01 10:00:00\n",
		"\xff\xfep\x00",
		"",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		rr, err := NewCSVReader(bytes.NewReader(data), testYear)
		if err != nil {
			if rr != nil {
				t.Fatal("a reader came back with an error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("NewCSVReader error %v (%T) is not a *FileError with a message", err, err)
			}
			return
		}
		checkReaderInvariants(t, rr, len(data))
	})
}

func FuzzNDJSONReader(f *testing.F) {
	addImportSeeds(f, "ndjson",
		"{\"phone\":\"0171/2345678\",\"country\":\"DE\"}\n",
		"{\"external_id\":1,\"consents\":{\"2\":true,\"9\":\"nein\"},\"interests\":[\"A\",\"a\"]}\n\n{}\n",
		"{\"external_id\":\"x\",\"consent_2\":true,\"consents\":{\"2\":false}}\n",
		"{\"external_id\":\"x\"}\nnot json\n[1]\n{\"a\":\n",
		"[{}]",
		"{\"phone\":\"020100000000000\",\"CountrY\":\"DE\"}",
		"\ufeff{\"external_id\":\"x\",\"birth_year\":\"1990\"}\r\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		rr, err := NewNDJSONReader(bytes.NewReader(data), testYear)
		if err != nil {
			if rr != nil {
				t.Fatal("a reader came back with an error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("NewNDJSONReader error %v (%T) is not a *FileError with a message", err, err)
			}
			return
		}
		checkReaderInvariants(t, rr, len(data))
	})
}

// checkReaderInvariants reads to the end and checks every row and error.
func checkReaderInvariants(t *testing.T, rr RowReader, size int) {
	t.Helper()
	var lastLine int64
	// Every Next consumes at least one line, so this bounds a correct reader.
	for calls := 0; ; calls++ {
		if calls > size+2 {
			t.Fatalf("Next was called %d times on %d bytes without ending", calls, size)
		}
		row, rowErrs, err := rr.Next()
		for _, e := range rowErrs {
			if e.Line <= 0 || e.Message == "" {
				t.Fatalf("bad row error %#v", e)
			}
			if !utf8.ValidString(e.Message) {
				t.Fatalf("row error message is not UTF-8: %q", e.Message)
			}
		}
		if errors.Is(err, io.EOF) {
			if off := rr.Offset(); off != int64(size) {
				t.Fatalf("Offset at EOF = %d, want %d", off, size)
			}
			if _, _, again := rr.Next(); again != io.EOF {
				t.Fatalf("Next after EOF = %v", again)
			}
			return
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("Next error %v (%T) is not a *FileError with a message", err, err)
			}
			return
		}
		if row.Line <= lastLine {
			t.Fatalf("row line %d does not follow %d", row.Line, lastLine)
		}
		lastLine = row.Line
		checkRowInvariants(t, row)
	}
}

func checkRowInvariants(t *testing.T, r ImportRow) {
	t.Helper()
	isUpper2 := func(s string) bool { return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' }
	isLower2 := func(s string) bool { return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' }
	switch {
	case r.Line <= 0:
		t.Fatalf("row without a line: %+v", r)
	// Not capped at E.164's 15 digits: libphonenumber, behind NormalisePhone,
	// accepts some longer German numbers ("020100000000000" in DE).
	case r.Phone != "" && (!strings.HasPrefix(r.Phone, "+") || strings.Trim(r.Phone[1:], "0123456789") != "" || len(r.Phone) < 3):
		t.Fatalf("phone %q is not + and digits", r.Phone)
	case r.Phone == "" && r.ExternalID == "":
		t.Fatalf("row without phone or external id: %+v", r)
	case r.ExternalID != strings.TrimSpace(r.ExternalID) || len(r.ExternalID) > 200 || !utf8.ValidString(r.ExternalID):
		t.Fatalf("external id %q", r.ExternalID)
	case r.Country != "" && !isUpper2(r.Country):
		t.Fatalf("country %q", r.Country)
	case r.Language != "" && !isLower2(r.Language):
		t.Fatalf("language %q", r.Language)
	case r.BirthYear != 0 && (r.BirthYear < testYear-120 || r.BirthYear > testYear):
		t.Fatalf("birth year %d", r.BirthYear)
	case utf8.RuneCountInString(r.Region) > maxRegionLen || r.Region != strings.TrimSpace(r.Region) || !utf8.ValidString(r.Region):
		t.Fatalf("region %q", r.Region)
	case len(r.Interests) > maxInterests:
		t.Fatalf("%d interests", len(r.Interests))
	case r.ConsentSource == "":
		t.Fatalf("consent source is empty")
	case !r.ConsentAt.IsZero() && r.ConsentAt.Location().String() != "UTC":
		t.Fatalf("consent_at %v is not UTC", r.ConsentAt)
	}
	seen := map[string]bool{}
	for _, in := range r.Interests {
		if in == "" || in != strings.TrimSpace(in) || in != strings.ToLower(in) || utf8.RuneCountInString(in) > maxInterestLen || seen[in] {
			t.Fatalf("interests %q", r.Interests)
		}
		seen[in] = true
	}
	for p := range r.Consents {
		if !p.Valid() {
			t.Fatalf("consent for %v", p)
		}
	}
}
