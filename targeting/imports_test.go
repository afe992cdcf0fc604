package targeting_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/statusads/statusads/internal/testdb"
	"github.com/statusads/statusads/targeting"
	"gorm.io/gorm"
)

func runImport(t *testing.T, f *fixture, format, body string) targeting.ImportJob {
	t.Helper()
	j, err := f.svc.CreateImportJob(f.ctx, f.ws, format, "test."+format, int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	j, err = f.svc.RunImport(f.ctx, f.ws, j.ID, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

const importCSV = "\ufeffphone;external_id;country;language;birth_year;interests;consent_2;consent_3;consent_4;notice_version\r\n" +
	"0171/2345678;;DE;de;1990;sport|Coffee;yes;yes;yes;v3\r\n" +
	"+43 664 1234567;;AT;de;2011;;yes;no;;v3\r\n" +
	";crm-42;NL;nl;;running;ja;;;v3\r\n" +
	"12345;;;de;1980;;yes;;;v3\r\n" +
	"+49 30 1234567;;DE;de;1985;health;yes;;;v3\r\n" +
	"+49 40 1234567;;DE;de;1985;knitting;yes;;;v3\r\n"

func TestImportRowsAndIdempotence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		j := runImport(t, f, "csv", importCSV)
		if j.Status != targeting.ImportDone || j.Imported != 3 || j.Failed != 3 || j.RowsSeen < 3 {
			t.Fatalf("first import: %+v", j)
		}
		errs, err := f.svc.ImportErrors(f.ctx, f.ws, j.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{5: "phone", 6: "interests", 7: "interests"}
		for _, e := range errs {
			if col, ok := want[e.Line]; ok && col == e.Column {
				delete(want, e.Line)
			}
		}
		if len(want) > 0 {
			t.Fatalf("missing errors %v in %+v", want, errs)
		}
		for _, e := range errs {
			if e.Line == 6 && !strings.Contains(e.Message, "special category") {
				t.Errorf("special category message: %q", e.Message)
			}
		}
		p, err := f.svc.Lookup(f.ctx, f.ws, targeting.Identity{Kind: targeting.RefPhone, Value: "+491712345678"})
		if err != nil {
			t.Fatalf("national number not normalised: %v", err)
		}
		if in, _ := f.svc.ProfileInterests(f.ctx, f.ws, p.ID); strings.Join(in, ",") != "coffee,sport" {
			t.Fatalf("interests: %v", in)
		}
		hist, _ := f.svc.ConsentHistory(f.ctx, f.ws, p.ID)
		if len(hist) != 3 || hist[0].Source != "import" || hist[0].NoticeVersion != "v3" {
			t.Fatalf("ledger from import: %+v", hist)
		}

		again := runImport(t, f, "csv", importCSV)
		if again.Imported != 0 || again.Updated != 0 || again.Unchanged != 3 {
			t.Fatalf("re-import changed something: %+v", again)
		}
		if hist2, _ := f.svc.ConsentHistory(f.ctx, f.ws, p.ID); len(hist2) != 3 {
			t.Fatalf("re-import appended to the ledger: %d", len(hist2))
		}

		// A later file withdraws consent: updated, and the ledger shows it.
		upd := runImport(t, f, "csv", "phone,country,consent_2\n+491712345678,DE,no\n")
		if upd.Updated != 1 {
			t.Fatalf("withdrawal import: %+v", upd)
		}
		est, _ := f.svc.Estimate(f.ctx, f.ws, targeting.Spec{Countries: []string{"DE"}})
		if est.Excluded[targeting.ReasonWithdrawn] != 1 {
			t.Fatalf("withdrawal not visible: %+v", est)
		}
	})
}

func TestImportRefusesBadFilesWhole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		for name, body := range map[string]string{
			"no header":   "hello world\nfoo bar\n",
			"binary":      "\x00\x01\x02PK\x03\x04",
			"empty":       "",
			"bad purpose": "phone,consent_5\n+491712345678,yes\n",
		} {
			j := runImport(t, f, "csv", body)
			if j.Status != targeting.ImportFailed || j.Message == "" || j.Imported != 0 {
				t.Errorf("%s: %+v", name, j)
			}
		}
		if n, _ := f.svc.CountProfiles(f.ctx, f.ws); n != 0 {
			t.Fatalf("a refused file stored %d profiles", n)
		}
		j := runImport(t, f, "ndjson", `{"external_id":"a1","country":"DE","consents":{"2":true}}`+"\n"+`not json`+"\n"+`{"phone":"+4915112345678","consent_2":"yes"}`+"\n")
		if j.Imported != 2 || j.Failed != 1 {
			t.Fatalf("ndjson: %+v", j)
		}
		if _, err := f.svc.ImportJob(f.ctx, f.ws+1000, j.ID); !errors.Is(err, targeting.ErrNotFound) {
			t.Fatalf("import of another workspace: %v", err)
		}
	})
}

func TestInterruptedImportsAreMarkedFailed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, g *gorm.DB) {
		f := newFixture(t, g)
		j, err := f.svc.CreateImportJob(f.ctx, f.ws, "csv", "big.csv", 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := f.svc.FailInterruptedImports(f.ctx); n != 0 {
			t.Fatal("a fresh import was swept")
		}
		g.Model(&targeting.ImportJob{}).Where("id = ?", j.ID).Update("heartbeat_at", now.Add(-11*time.Minute))
		if n, err := f.svc.FailInterruptedImports(f.ctx); n != 1 || err != nil {
			t.Fatalf("swept %d, %v", n, err)
		}
		j, _ = f.svc.ImportJob(f.ctx, f.ws, j.ID)
		if j.Status != targeting.ImportFailed || !strings.Contains(j.Message, "interrupted") {
			t.Fatalf("job: %+v", j)
		}
	})
}
