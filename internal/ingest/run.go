package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// Stable codes of row errors and warnings in reports.
const (
	CodeMissingIdentifier = "missing_identifier"
	CodeMissingName       = "missing_name"
	CodeBadEncoding       = "bad_encoding"
	CodeMixedEncoding     = "mixed_encoding"
	CodeDuplicateKey      = "duplicate_key"
	CodeBadRow            = "bad_row"
	CodeUnknownParent     = "unknown_parent"
	// CodeMissingPrice warns of a product kept without a price (price on
	// request) in a file that has a price column.
	CodeMissingPrice = "missing_price"
)

// writeBatch is how many products one PutProducts call carries.
const writeBatch = 200

// run is one pass of the pipeline over one file.
type run struct {
	s     *Service
	ctx   context.Context
	cat   *catalog.Catalog
	rep   *catalog.Report
	set   Settings
	dry   bool
	force bool
	cur   string // default currency

	rd      tabular.Reader
	checker tabular.RowChecker // encoding checks deferred to prepare (CSV)
	m       mapping.Mapping
	col     columns
	header  []string
	nkeys   int // JSON: keys the mapping was built from
	group   bool
	handle  bool

	open    *draft // stream mode: the product being assembled (&openBuf)
	openBuf draft
	drafts  map[string]*draft // group mode: every product, until the end
	order   []string
	ids     map[string]string // group mode: export ID -> key

	stored *idTable // product ID hash -> content hash, as stored
	seen   *idTable // product ID hashes of this file
	now    time.Time
	hb     hashBuf // for the consuming goroutine
	// touched is the sum of the table slots touched ahead of lookups
	// (see touch); it has no other use.
	touched uint64
	batch   []catalog.Product
	rej     *rejectWriter
	quality qualityRun
}

// run ingests c's blob. It returns the report (Status set to done,
// refused or needs_confirmation) and an error only for internal failures.
func (s *Service) run(ctx context.Context, c *catalog.Catalog, dry, force bool) (*catalog.Report, error) {
	rep := &catalog.Report{Status: catalog.StatusDone, Errors: []catalog.RowError{}}
	set, err := loadSettings(ctx, s.set, c.Partner)
	if err != nil {
		if catalog.CodeOf(err) == catalog.CodeInvalid {
			return refused(rep, "the partner's settings are invalid: "+catalog.MessageOf(err)), nil
		}
		return rep, err
	}
	if c.Mode == "" {
		c.Mode = set.Mode
		if c.Mode == "" {
			c.Mode = catalog.ModeFull
		}
	}
	rep.SettingsHash = set.fingerprint()
	if !dry && !force {
		prev, err := s.sameAsLast(ctx, c, rep.SettingsHash)
		if err != nil {
			return rep, err
		}
		if prev != nil {
			return s.unchangedFile(ctx, c, prev, rep)
		}
	}
	r := &run{s: s, ctx: ctx, cat: c, rep: rep, set: set, dry: dry, force: force, cur: set.currency(),
		seen: newIDSet(), stored: newIDMap(), now: s.clock().UTC(), quality: qualityRun{dir: s.tmp}}
	defer func() { r.rej.discard(); r.quality.discard() }()
	rc, info, err := s.blobs.Open(ctx, c.Key)
	if err != nil {
		return rep, err
	}
	defer rc.Close()
	if info.Size > 0 {
		c.Size = info.Size
	}
	// The file's hash: the store's when it has one (the disk blobs hash on
	// Put), else computed beside the read.
	var src io.Reader = rc
	var hr *hashingReader
	if info.SHA256 == "" {
		hr = newHashingReader(rc)
		defer hr.Close()
		src = hr
	}
	rd, err := tabular.Open(src, tabular.Options{Name: c.File, Encoding: set.Encoding, Sheet: set.Sheet, TempDir: s.tmp,
		MaxRecordBytes: s.lim.MaxRecordBytes, MaxXLSXBytes: s.lim.MaxXLSXBytes, MaxUnzipBytes: s.lim.MaxUnzipBytes,
		DeferChecks: true})
	if err != nil {
		if te, ok := tabular.AsError(err); ok {
			return refused(rep, te.Message), nil
		}
		return rep, err
	}
	defer rd.Close()
	r.rd = rd
	r.checker, _ = rd.(tabular.RowChecker)
	ri := rd.Info()
	rep.Format, rep.Encoding = ri.Format, ri.Encoding
	if err := r.loadStored(); err != nil {
		return rep, err
	}
	if err := r.read(); err != nil {
		if te, ok := tabular.AsError(err); ok {
			msg := te.Message
			if rep.Rows > 0 {
				msg += fmt.Sprintf("; the %d rows before it were applied and nothing was removed", rep.Rows)
				if dry {
					msg = te.Message + "; nothing was removed"
				}
			}
			if ferr := r.flush(); ferr != nil {
				return rep, ferr
			}
			rep.Rows = rep.Accepted + rep.Rejected
			return refused(rep, msg), r.saveRejected()
		}
		var re *refusal
		if errors.As(err, &re) {
			return refused(rep, re.reason), nil
		}
		return rep, err
	}
	// The whole file was read: record its hash.
	if hr == nil {
		c.SHA256 = info.SHA256
	} else if _, err := io.Copy(io.Discard, hr); err == nil {
		c.SHA256 = hr.Sum()
	}
	if err := r.flush(); err != nil {
		return rep, err
	}
	if c.Mode == catalog.ModeFull {
		if err := r.removeMissing(); err != nil {
			return rep, err
		}
	}
	rep.Quality = r.quality.sum.Result()
	if !dry {
		if err := r.quality.save(ctx, s.blobs, c.ID); err != nil {
			return rep, err
		}
	}
	return rep, r.saveRejected()
}

// ctxErr is the error of an ingest whose context ended.
func ctxErr(err error) error {
	return catalog.Wrap(catalog.CodeUnavailable, err, "ingest interrupted")
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

func refused(rep *catalog.Report, reason string) *catalog.Report {
	rep.Status = catalog.StatusRefused
	rep.Reason = reason
	return rep
}

// refusal stops a run: the file is refused as a whole.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

// loadStored reads the content hash of every stored product of the
// partner: the delta compares against it, and the removal of missing
// products counts from it.
func (r *run) loadStored() error {
	return r.s.store.ScanProducts(r.ctx, r.cat.Partner, func(p catalog.Product) error {
		r.stored.put(idHash(p.ID), contentHash64(p.Hash))
		return nil
	})
}

// read streams the rows: header detection, then one row at a time.
func (r *run) read() error {
	if err := r.findHeader(); err != nil {
		return err
	}
	if r.rd.Keys() == nil {
		if err := r.readParallel(); err != nil {
			return err
		}
		return r.finish()
	}
	for {
		if err := r.ctx.Err(); err != nil {
			return ctxErr(err)
		}
		row, err := r.rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := r.row(row); err != nil {
			return err
		}
	}
	return r.finish()
}

// findHeader finds and maps the header: the keys of the first object for
// JSON, the best of the first rows for CSV and XLSX. Rows read past the
// header while looking are processed.
func (r *run) findHeader() error {
	if r.rep.Format == tabular.FormatJSON || r.rep.Format == tabular.FormatNDJSON {
		row, err := r.rd.Next()
		if errors.Is(err, io.EOF) {
			return &refusal{"the file holds no products"}
		}
		if err != nil {
			return err
		}
		if err := r.mapHeader(r.rd.Keys()); err != nil {
			return err
		}
		return r.row(row)
	}
	var rows []tabular.Row
	for len(rows) < mapping.HeaderScanRows {
		row, err := r.rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if blankCells(row.Cells) {
			continue
		}
		row.Cells = append([]string(nil), row.Cells...)
		if r.checker != nil {
			r.checker.CheckRow(&row)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return &refusal{"the file holds no rows"}
	}
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = row.Cells
	}
	h := mapping.FindHeader(cells, r.set.overrides())
	if h < 0 {
		return &refusal{fmt.Sprintf("no usable header: none of the first %d rows names the columns of a product "+
			"(an identifier such as SKU, Référence or EAN, and a name such as Name, Nom or Désignation)", len(rows))}
	}
	if err := r.mapHeader(rows[h].Cells); err != nil {
		return err
	}
	r.reserve(rows[h:])
	for _, row := range rows[h+1:] {
		if err := r.row(row); err != nil {
			return err
		}
	}
	return nil
}

// reserve sizes the set of seen products from the file's size and the
// length of its first rows (CSV only: XLSX is compressed), with a margin.
func (r *run) reserve(rows []tabular.Row) {
	if r.rep.Format != tabular.FormatCSV || r.cat.Size <= 0 || len(rows) == 0 {
		return
	}
	n := 0
	for _, row := range rows {
		for _, c := range row.Cells {
			n += len(c) + 1
		}
	}
	avg := max(16, n/len(rows))
	est := min(r.cat.Size/int64(avg)*11/10, 8<<20)
	r.seen.reserve(int(est))
}

func (r *run) mapHeader(header []string) error {
	r.header = append([]string(nil), header...)
	r.nkeys = len(header)
	r.m = mapping.Build(header, r.set.overrides())
	r.col = resolveColumns(&r.m)
	var missing []string
	if !r.m.HasIdentifier() {
		missing = append(missing, "an identifier (SKU, reference, EAN/GTIN or ID)")
	}
	if !r.m.Has(mapping.FieldName) {
		missing = append(missing, "a product name")
	}
	if len(missing) > 0 {
		return &refusal{"the header has no column for " + strings.Join(missing, " and ") +
			"; columns found: " + truncList(header, 12)}
	}
	r.handle = r.m.Has(mapping.FieldHandle)
	r.group = r.handle || r.m.Has(mapping.FieldParent)
	if r.group && r.drafts == nil {
		r.drafts = map[string]*draft{}
		r.ids = map[string]string{}
	}
	return nil
}

func truncList(h []string, n int) string {
	var out []string
	for _, s := range h {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	if len(out) > n {
		out = append(out[:n], "…")
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func blankCells(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// reject records a rejected row: in the report (capped) and in the
// rejected-rows CSV (all of them).
func (r *run) reject(num int, cells []string, column, code, msg string) error {
	r.rep.Rejected++
	r.addError(&r.rep.Errors, catalog.RowError{Row: num, Column: column, Code: code, Message: msg}, true)
	if r.dry {
		return nil
	}
	if r.rej == nil {
		r.rej = newRejectWriter(r.s.tmp)
	}
	return r.rej.write(code+": "+msg, cells)
}

func (r *run) warn(num int, column, code, msg string) {
	r.addError(&r.rep.Warnings, catalog.RowError{Row: num, Column: column, Code: code, Message: msg}, false)
}

func (r *run) addError(list *[]catalog.RowError, e catalog.RowError, errs bool) {
	if len(*list) >= MaxReportErrors {
		if errs {
			r.rep.ErrorsTruncated = true
		}
		return
	}
	*list = append(*list, e)
}

// emit stores a finished product (h: the hash of its ID, sum: its content
// hash) unless its content hash is already stored, and counts it. The
// product's ID and hash strings are made here, for a product written.
func (r *run) emit(p *catalog.Product, h, sum uint64) error {
	dup := r.seen.put(h, 0)
	if err := r.quality.score(p, r.cat.Partner, r.dry, !dup); err != nil {
		return err
	}
	old, exists := r.stored.get(h)
	if !dup {
		r.rep.Products++
		switch {
		case exists && old == sum|1: // contentHash64 of the stored hash string
			r.rep.Unchanged++
			return nil
		case exists:
			r.rep.Updated++
		default:
			r.rep.Created++
		}
	}
	if r.dry {
		return nil
	}
	p.ID = catalog.ProductID(r.cat.Partner, p.Key)
	p.Hash = hashString(sum)
	r.batch = append(r.batch, *p)
	if len(r.batch) >= writeBatch {
		return r.flush()
	}
	return nil
}

func (r *run) flush() error {
	if len(r.batch) == 0 {
		return nil
	}
	if _, err := r.s.store.PutProducts(r.ctx, r.batch); err != nil {
		return err
	}
	clear(r.batch)
	r.batch = r.batch[:0]
	return nil
}

// removeMissing removes (or, over the guard, holds) the partner's stored
// products that this full catalog does not mention.
func (r *run) removeMissing() error {
	missing := 0
	r.stored.each(func(h, _ uint64) {
		if !r.seen.has(h) {
			missing++
		}
	})
	if missing == 0 {
		return nil
	}
	total := r.stored.len()
	guard := r.set.guard()
	if !r.force && float64(missing) > guard*float64(total) {
		r.rep.Status = catalog.StatusNeedsConfirmation
		r.rep.Reason = fmt.Sprintf("this full catalog would remove %d of the partner's %d products (%.0f%%), more than the %.0f%% guard; "+
			"nothing was removed: confirm the catalog to remove them, or send the file as partial", missing, total,
			100*float64(missing)/float64(total), 100*guard)
		return nil
	}
	if r.dry {
		r.rep.Removed = missing
		return nil
	}
	var ids []string
	err := r.s.store.ScanProducts(r.ctx, r.cat.Partner, func(p catalog.Product) error {
		if !r.seen.has(idHash(p.ID)) {
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), writeBatch)
		if err := r.s.store.DeleteProducts(r.ctx, ids[:n]); err != nil {
			return err
		}
		r.rep.Removed += n
		ids = ids[n:]
	}
	return nil
}

func (r *run) saveRejected() error {
	if r.rej == nil || r.dry {
		return nil
	}
	header := r.header
	if keys := r.rd.Keys(); keys != nil {
		header = keys
	}
	return r.rej.save(r.ctx, r.s.blobs, intake.RejectedKey(r.cat.ID), header)
}
