package tabular

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxReader reads one sheet of an XLSX workbook with excelize's streaming
// row iterator. The workbook is first copied to a temporary file (a zip
// needs random access), under a size cap; excelize's unzip limits bound
// what decompression may cost (zip bombs).
type xlsxReader struct {
	f       *excelize.File
	rows    *excelize.Rows
	tmp     string
	info    Info
	n       int
	pending []string // a row read while looking for a non-empty sheet
	hasPend bool
}

func openXLSX(r io.Reader, opt Options) (Reader, error) {
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
	x := &xlsxReader{tmp: name, info: Info{Format: FormatXLSX, Encoding: "utf-8"}}
	xml := min(opt.MaxUnzipBytes, 16<<20)
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
	x.rows, x.n, x.info.Sheet = rows, 0, sheet
	if !probe {
		return nil
	}
	for rows.Next() {
		x.n++
		cells, err := rows.Columns()
		if err != nil {
			return &Error{Code: CodeBadXLSX, Message: "sheet " + sheet + " cannot be read", Err: err}
		}
		if !blank(cells) {
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
		x.n++
		cells, err := x.rows.Columns()
		if err != nil {
			return Row{}, x.rowsError(err)
		}
		if blank(cells) {
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
