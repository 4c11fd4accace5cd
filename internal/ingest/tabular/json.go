package tabular

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const maxJSONDepth = 32

// jsonReader reads a JSON array of objects (streamed element by element)
// or NDJSON (one object per line). Nested objects become dotted keys
// ("price.amount"); arrays of scalars become one value joined with '|'.
type jsonReader struct {
	lim     *recordLimit
	dec     *json.Decoder // array form
	lines   *bufio.Reader // NDJSON form
	info    Info
	keys    []string
	index   map[string]int
	cells   []string
	n       int // elements or lines read
	done    bool
	tooMany bool
}

func newJSONReader(lim *recordLimit, enc textEncoding, ndjson bool) (*jsonReader, error) {
	j := &jsonReader{lim: lim, index: map[string]int{}, info: Info{Format: FormatJSON, Encoding: enc.name}}
	if ndjson {
		j.info.Format = FormatNDJSON
		j.lines = bufio.NewReaderSize(lim, 64<<10)
		return j, nil
	}
	j.dec = json.NewDecoder(lim)
	j.dec.UseNumber()
	t, err := j.dec.Token()
	if d, ok := t.(json.Delim); err != nil || !ok || d != '[' {
		return nil, &Error{Code: CodeBadJSON, Message: "the JSON file does not start with an array of products", Err: err}
	}
	return j, nil
}

func (j *jsonReader) Info() Info     { return j.info }
func (j *jsonReader) Keys() []string { return j.keys }
func (j *jsonReader) Close() error   { return nil }

func (j *jsonReader) Next() (Row, error) {
	if j.done {
		return Row{}, io.EOF
	}
	if j.lines != nil {
		return j.nextLine()
	}
	j.lim.reset()
	if !j.dec.More() {
		j.done = true
		if _, err := j.dec.Token(); err != nil { // the closing ']'
			return Row{}, j.syntax(err)
		}
		return Row{}, io.EOF
	}
	j.n++
	j.resetCells()
	t, err := j.dec.Token()
	if err != nil {
		return Row{}, j.syntax(err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		// Skip the whole element, then reject it as a row.
		if ok {
			if err := j.skip(d); err != nil {
				return Row{}, j.syntax(err)
			}
		}
		return Row{Num: j.n, Problem: "element is not a JSON object"}, nil
	}
	if err := j.readObject("", 1); err != nil {
		if errors.Is(err, errDepth) {
			return Row{Num: j.n, Problem: err.Error()}, nil
		}
		return Row{}, j.syntax(err)
	}
	return j.row(), nil
}

var errDepth = fmt.Errorf("object nested deeper than %d levels", maxJSONDepth)

func (j *jsonReader) syntax(err error) error {
	if errors.Is(err, errRecordTooLarge) {
		return tooLarge(j.n, j.lim.max)
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // never read as the end of the rows
	}
	return &Error{Code: CodeBadJSON, Message: fmt.Sprintf("the JSON is malformed in element %d", j.n), Err: err}
}

func (j *jsonReader) nextLine() (Row, error) {
	for {
		j.lim.reset()
		line, err := j.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) == 0 {
				j.done = true
				return Row{}, io.EOF
			}
			if !errors.Is(err, io.EOF) {
				if errors.Is(err, errRecordTooLarge) {
					return Row{}, tooLarge(j.n+1, j.lim.max)
				}
				return Row{}, &Error{Code: CodeUnsupported, Message: "the file cannot be read", Err: err}
			}
		}
		j.n++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			if err != nil {
				j.done = true
				return Row{}, io.EOF
			}
			continue
		}
		j.resetCells()
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		saved := j.dec
		j.dec = dec
		perr := func() error {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			if d, ok := t.(json.Delim); !ok || d != '{' {
				return errors.New("line is not a JSON object")
			}
			if err := j.readObject("", 1); err != nil {
				return err
			}
			if dec.More() {
				return errors.New("more than one value on the line")
			}
			return nil
		}()
		j.dec = saved
		if perr != nil {
			msg := perr.Error()
			if !strings.HasPrefix(msg, "line is") && !strings.HasPrefix(msg, "more than") && !errors.Is(perr, errDepth) {
				msg = "line is not valid JSON"
			}
			return Row{Num: j.n, Problem: msg}, nil
		}
		return j.row(), nil
	}
}

// readLine reads one line of any length up to the record limit.
func (j *jsonReader) readLine() ([]byte, error) {
	var buf []byte
	for {
		part, err := j.lines.ReadSlice('\n')
		buf = append(buf, part...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, err
	}
}

func (j *jsonReader) resetCells() {
	for i := range j.cells {
		j.cells[i] = ""
	}
}

func (j *jsonReader) row() Row {
	r := Row{Num: j.n, Cells: j.cells[:len(j.keys)]}
	for _, s := range r.Cells {
		if strings.ContainsRune(s, utf8.RuneError) {
			r.BadEncoding = true
		}
	}
	return r
}

func (j *jsonReader) set(key, v string) {
	i, ok := j.index[key]
	if !ok {
		if len(j.keys) >= MaxColumns {
			j.tooMany = true
			return
		}
		i = len(j.keys)
		j.keys = append(j.keys, key)
		j.index[key] = i
		j.cells = append(j.cells, "")
	}
	if j.cells[i] != "" {
		j.cells[i] += "|" + v
	} else {
		j.cells[i] = v
	}
}

// readObject reads the members of an object whose '{' was consumed.
func (j *jsonReader) readObject(prefix string, depth int) error {
	if depth > maxJSONDepth {
		return errDepth
	}
	for j.dec.More() {
		t, err := j.dec.Token()
		if err != nil {
			return err
		}
		k, ok := t.(string)
		if !ok {
			return errors.New("object key is not a string")
		}
		if err := j.readValue(prefix+k, depth); err != nil {
			return err
		}
	}
	_, err := j.dec.Token() // '}'
	return err
}

func (j *jsonReader) readValue(key string, depth int) error {
	t, err := j.dec.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return j.readObject(key+".", depth+1)
		case '[':
			return j.readArray(key, depth+1)
		}
		return errors.New("unexpected " + v.String())
	case string:
		j.set(key, v)
	case json.Number:
		j.set(key, v.String())
	case bool:
		if v {
			j.set(key, "true")
		} else {
			j.set(key, "false")
		}
	case nil:
		j.set(key, "")
	}
	return nil
}

func (j *jsonReader) readArray(key string, depth int) error {
	if depth > maxJSONDepth {
		return errDepth
	}
	for j.dec.More() {
		if err := j.readValue(key, depth); err != nil {
			return err
		}
	}
	_, err := j.dec.Token() // ']'
	return err
}

// skip consumes the rest of a value whose opening delimiter was read.
func (j *jsonReader) skip(open json.Delim) error {
	if open != '{' && open != '[' {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := j.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}
