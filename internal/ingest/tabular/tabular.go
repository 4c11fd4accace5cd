// Package tabular reads partners' catalog files row by row, whatever their
// format (CSV with any common delimiter, XLSX, JSON array, NDJSON) and
// encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252,
// GB18030, Shift-JIS, or a declared one). Format and encoding are detected
// from the content. Nothing holds a whole file in memory: CSV and JSON are
// streamed, and XLSX sheets are read with excelize's row iterator under
// explicit unzip limits.
//
// A file that cannot be read at all is an *Error whose Code says why
// (empty_file, binary_file, unsupported_format, ...); the caller turns it
// into a refusal with a reason. Readers never panic on hostile input.
package tabular

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Formats.
const (
	FormatCSV    = "csv"
	FormatXLSX   = "xlsx"
	FormatJSON   = "json"
	FormatNDJSON = "ndjson"
)

// Codes of the reasons a file cannot be read.
const (
	CodeEmpty       = "empty_file"
	CodeBinary      = "binary_file"
	CodeUnsupported = "unsupported_format"
	CodeEncoding    = "unsupported_encoding"
	CodeBadXLSX     = "bad_xlsx"
	CodeBadJSON     = "bad_json"
	CodeTooLarge    = "too_large"
	// CodeTooManyRows: an XLSX sheet has more rows (blank ones included)
	// or a longer run of blank rows than the limits allow.
	CodeTooManyRows = "too_many_rows"
	// CodeTimeLimit: reading the file took longer than its time limit.
	CodeTimeLimit = "time_limit"
)

// Error is why a file (as a whole) cannot be read.
type Error struct {
	Code    string
	Message string
	Err     error // cause, for logs
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause; an end of file is reported as unexpected, so
// that an *Error is never taken for the normal end of the rows.
func (e *Error) Unwrap() error {
	if errors.Is(e.Err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return e.Err
}

func refuse(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Row is one row of a file.
type Row struct {
	// Num is the 1-based line (CSV: the line the record starts on), sheet
	// row (XLSX) or element (JSON, NDJSON line) of the row.
	Num int
	// Cells are the row's values as text. For JSON they are aligned with
	// Reader.Keys at the time the row was returned. The slice is only
	// valid until the next call to Next.
	Cells []string
	// BadEncoding is set when a cell held bytes that are not valid in the
	// file's encoding (decoded as U+FFFD); such rows must not be used
	// silently.
	BadEncoding bool
	// MixedEncoding is set when a cell of a UTF-8 file was not valid UTF-8
	// and was read as Windows-1252 instead.
	MixedEncoding bool
	// Problem, when set, says why the row could not be read as a row (a
	// JSON element that is not an object, a malformed NDJSON line); its
	// Cells are empty and the caller rejects it.
	Problem string
}

// Info describes a file as read.
type Info struct {
	Format    string `json:"format"`
	Encoding  string `json:"encoding"`
	Delimiter string `json:"delimiter,omitempty"`
	Sheet     string `json:"sheet,omitempty"`
}

// Reader returns a file's rows in order.
type Reader interface {
	// Next returns the next row, io.EOF after the last, or an error (an
	// *Error when the rest of the file cannot be read).
	Next() (Row, error)
	// Info says how the file is being read.
	Info() Info
	// Keys returns the column names of keyed formats (JSON, NDJSON): every
	// key seen so far, in order of first appearance. Nil for CSV and XLSX,
	// whose header is a row like any other.
	Keys() []string
	// Close releases temporary files.
	Close() error
}

// Limits bound what one file may cost.
const (
	// DefaultMaxRecordBytes caps one row (CSV record, JSON element).
	DefaultMaxRecordBytes = 4 << 20
	// DefaultMaxXLSXBytes caps an XLSX file (it is copied to a temporary
	// file, since a zip needs random access).
	DefaultMaxXLSXBytes = 128 << 20
	// DefaultMaxUnzipBytes caps the uncompressed size of an XLSX.
	DefaultMaxUnzipBytes = 1 << 30
	// DefaultMaxXLSXRows caps the rows of an XLSX sheet, blank ones and
	// rows without a number included: Excel's own limit, which excelize
	// only checks on numbered rows.
	DefaultMaxXLSXRows = 1 << 20
	// DefaultMaxBlankRows caps a run of consecutive blank XLSX rows (a
	// sheet that "expands" to a million empty rows).
	DefaultMaxBlankRows = 100_000
	// DefaultMaxDuration caps the time spent reading one XLSX file
	// (under the ingest Lambda's 5-minute timeout).
	DefaultMaxDuration = 4 * time.Minute
	// DefaultMaxCompressionRatio caps how many times a sheet or the
	// shared strings of an XLSX, over 1 MiB, may expand (real sheets
	// expand 10 to 15 times).
	DefaultMaxCompressionRatio = 100
	// DefaultMaxHeldBytes caps the unpacked size of the XLSX parts that
	// excelize holds in memory (every part but large sheets and shared
	// strings, which it spills to temporary files).
	DefaultMaxHeldBytes = 128 << 20
	// MaxColumns caps the cells of one row.
	MaxColumns  = 4096
	sampleBytes = 64 << 10
)

// Limits bound what one file may cost; a zero field takes its Default
// above.
type Limits struct {
	MaxRecordBytes int   // one CSV record or JSON element
	MaxXLSXBytes   int64 // an XLSX file
	MaxUnzipBytes  int64 // an XLSX unpacked
	// MaxXLSXRows caps an XLSX sheet's rows, blank ones included.
	MaxXLSXRows int
	// MaxBlankRows caps a run of consecutive blank XLSX rows.
	MaxBlankRows int
	// MaxDuration caps the time spent reading one XLSX.
	MaxDuration time.Duration
	// MaxCompressionRatio caps how many times an XLSX sheet or shared
	// strings part over 1 MiB may expand.
	MaxCompressionRatio int
	// MaxHeldBytes caps the unpacked XLSX parts excelize keeps in memory.
	MaxHeldBytes int64
}

// Options tune Open.
type Options struct {
	// Name is the file name; it is only a hint (format is detected from
	// the content).
	Name string
	// Encoding, when set, is used instead of detection (a WHATWG label:
	// "utf-8", "windows-1252", "latin1", "gb18030", "shift_jis", ...).
	Encoding string
	// Sheet selects an XLSX sheet by name; empty means the first
	// non-empty sheet.
	Sheet string
	// Limits bound what the file may cost.
	Limits
	// TempDir holds the temporary copy of an XLSX ("" = os.TempDir()).
	TempDir string
	// DeferChecks leaves the encoding checks of each row to the caller,
	// through the Reader's RowChecker, so that they can run in parallel.
	DeferChecks bool

	now func() time.Time // nil = time.Now (tests set a fake clock)
}

// RowChecker is implemented by readers whose rows need encoding checks
// (CSV): with Options.DeferChecks, the caller runs CheckRow on each row.
type RowChecker interface {
	CheckRow(row *Row)
}

func (o *Options) defaults() {
	orDefault(&o.MaxRecordBytes, DefaultMaxRecordBytes)
	orDefault(&o.MaxXLSXBytes, DefaultMaxXLSXBytes)
	orDefault(&o.MaxUnzipBytes, DefaultMaxUnzipBytes)
	orDefault(&o.MaxXLSXRows, DefaultMaxXLSXRows)
	orDefault(&o.MaxBlankRows, DefaultMaxBlankRows)
	orDefault(&o.MaxDuration, DefaultMaxDuration)
	orDefault(&o.MaxCompressionRatio, DefaultMaxCompressionRatio)
	orDefault(&o.MaxHeldBytes, DefaultMaxHeldBytes)
	if o.now == nil {
		o.now = time.Now
	}
}

// orDefault sets *v to d when it is zero or less.
func orDefault[T int | int64 | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Open detects the format and encoding of r and returns a Reader over its
// rows. The caller keeps ownership of r (Close does not close it). An XLSX
// reader stops with ctx's error once ctx is done.
func Open(ctx context.Context, r io.Reader, opt Options) (Reader, error) {
	opt.defaults()
	br := bufio.NewReaderSize(r, sampleBytes)
	sample, err := br.Peek(sampleBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &Error{Code: CodeUnsupported, Message: "the file cannot be read", Err: err}
	}
	if len(bytes.TrimSpace(sample)) == 0 {
		if len(sample) == 0 {
			return nil, refuse(CodeEmpty, "the file is empty")
		}
		// Only white space in the first 64 KiB: look further.
		if _, err := br.Discard(len(sample)); err == nil {
			if more, _ := br.Peek(1); len(more) == 0 {
				return nil, refuse(CodeEmpty, "the file holds only white space")
			}
		}
		return nil, refuse(CodeEmpty, "the file starts with more than 64 KiB of white space")
	}
	switch {
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")):
		return openXLSX(ctx, br, opt)
	case bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, refuse(CodeUnsupported, "this is an Excel 97-2003 (.xls) or encrypted Office file; save it as .xlsx or CSV")
	case bytes.HasPrefix(sample, []byte("MZ")), bytes.HasPrefix(sample, []byte("\x7fELF")):
		return nil, refuse(CodeBinary, "this is a program, not a catalog")
	case bytes.HasPrefix(sample, []byte("%PDF")):
		return nil, refuse(CodeUnsupported, "this is a PDF; send a CSV, XLSX or JSON file")
	case bytes.HasPrefix(sample, []byte("\x1f\x8b")), bytes.HasPrefix(sample, []byte("Rar!")), bytes.HasPrefix(sample, []byte("7z\xbc\xaf")):
		return nil, refuse(CodeUnsupported, "this is a compressed archive; send the catalog file itself")
	}
	enc, err := detectEncoding(sample, opt.Encoding)
	if err != nil {
		return nil, err
	}
	if enc.bom > 0 {
		_, _ = br.Discard(enc.bom)
	}
	text := enc.decodeSample(sample[enc.bom:])
	if looksBinary(text) {
		return nil, refuse(CodeBinary, "the file is binary data, not text (CSV, JSON) or XLSX")
	}
	var src io.Reader = br
	if enc.enc != nil {
		src = enc.reader(br)
	}
	lim := &recordLimit{r: src, max: opt.MaxRecordBytes}
	first := strings.TrimLeft(text, " \t\r\n")
	switch {
	case strings.HasPrefix(first, "["):
		return newJSONReader(lim, enc, false)
	case strings.HasPrefix(first, "{"):
		return newJSONReader(lim, enc, true)
	}
	if strings.HasPrefix(first, "<") {
		return nil, refuse(CodeUnsupported, "this looks like XML or HTML; send a CSV, XLSX or JSON file")
	}
	cr := newCSVReader(lim, enc, detectDelimiter(text))
	cr.deferChecks = opt.DeferChecks
	return cr, nil
}

// looksBinary reports whether decoded text holds NUL bytes or many control
// characters.
func looksBinary(s string) bool {
	if s == "" {
		return false
	}
	ctl := 0
	n := 0
	for _, r := range s {
		n++
		if r == 0 {
			return true
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			ctl++
		}
	}
	return ctl*20 > n // more than 5%
}

// ErrRecordTooLarge is returned (inside an *Error with CodeTooLarge) when a
// row is longer than the limit.
var errRecordTooLarge = errors.New("record too large")

// recordLimit fails a read once more than max bytes pass without the
// reader being reset (at each row boundary). It bounds the memory a single
// CSV record or JSON element can take (an unclosed quote, a 200 MB line).
type recordLimit struct {
	r     io.Reader
	max   int
	n     int
	total int64
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, errRecordTooLarge
	}
	n, err := l.r.Read(p)
	l.n += n
	l.total += int64(n)
	return n, err
}

func (l *recordLimit) reset() { l.n = 0 }

func tooLarge(row int, max int) *Error {
	return &Error{Code: CodeTooLarge, Message: fmt.Sprintf(
		"the row starting near line %d is longer than %d MiB (an unclosed quote, or a line with no end?); the file was not read past it", row, max>>20), Err: errRecordTooLarge}
}
