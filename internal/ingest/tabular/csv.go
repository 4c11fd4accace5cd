package tabular

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

type csvReader struct {
	deferChecks bool
	cr          *csv.Reader
	lim         *recordLimit
	enc         textEncoding
	info        Info
	line        int
}

func newCSVReader(lim *recordLimit, enc textEncoding, delim rune) *csvReader {
	// A reader buffer twice as large as Open's, so that its reads bypass
	// Open's buffer (one copy fewer); at most half the record limit, which
	// recordLimit counts in reads of this size.
	cr := csv.NewReader(bufio.NewReaderSize(lim, min(2*sampleBytes, max(4096, lim.max/2))))
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // ragged rows are the mapper's business
	cr.LazyQuotes = true    // bare quotes inside fields are common
	cr.ReuseRecord = true
	return &csvReader{cr: cr, lim: lim, enc: enc, info: Info{Format: FormatCSV, Encoding: enc.name, Delimiter: string(delim)}}
}

func (c *csvReader) Info() Info     { return c.info }
func (c *csvReader) Keys() []string { return nil }
func (c *csvReader) Close() error   { return nil }

func (c *csvReader) Next() (Row, error) {
	rec, err := c.cr.Read()
	if err != nil {
		if errors.Is(err, errRecordTooLarge) {
			return Row{}, tooLarge(c.line+1, c.lim.max)
		}
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
			// With LazyQuotes the only parse errors are structural; the
			// rest of the file cannot be trusted.
			return Row{}, &Error{Code: CodeUnsupported, Message: "the CSV cannot be read past line " + itoa(pe.Line), Err: err}
		}
		if !errors.As(err, &pe) {
			return Row{}, &Error{Code: CodeUnsupported, Message: "the file cannot be read", Err: err}
		}
	}
	c.lim.reset()
	line, _ := c.cr.FieldPos(0)
	c.line = line
	if len(rec) > MaxColumns {
		rec = rec[:MaxColumns]
	}
	row := Row{Num: line, Cells: rec}
	if !c.deferChecks {
		c.CheckRow(&row)
	}
	return row, nil
}

// CheckRow sets a row's encoding flags (and reads a non-UTF-8 cell of an
// undeclared UTF-8 file as Windows-1252). Next does it unless the reader
// was opened with DeferChecks, in which case the caller does, possibly on
// another goroutine: it touches only the row.
func (c *csvReader) CheckRow(row *Row) {
	for i, s := range row.Cells {
		if c.enc.enc == nil && !utf8.ValidString(s) {
			if !c.enc.declared {
				if fixed, ok := fixCell(s); ok {
					row.Cells[i] = fixed
					row.MixedEncoding = true
					continue
				}
			}
			row.BadEncoding = true
			continue
		}
		if strings.IndexByte(s, 0xEF) >= 0 && strings.Contains(s, "\uFFFD") {
			row.BadEncoding = true
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// detectDelimiter picks the delimiter among , ; tab | that splits the
// first lines of text into the most consistent number of fields. Quoted
// sections are skipped; title rows above the header count against no one.
func detectDelimiter(text string) rune {
	lines := sampleLines(text, 30)
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			counts[countOutsideQuotes(l, d)]++
		}
		mode, modeLines := 0, 0
		for n, k := range counts {
			if n > 0 && (k > modeLines || k == modeLines && n > mode) {
				mode, modeLines = n, k
			}
		}
		score := modeLines*1000 + mode
		if mode == 0 {
			score = -1
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func sampleLines(text string, n int) []string {
	var out []string
	for len(out) < n && text != "" {
		var l string
		l, text, _ = strings.Cut(text, "\n")
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if len(out) > 1 && text != "" {
		out = out[:len(out)-1] // the last line may be cut by the sample's end
	}
	return out
}

func countOutsideQuotes(l string, d rune) int {
	n, quoted := 0, false
	for _, r := range l {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}
