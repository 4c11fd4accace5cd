package tabular

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxReader reads one sheet of an XLSX workbook with excelize's streaming
// row iterator. The workbook is first copied to a temporary file (a zip
// needs random access), under a size cap; its zip directory is checked
// before excelize reads anything (checkParts: unpacked size, expansion
// ratio, what excelize would hold in memory). Reading then counts every
// row excelize yields, blank ones and unnumbered ones included, and
// refuses a sheet past MaxXLSXRows rows, past MaxBlankRows blank rows in
// a row, or past its time limit; it stops when ctx is done.
type xlsxReader struct {
	ctx      context.Context
	f        *excelize.File
	rows     *excelize.Rows
	tmp      string
	info     Info
	n        int // rows yielded by excelize in the current sheet
	blanks   int // consecutive blank rows up to n
	maxRows  int
	maxBlank int
	maxTime  time.Duration
	deadline time.Time
	now      func() time.Time
	pending  []string // a row read while looking for a non-empty sheet
	hasPend  bool
}

// checkEvery is how many rows pass between two looks at the clock and
// the context.
const checkEvery = 1024

// ratioFloor is the size under which a part's expansion ratio is not
// checked (small XML parts compress very well).
const ratioFloor = 1 << 20

func openXLSX(ctx context.Context, r io.Reader, opt Options) (Reader, error) {
	tmp, err := os.CreateTemp(opt.TempDir, "catalog-*.xlsx")
	if err != nil {
		return nil, &Error{Code: CodeUnsupported, Message: "no room for a temporary copy of the workbook", Err: err}
	}
	name := tmp.Name()
	n, err := io.Copy(tmp, io.LimitReader(r, opt.MaxXLSXBytes+1))
	cerr := tmp.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return nil, &Error{Code: CodeUnsupported, Message: "the workbook cannot be read", Err: err}
	}
	if n > opt.MaxXLSXBytes {
		_ = os.Remove(name)
		return nil, refuse(CodeTooLarge, "the workbook is larger than %d MiB; split it or send CSV", opt.MaxXLSXBytes>>20)
	}
	xml := min(opt.MaxUnzipBytes, 16<<20)
	if err := checkParts(name, opt, xml); err != nil {
		_ = os.Remove(name)
		return nil, err
	}
	x := &xlsxReader{ctx: ctx, tmp: name, info: Info{Format: FormatXLSX, Encoding: "utf-8"},
		maxRows: opt.MaxXLSXRows, maxBlank: opt.MaxBlankRows, maxTime: opt.MaxDuration,
		deadline: opt.now().Add(opt.MaxDuration), now: opt.now}
	f, err := excelize.OpenFile(name, excelize.Options{
		UnzipSizeLimit:    opt.MaxUnzipBytes,
		UnzipXMLSizeLimit: xml,
		TmpDir:            opt.TempDir,
	})
	if err != nil {
		_ = os.Remove(name)
		if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "unzip size") {
			return nil, refuse(CodeTooLarge, "the workbook unpacks to more than %d MiB", opt.MaxUnzipBytes>>20)
		}
		return nil, &Error{Code: CodeBadXLSX, Message: "this is not a readable XLSX workbook", Err: err}
	}
	x.f = f
	if err := x.pickSheet(opt.Sheet); err != nil {
		_ = x.Close()
		return nil, err
	}
	return x, nil
}

// checkParts reads the workbook's zip directory before excelize reads a
// byte of it, and refuses a workbook that would cost more than it holds:
// parts unpacking to more than MaxUnzipBytes in all, a sheet or shared
// strings part over 1 MiB that expands more than MaxCompressionRatio times
// (a zip bomb: millions of repeated empty rows; real sheets expand 10 to
// 15 times, while styles may legitimately repeat far more), or parts that
// excelize keeps in memory (all but the sheets and shared strings larger
// than xmlLimit, which it spills to temporary files) unpacking to more than
// MaxHeldBytes. The sizes are the directory's; a part that unpacks to more
// than it declares fails to read (archive/zip checks it).
func checkParts(name string, opt Options, xmlLimit int64) error {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return &Error{Code: CodeBadXLSX, Message: "this is not a readable XLSX workbook", Err: err}
	}
	defer zr.Close()
	unzipLimit, heldLimit := sizeOf(opt.MaxUnzipBytes), sizeOf(opt.MaxHeldBytes)
	var total, held uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > unzipLimit-total {
			return refuse(CodeTooLarge, "the workbook unpacks to more than %d MiB", opt.MaxUnzipBytes>>20)
		}
		total += size
		if ratio := size / max(f.CompressedSize64, 1); size > ratioFloor && ratio > sizeOf(int64(opt.MaxCompressionRatio)) && rowParts(f.Name) {
			return refuse(CodeTooLarge, "the workbook's part %q unpacks to %d times its packed size (the limit is %d times: a zip bomb?); save the workbook again from a spreadsheet program or send CSV",
				partName(f.Name), ratio, opt.MaxCompressionRatio)
		}
		if spilled(f, xmlLimit) {
			continue
		}
		if size > heldLimit-held {
			return refuse(CodeTooLarge, "the workbook's parts other than its sheets (pictures, styles, drawings) unpack to more than %d MiB; remove them or send CSV", opt.MaxHeldBytes>>20)
		}
		held += size
	}
	return nil
}

// sizeOf is n as a size to compare with a zip entry's, a negative n as 0.
func sizeOf(n int64) uint64 {
	if n <= 0 {
		return 0
	}
	return uint64(n)
}

// spilled says whether excelize unzips part f to a temporary file rather
// than into memory (excelize's ReadZipReader: sheets and the shared
// strings over the XML size limit).
func spilled(f *zip.File, xmlLimit int64) bool {
	name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	if f.UncompressedSize64 <= sizeOf(xmlLimit) || f.FileInfo().IsDir() {
		return false
	}
	return name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/worksheets/sheet")
}

// rowParts says whether a part is read element by element as rows are:
// a worksheet or the shared strings.
func rowParts(name string) bool {
	name = strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/worksheets/")
}

// partName shortens a part's name for a message.
func partName(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// step counts one row yielded by excelize (blank tells whether it holds
// a value) and refuses the sheet past the row limits, past the time limit,
// or once the context is done.
func (x *xlsxReader) step(blank bool) error {
	x.n++
	if blank {
		x.blanks++
	} else {
		x.blanks = 0
	}
	if x.n > x.maxRows {
		return &Error{Code: CodeTooManyRows, Message: fmt.Sprintf(
			"sheet %s has more than %d rows (blank rows included); split it or send CSV", x.info.Sheet, x.maxRows)}
	}
	if x.blanks > x.maxBlank {
		return &Error{Code: CodeTooManyRows, Message: fmt.Sprintf(
			"sheet %s has more than %d blank rows in a row (from row %d); delete the empty rows and send it again", x.info.Sheet, x.maxBlank, x.n-x.blanks+1)}
	}
	if x.n%checkEvery != 0 {
		return nil
	}
	if err := x.ctx.Err(); err != nil {
		return err
	}
	if x.now().After(x.deadline) {
		return &Error{Code: CodeTimeLimit, Message: fmt.Sprintf(
			"reading the workbook took more than %s (at row %d of sheet %s); split it or send CSV", x.maxTime, x.n, x.info.Sheet)}
	}
	return nil
}

// pickSheet opens the named sheet, or the first sheet with a non-empty
// row.
func (x *xlsxReader) pickSheet(want string) error {
	sheets := x.f.GetSheetList()
	if want != "" {
		for _, s := range sheets {
			if strings.EqualFold(s, want) {
				return x.open(s, false)
			}
		}
		return refuse(CodeBadXLSX, "the workbook has no sheet named %q (it has: %s)", want, strings.Join(sheets, ", "))
	}
	for _, s := range sheets {
		if err := x.open(s, true); err != nil {
			return err
		}
		if x.hasPend {
			return nil
		}
		_ = x.rows.Close()
	}
	return refuse(CodeEmpty, "every sheet of the workbook is empty")
}

func (x *xlsxReader) open(sheet string, probe bool) error {
	rows, err := x.f.Rows(sheet)
	if err != nil {
		return &Error{Code: CodeBadXLSX, Message: "sheet " + sheet + " cannot be read", Err: err}
	}
	x.rows, x.n, x.blanks, x.info.Sheet = rows, 0, 0, sheet
	if !probe {
		return nil
	}
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			x.n++
			return &Error{Code: CodeBadXLSX, Message: "sheet " + sheet + " cannot be read", Err: err}
		}
		empty := blank(cells)
		if err := x.step(empty); err != nil {
			return err
		}
		if !empty {
			x.pending, x.hasPend = cells, true
			return nil
		}
	}
	if err := rows.Error(); err != nil {
		return x.rowsError(err)
	}
	return nil
}

func (x *xlsxReader) rowsError(err error) error {
	if errors.Is(err, excelize.ErrMaxRows) {
		return &Error{Code: CodeBadXLSX, Message: "sheet " + x.info.Sheet + " has a row number beyond Excel's limit of 1,048,576", Err: err}
	}
	return &Error{Code: CodeBadXLSX, Message: "sheet " + x.info.Sheet + " cannot be read past row " + itoa(x.n), Err: err}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (x *xlsxReader) Info() Info     { return x.info }
func (x *xlsxReader) Keys() []string { return nil }

func (x *xlsxReader) Next() (Row, error) {
	if x.hasPend {
		x.hasPend = false
		return Row{Num: x.n, Cells: capCols(x.pending)}, nil
	}
	for x.rows.Next() {
		cells, err := x.rows.Columns()
		if err != nil {
			x.n++
			return Row{}, x.rowsError(err)
		}
		empty := blank(cells)
		if err := x.step(empty); err != nil {
			return Row{}, err
		}
		if empty {
			continue
		}
		return Row{Num: x.n, Cells: capCols(cells)}, nil
	}
	if err := x.rows.Error(); err != nil {
		return Row{}, x.rowsError(err)
	}
	return Row{}, io.EOF
}

func capCols(c []string) []string {
	if len(c) > MaxColumns {
		return c[:MaxColumns]
	}
	return c
}

func (x *xlsxReader) Close() error {
	var err error
	if x.rows != nil {
		err = x.rows.Close()
	}
	if x.f != nil {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
	}
	if rerr := os.Remove(x.tmp); err == nil && rerr != nil && !os.IsNotExist(rerr) {
		err = rerr
	}
	return err
}
