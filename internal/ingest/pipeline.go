package ingest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// pipeline is one pass over one file: rowReader -> assembler ->
// productWriter, with the reportBook beside them (see the package doc).
// The context is passed to each step, never kept.
type pipeline struct {
	service   *Service
	record    *catalog.Catalog
	report    *catalog.Report
	settings  Settings
	dryRun    bool
	force     bool // a confirmed catalog: remove what it does not mention whatever the guard
	book      *reportBook
	writer    *productWriter
	reader    *rowReader
	assembly  *assembly
	assembler assembler // nil until the header is mapped
	// plan is set when the products are left in chunks (chunks.go).
	plan *chunkPlan
	// rowsRead counts the rows read, for the heartbeat's progress.
	rowsRead *atomic.Int64
}

// run ingests c's blob. It returns the report (Status set to done,
// refused or needs_confirmation) and an error only for internal failures.
// When the products are left in chunks for other runs to write, it sets
// c.Progress and returns the plan of what is left (chunks.go).
func (s *Service) run(ctx context.Context, c *catalog.Catalog, dryRun, force bool, rows *atomic.Int64) (_ *catalog.Report, _ *chunkPlan, err error) {
	report := &catalog.Report{Status: catalog.StatusDone, Errors: []catalog.RowError{}}
	var p *pipeline
	defer func() {
		// A failure after writes: the catalog must say it is half-applied.
		if err != nil && p != nil && p.writer.written+report.Removed > 0 {
			err = catalog.Wrap(catalog.CodeOf(err), err, fmt.Sprintf("%s; %d products were written and %d removed before the failure: "+
				"ingesting the file again finishes it", catalog.MessageOf(err), p.writer.written, report.Removed))
		}
	}()
	settings, err := loadSettings(ctx, s.set, c.Partner)
	if err != nil {
		if catalog.CodeOf(err) == catalog.CodeInvalid {
			return refused(report, "the partner's settings are invalid: "+catalog.MessageOf(err)), nil, nil
		}
		return report, nil, err
	}
	if c.Mode == "" {
		c.Mode = cmp.Or(settings.Mode, catalog.ModeFull)
	}
	report.SettingsHash = settings.fingerprint()
	if !dryRun && !force {
		prev, err := s.sameAsLast(ctx, c, report.SettingsHash)
		if err != nil {
			return report, nil, err
		}
		if prev != nil {
			rep, err := s.unchangedFile(ctx, c, prev, report)
			return rep, nil, err
		}
	}
	p = &pipeline{service: s, record: c, report: report, settings: settings, dryRun: dryRun, force: force, rowsRead: rows,
		book:   &reportBook{report: report, dryRun: dryRun, tempDir: s.tmp},
		writer: newProductWriter(s.store, c, report, dryRun, s.tmp, s.clock().UTC())}
	if s.chunked() && !dryRun {
		p.writer.spool = newChunkSpool(s.blobs, c.ID, s.chunkSize)
	}
	defer p.book.discard()
	defer p.writer.quality.discard()
	rep, err := p.ingest(ctx)
	return rep, p.plan, err
}

// ingest reads the catalog's file through the stages, then applies it.
func (p *pipeline) ingest(ctx context.Context) (*catalog.Report, error) {
	c, report := p.record, p.report
	blob, info, err := p.service.blobs.Open(ctx, c.Key)
	if err != nil {
		return report, err
	}
	defer blob.Close()
	if info.Size > 0 {
		c.Size = info.Size
	}
	// The file's hash: the store's when it has one (the disk blobs hash on
	// Put), else computed beside the read.
	var src io.Reader = blob
	var hashing *hashingReader
	if info.SHA256 == "" {
		hashing = newHashingReader(blob)
		defer hashing.Close()
		src = hashing
	}
	table, err := p.openTable(ctx, src)
	if err != nil {
		if te, ok := tabular.AsError(err); ok {
			return refused(report, te.Message), nil
		}
		return report, err
	}
	defer table.Close()
	if err := p.writer.loadStored(ctx); err != nil {
		return report, err
	}
	if err := p.readAll(ctx); err != nil {
		return p.readFailed(ctx, err)
	}
	// The whole file was read: record its hash.
	if hashing == nil {
		c.SHA256 = info.SHA256
	} else if _, err := io.Copy(io.Discard, hashing); err == nil {
		c.SHA256 = hashing.Sum()
	}
	return report, p.apply(ctx)
}

// openTable opens the file as a table and sets up the row reader on it.
func (p *pipeline) openTable(ctx context.Context, src io.Reader) (tabular.Reader, error) {
	s, settings := p.service, p.settings
	table, err := tabular.Open(ctx, src, tabular.Options{Limits: s.lim, Name: p.record.File, Encoding: settings.Encoding, Sheet: settings.Sheet,
		TempDir: s.tmp, DeferChecks: true})
	if err != nil {
		return nil, err
	}
	tableInfo := table.Info()
	p.report.Format, p.report.Encoding = tableInfo.Format, tableInfo.Encoding
	p.reader = &rowReader{table: table, settings: settings, format: tableInfo.Format, encoding: tableInfo.Encoding,
		defaultCurrency: settings.currency()}
	p.reader.checker, _ = table.(tabular.RowChecker)
	return table, nil
}

// readFailed ends an ingest whose read stopped: a broken file refuses the
// catalog (the rows before the break are kept, nothing is removed), as
// does a refusal of the stages; anything else is an internal failure.
func (p *pipeline) readFailed(ctx context.Context, err error) (*catalog.Report, error) {
	report := p.report
	if te, ok := tabular.AsError(err); ok {
		message := te.Message
		if report.Rows > 0 {
			message += fmt.Sprintf("; the %d rows before it were applied and nothing was removed", report.Rows)
			if p.dryRun {
				message = te.Message + "; nothing was removed"
			}
		}
		if ferr := p.endWrites(ctx); ferr != nil {
			return report, ferr
		}
		report.Rows = report.Accepted + report.Rejected
		return refused(report, message), p.saveRejected(ctx)
	}
	var r *refusal
	if errors.As(err, &r) {
		return refused(report, r.reason), nil
	}
	return report, err
}

// apply finishes a file read to its end: the last writes, the removals of
// a full catalog, the quality summary, and the reports beside the file.
func (p *pipeline) apply(ctx context.Context) error {
	if err := p.endWrites(ctx); err != nil {
		return err
	}
	if p.record.Mode == catalog.ModeFull {
		var deferTo catalog.Blobs
		if p.plan != nil {
			deferTo = p.service.blobs
		}
		if err := p.writer.removeMissing(ctx, p.settings.guard(), p.force, deferTo); err != nil {
			return err
		}
		if p.plan != nil {
			p.plan.Removals = p.writer.deferred
		}
		if err := p.saveRemovals(ctx); err != nil {
			return err
		}
	}
	p.report.Quality = p.writer.quality.sum.Result()
	if !p.dryRun {
		if err := p.writer.quality.save(ctx, p.service.blobs, p.record.ID); err != nil {
			return err
		}
	}
	return p.saveRejected(ctx)
}

// endWrites writes the products still waiting; with a chunk spool it
// stores the last chunks and, when some chunk was filled, sets the plan
// and the catalog's progress: the products are left to other runs.
func (p *pipeline) endWrites(ctx context.Context) error {
	fanned, err := p.writer.endSpool(ctx)
	if err != nil {
		return err
	}
	if fanned {
		sp := p.writer.spool
		p.plan = &chunkPlan{Late: sp.late.stored, At: p.writer.at}
		p.record.Progress = &catalog.Progress{Rows: p.report.Rows, ChunksTotal: sp.main.stored}
		return nil
	}
	return p.writer.flush(ctx)
}

// saveRemovals stores the CSV of the products a held full catalog would
// remove (intake.RemovalsKey): id, sku, gtin, name, one per line.
func (p *pipeline) saveRemovals(ctx context.Context) error {
	if len(p.writer.held) == 0 {
		return nil
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write([]string{"id", "sku", "gtin", "name"}); err != nil {
		return err
	}
	for _, h := range p.writer.held {
		if err := cw.Write([]string{safeCell(h.ID), safeCell(h.SKU), safeCell(h.GTIN), safeCell(h.Name)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := p.service.blobs.Put(ctx, intake.RemovalsKey(p.record.ID), &buf)
	return err
}

// safeCell keeps a spreadsheet from reading a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (p *pipeline) saveRejected(ctx context.Context) error {
	return p.book.saveRejected(ctx, p.service.blobs, intake.RejectedKey(p.record.ID), p.reader.fileHeader())
}

// readAll streams the rows through the stages: the header, then the rows
// one by one (JSON, whose objects may bring new keys) or in parallel
// batches (CSV, XLSX), then the end of the file.
func (p *pipeline) readAll(ctx context.Context) error {
	rows, err := p.reader.findHeader()
	if err != nil {
		return err
	}
	if rows, err = p.reader.sampleCategories(ctx, rows); err != nil {
		return err
	}
	if l := p.reader.layout; l.derived {
		p.book.warn(0, "", CodeDerivedIdentity, "the file has no identifier column (SKU, reference, EAN/GTIN or ID): "+
			"each product's key is derived from "+l.derivedNote()+"; rows that derive the same key are rejected as duplicates")
	}
	p.assembly = &assembly{reader: p.reader, record: p.record, book: p.book, writer: p.writer, now: p.service.clock().UTC()}
	p.assembler = newAssembler(p.assembly)
	if p.reader.table.Keys() == nil {
		p.writer.reserve(p.reader.format, p.record.Size, rows)
		for _, row := range rows[1:] {
			if err := p.oneRow(ctx, row); err != nil {
				return err
			}
		}
		if err := p.readParallel(ctx); err != nil {
			return err
		}
		return p.assembler.finish(ctx)
	}
	for _, row := range rows {
		if err := p.oneRow(ctx, row); err != nil {
			return err
		}
	}
	for {
		row, err := p.reader.nextRow(ctx)
		if err != nil {
			return err
		}
		if row == nil {
			break
		}
		p.reader.followKeys()
		if err := p.oneRow(ctx, *row); err != nil {
			return err
		}
	}
	return p.assembler.finish(ctx)
}

// oneRow takes one row through the stages on this goroutine.
func (p *pipeline) oneRow(ctx context.Context, row tabular.Row) error {
	var prepared preparedRow
	p.reader.prepare(row, &prepared)
	p.assembler.prepareAhead(&prepared, &p.assembly.hashes)
	return p.consume(ctx, &prepared)
}

// consume applies a prepared row, in file order: counts, report, assembly.
func (p *pipeline) consume(ctx context.Context, row *preparedRow) error {
	if row.blank {
		return nil
	}
	p.report.Rows++
	p.rowsRead.Add(1)
	for _, problem := range row.problems {
		if problem.reject {
			return p.book.reject(row.number, row.cells, problem.column, problem.code, problem.message)
		}
		p.book.warn(row.number, problem.column, problem.code, problem.message)
	}
	return p.assembler.add(ctx, row)
}

// CodeUnchangedFile is the warning of a file identical to the last one
// applied.
const CodeUnchangedFile = "unchanged_file"

// sameAsLast returns the partner's last applied catalog when c's file is
// byte for byte the file it applied, in the same mode and read with the
// same settings (fp), and no other file was applied since: then nothing
// can have changed. The sizes must match before the file is hashed; a
// Blobs that knows the content's SHA-256 (the embedded disk blobs) spares
// even that.
func (s *Service) sameAsLast(ctx context.Context, c *catalog.Catalog, fp string) (*catalog.Catalog, error) {
	recent, err := s.store.ListCatalogs(ctx, c.Partner, 20)
	if err != nil {
		return nil, err
	}
	for _, o := range recent {
		switch {
		case o.ID == c.ID:
			continue
		case o.Status == catalog.StatusRefused || o.Status == catalog.StatusFailed || o.Status == catalog.StatusReceived:
			continue // never applied
		}
		if o.Status != catalog.StatusDone || o.Report == nil || o.Report.DryRun || o.Mode != c.Mode ||
			o.Report.SettingsHash != fp || o.SHA256 == "" || o.Size != c.Size {
			return nil, nil
		}
		info, err := s.blobs.Stat(ctx, c.Key)
		if err != nil {
			return nil, err
		}
		if info.SHA256 != "" {
			if info.SHA256 == o.SHA256 {
				return &o, nil
			}
			return nil, nil
		}
		rc, _, err := s.blobs.Open(ctx, c.Key)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			return nil, catalog.Wrap(catalog.CodeUnavailable, err, "read "+c.Key)
		}
		if hex.EncodeToString(h.Sum(nil)) != o.SHA256 {
			return nil, nil
		}
		return &o, nil
	}
	return nil, nil
}

// unchangedFile reports a file identical to prev's: every product is
// unchanged, and nothing is written but the report (and a copy of prev's
// rejected rows).
func (s *Service) unchangedFile(ctx context.Context, c, prev *catalog.Catalog, rep *catalog.Report) (*catalog.Report, error) {
	p := prev.Report
	c.SHA256 = prev.SHA256
	rep.Format, rep.Encoding = p.Format, p.Encoding
	rep.Rows, rep.Accepted, rep.Rejected, rep.Products = p.Rows, p.Accepted, p.Rejected, p.Products
	rep.Unchanged = p.Products
	rep.Errors, rep.ErrorsTruncated = p.Errors, p.ErrorsTruncated
	rep.Quality = p.Quality
	if err := copyToFix(ctx, s.blobs, prev.ID, c.ID); err != nil {
		return rep, err
	}
	rep.Warnings = append([]catalog.RowError{{Code: CodeUnchangedFile,
		Message: "the file is identical to catalog " + prev.ID + ", read with the same settings: nothing changed"}}, p.Warnings...)
	if len(rep.Warnings) > MaxReportErrors {
		rep.Warnings = rep.Warnings[:MaxReportErrors]
	}
	if p.Rejected > 0 {
		rc, _, err := s.blobs.Open(ctx, intake.RejectedKey(prev.ID))
		switch {
		case err == nil:
			defer rc.Close()
			if _, err := s.blobs.Put(ctx, intake.RejectedKey(c.ID), rc); err != nil {
				return rep, err
			}
		case !catalog.IsNotFound(err):
			return rep, err
		}
	}
	return rep, nil
}

func refused(report *catalog.Report, reason string) *catalog.Report {
	report.Status = catalog.StatusRefused
	report.Reason = reason
	return report
}

// refusal stops a run: the file is refused as a whole.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }
