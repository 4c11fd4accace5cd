package demogen

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// checkEvery is how many rows pass between two looks at the context.
const checkEvery = 1024

// Write generates the catalog opts describes and writes it to w in format.
// Memory stays flat whatever opts.Rows. Errors are *catalog.Error:
// CodeInvalid or CodeTooLarge for bad options, CodeUnavailable when ctx
// ends first (the cause is ctx.Err()), CodeInternal when w fails.
func Write(ctx context.Context, w io.Writer, format Format, opts Options) (Stats, error) {
	g, err := NewGenerator(opts)
	if err != nil {
		return Stats{}, err
	}
	cw := &countingWriter{w: w}
	switch format {
	case FormatCSV:
		err = writeCSV(ctx, cw, g)
	case FormatJSON, FormatNDJSON:
		err = writeJSON(ctx, cw, g, format == FormatJSON)
	case FormatXLSX:
		if g.opts.Rows > MaxXLSXRows {
			return Stats{}, catalog.Errorf(catalog.CodeTooLarge, "an XLSX sheet holds at most %d data rows", MaxXLSXRows)
		}
		err = writeXLSX(ctx, cw, g)
	default:
		_, err = ParseFormat(string(format))
		if err == nil {
			err = catalog.Errorf(catalog.CodeInvalid, "format %q must be given in lower case", format)
		}
		return Stats{}, err
	}
	st := g.Stats()
	st.Bytes = cw.n
	if err != nil {
		return st, classify(ctx, err)
	}
	return st, nil
}

// classify turns a writer's error into a *catalog.Error.
func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "catalog generation was cancelled")
	}
	if catalog.CodeOf(err) != catalog.CodeInternal {
		return err
	}
	return catalog.Wrap(catalog.CodeInternal, err, "writing the generated catalog failed")
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func writeCSV(ctx context.Context, w io.Writer, g *Generator) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if g.opts.BOM {
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(bw)
	cw.Comma = g.opts.Delimiter
	if err := cw.Write(g.Header()); err != nil {
		return err
	}
	for g.Next() {
		if err := cw.Write(g.Values()); err != nil {
			return err
		}
		if g.row%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSON(ctx context.Context, w io.Writer, g *Generator, array bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// The keys, encoded once: `"sku":`.
	keys := make([][]byte, len(g.Header()))
	for i, h := range g.Header() {
		keys[i] = append(appendJSONString(nil, h), ':')
	}
	// bufio.Writer errors are sticky: a failed write shows up at the next
	// checked Write or at Flush, so single bytes go unchecked.
	var line []byte
	if array {
		_ = bw.WriteByte('[')
	}
	for g.Next() {
		line = line[:0]
		if array {
			if g.row > 1 {
				line = append(line, ',')
			}
			line = append(line, '\n')
		}
		line = append(line, '{')
		for i, v := range g.Values() {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, keys[i]...)
			line = appendJSONString(line, v)
		}
		line = append(line, '}')
		if !array {
			line = append(line, '\n')
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
		if g.row%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if array {
		if g.row > 0 {
			_ = bw.WriteByte('\n')
		}
		_, _ = bw.WriteString("]\n")
	}
	return bw.Flush()
}

// appendJSONString appends s as a JSON string. Non-ASCII text stays UTF-8;
// invalid UTF-8 (which the generator never makes) becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
		} else {
			b = utf8.AppendRune(b, r)
		}
		i += size
	}
	return append(b, '"')
}

// sheetName is the name of the one sheet of a generated workbook.
func sheetName(lang string) string {
	if lang == "fr" {
		return "Catalogue"
	}
	return "Catalog"
}

func writeXLSX(ctx context.Context, w io.Writer, g *Generator) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sheet := sheetName(g.p.lang)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	// Native sheets carry numbers as numbers, prices shown with 2 decimals,
	// as a buyer's spreadsheet does; canonical sheets carry the CSV's text.
	money, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return err
	}
	native := g.opts.Headers == HeadersNative
	cells := make([]any, len(g.cols))
	for i, h := range g.Header() {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for g.Next() {
		vals := g.Values()
		for i, c := range g.cols {
			v := vals[i]
			switch {
			case v == "":
				cells[i] = nil
			case native && c.field == fPrice:
				cells[i] = excelize.Cell{StyleID: money, Value: float64(g.cur.cents) / 100}
			case native && c.field == fMOQ:
				cells[i] = g.prod.moq
			case native && c.field == fLeadTime:
				cells[i] = g.prod.lead
			default:
				cells[i] = v
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(g.row+1), cells); err != nil {
			return err
		}
		if g.row%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// excelize builds the whole zip in a bytes.Buffer unless given a zip
	// writer: hand it one that writes straight to w, so that the finished
	// sheet streams from its temporary file to the output.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}
