package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web/i18n"
	"github.com/statusads/statusads/web/views"
)

const (
	recentImports      = 20
	importErrorsShown  = 50
	importErrorsPage   = 1000
	importTempFileGlob = "statusads-import-*"
)

func (s *server) renderImports(c *fiber.Ctx, status int, f views.Form) error {
	st := state(c)
	jobs, err := s.Targeting.ImportJobs(c.UserContext(), st.Session.Workspace.ID, recentImports)
	if err != nil {
		return err
	}
	p := s.page(c, i18n.T(st.Lang, "audiences.tab_imports"), "audiences")
	return render(c, status, views.Imports(p, views.ImportsProps{Jobs: jobs, Form: f, MaxBytes: int64(c.App().Config().BodyLimit)}))
}

// showImports shows the upload form and the recent imports.
func (s *server) showImports(c *fiber.Ctx) error {
	return s.renderImports(c, fiber.StatusOK, views.Form{})
}

// importFormat picks the parser from the file's name, then its type.
func uploadFormat(fh *multipart.FileHeader) string {
	switch strings.ToLower(path.Ext(fh.Filename)) {
	case ".ndjson", ".jsonl":
		return "ndjson"
	case ".csv", ".txt":
		return "csv"
	}
	switch ct := fh.Header.Get(fiber.HeaderContentType); {
	case strings.Contains(ct, "ndjson"), strings.Contains(ct, "jsonl"), strings.Contains(ct, "json-seq"):
		return "ndjson"
	}
	return "csv"
}

// baseName keeps the file's own name from what a browser sends (some send a
// Windows path).
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// startImport stores the upload in a private temporary file, registers the
// job and runs it in the background; the browser goes to the job's page,
// which shows the progress.
//
// The upload is copied because the request's multipart data is released
// when the handler returns. The copy holds raw phone numbers: it is created
// mode 0600 and removed as soon as the import ends, however it ends.
func (s *server) startImport(c *fiber.Ctx) error {
	st := state(c)
	ws := st.Session.Workspace.ID
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		key := "imports.file_required"
		if err == nil {
			key = "imports.file_empty"
		}
		return s.renderImports(c, fiber.StatusUnprocessableEntity, views.Form{Errors: views.FieldErrors{"file": i18n.T(st.Lang, key)}})
	}
	tmp, size, err := copyUpload(fh)
	if err != nil {
		return err
	}
	job, err := s.Targeting.CreateImportJob(s.ctx(c), ws, uploadFormat(fh), baseName(fh.Filename), size)
	if err != nil {
		discard(tmp)
		var ve *targeting.ValidationError
		if errors.As(err, &ve) {
			return s.renderImports(c, fiber.StatusUnprocessableEntity, views.Form{Errors: problemErrors(st.Lang, ve.Problems, "file")})
		}
		return err
	}
	// The import outlives the request: keep the actor for the audit log but
	// not the request's cancellation.
	go s.runImport(context.WithoutCancel(s.ctx(c)), st.ID, ws, job.ID, tmp)
	s.flash(c, "success", "flash.import_started")
	return redirect(c, "/audiences/imports/"+strconv.FormatInt(job.ID, 10))
}

func copyUpload(fh *multipart.FileHeader) (*os.File, int64, error) {
	src, err := fh.Open()
	if err != nil {
		return nil, 0, fmt.Errorf("web: open upload: %w", err)
	}
	defer src.Close()
	tmp, err := os.CreateTemp("", importTempFileGlob)
	if err != nil {
		return nil, 0, fmt.Errorf("web: temporary file: %w", err)
	}
	n, err := io.Copy(tmp, src)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		discard(tmp)
		return nil, 0, fmt.Errorf("web: copy upload: %w", err)
	}
	return tmp, n, nil
}

func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// runImport runs one import to its end. Failures are logged with the
// import's id only: row content (phone numbers) never reaches the log.
func (s *server) runImport(ctx context.Context, requestID string, ws, id int64, f *os.File) {
	defer discard(f)
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("Import crashed", "workspace_id", ws, "import_id", id, "request_id", requestID, "panic", fmt.Sprint(r))
		}
	}()
	job, err := s.Targeting.RunImport(ctx, ws, id, f)
	if err != nil {
		s.Log.Error("Import failed", "workspace_id", ws, "import_id", id, "request_id", requestID, "error", err.Error())
		return
	}
	s.Log.Info("Import finished", "workspace_id", ws, "import_id", id, "request_id", requestID, "status", job.Status,
		"imported", job.Imported, "updated", job.Updated, "unchanged", job.Unchanged, "failed", job.Failed)
}

// showImport shows an import; for htmx's polling only its progress panel.
func (s *server) showImport(c *fiber.Ctx) error {
	st := state(c)
	ws := st.Session.Workspace.ID
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	job, err := s.Targeting.ImportJob(c.UserContext(), ws, id)
	if err != nil {
		return err
	}
	ip := views.ImportProps{Job: job}
	if job.Status != targeting.ImportRunning {
		errs, err := s.Targeting.ImportErrors(c.UserContext(), ws, id, 0, importErrorsShown+1)
		if err != nil {
			return err
		}
		if len(errs) > importErrorsShown {
			errs, ip.MoreErrors = errs[:importErrorsShown], true
		}
		ip.Errors = errs
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.ImportPanel(s.fragmentPage(c), ip))
	}
	p := s.page(c, i18n.T(st.Lang, "imports.title", job.Filename), "audiences")
	return render(c, fiber.StatusOK, views.Import(p, ip))
}

// csvCell defuses cells a spreadsheet would run as a formula; column names
// come from the uploaded file.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// downloadImportErrors streams every row error of an import as CSV.
func (s *server) downloadImportErrors(c *fiber.Ctx) error {
	ws := state(c).Session.Workspace.ID
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.Targeting.ImportJob(c.UserContext(), ws, id); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="import-%d-errors.csv"`, id))
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, requestID := context.WithoutCancel(c.UserContext()), state(c).ID
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		cw.Write([]string{"line", "column", "message"})
		var after int64
		for {
			errs, err := s.Targeting.ImportErrors(ctx, ws, id, after, importErrorsPage)
			if err != nil {
				// The status is sent already; the file ends early and the
				// log says why.
				s.Log.Error("Import error report failed", "workspace_id", ws, "import_id", id, "request_id", requestID, "error", err.Error())
				break
			}
			full := len(errs) == importErrorsPage
			// ImportErrors pages by line only ("line > afterLine"), and one
			// line may have errors in several columns: a full page may end
			// inside a line. Hold that line back and ask for it again from
			// the line before, unless the whole page is that one line.
			if full && errs[0].Line != errs[len(errs)-1].Line {
				last := errs[len(errs)-1].Line
				for len(errs) > 0 && errs[len(errs)-1].Line == last {
					errs = errs[:len(errs)-1]
				}
			}
			for _, e := range errs {
				cw.Write([]string{strconv.FormatInt(e.Line, 10), csvCell(e.Column), csvCell(e.Message)})
			}
			cw.Flush()
			if !full || len(errs) == 0 {
				break
			}
			after = errs[len(errs)-1].Line
		}
		cw.Flush()
	})
	return nil
}
