package ingest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// workbook builds an XLSX with excelize, its first sheet's XML replaced by
// sheetXML when given (for hostile variants).
func workbook(t *testing.T, rows [][]any, sheetXML string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if sheetXML == "" {
		return buf.Bytes()
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, _ := zw.Create(zf.Name)
		if zf.Name == "xl/worksheets/sheet1.xml" {
			_, _ = io.WriteString(w, sheetXML)
			continue
		}
		rc, _ := zf.Open()
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetEnd = `</sheetData></worksheet>`

func xrow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
	}
	return b.String() + "</row>"
}

// bigFile writes head, n bytes of fill, then tail into the temp dir and
// returns it as a blob: the files of the hostile corpus that are too big
// to keep in the repository are made at test time.
func (e *env) putBigFile(key, head string, fill byte, n int64, tail string) {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), "big")
	f, err := os.Create(p)
	if err != nil {
		e.t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	_, _ = f.WriteString(head)
	for w := int64(0); w < n; w += int64(len(chunk)) {
		if _, err := f.Write(chunk[:min(int64(len(chunk)), n-w)]); err != nil {
			e.t.Fatal(err)
		}
	}
	_, _ = f.WriteString(tail)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	if _, err := e.blobs.Put(context.Background(), key, f); err != nil {
		e.t.Fatal(err)
	}
}

// TestHostileFiles runs the hostile corpus through the whole service: each
// file ends in a report or a refusal with a reason, never a panic, and
// leaves no temporary file behind.
func TestHostileFiles(t *testing.T) {
	for _, tt := range hostileFiles() {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			tmp := t.TempDir()
			e.svc = ingest.New(ingest.Deps{Store: e.store, Blobs: e.blobs, TempDir: tmp, Limits: ingest.Limits{MaxUnzipBytes: 16 << 20}})
			key := "incoming/acme/" + tt.file
			tt.put(e, key)
			c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key})
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			e.checkInvariants(c)
			if tt.status != "" && c.Status != tt.status {
				t.Fatalf("status %s (%s), want %s", c.Status, c.Report.Reason, tt.status)
			}
			if !strings.Contains(c.Report.Reason, tt.reason) {
				t.Fatalf("reason %q, want it to mention %q", c.Report.Reason, tt.reason)
			}
			if tt.check != nil {
				tt.check(t, c.Report)
			}
			left, _ := os.ReadDir(tmp)
			if len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}

// hostileFile is a file of the hostile corpus, how to store it, and how
// its ingest must end.
type hostileFile struct {
	name   string
	file   string
	put    func(e *env, key string)
	status catalog.Status
	reason string // in Report.Reason
	check  func(t *testing.T, r *catalog.Report)
}

// hostileFiles is the hostile corpus.
func hostileFiles() []hostileFile {
	header := xrow(1, "sku", "name")
	return []hostileFile{
		{name: "empty", file: "empty.csv", put: func(e *env, k string) { e.put(k, "") }, status: catalog.StatusRefused, reason: "empty"},
		{name: "header only", file: "h.csv", put: func(e *env, k string) { e.put(k, "sku,name,price\n") }, status: catalog.StatusDone,
			check: func(t *testing.T, r *catalog.Report) {
				if r.Rows != 0 || r.Products != 0 {
					t.Fatalf("%+v", r)
				}
			}},
		{name: "no usable header", file: "n.csv", put: func(e *env, k string) { e.put(k, "1,2,3\n4,5,6\n") }, status: catalog.StatusRefused, reason: "no usable header"},
		{name: "no name column", file: "nn.csv", put: func(e *env, k string) { e.put(k, "sku,price,brand\nA,1,B\n") }, status: catalog.StatusRefused, reason: "a product name"},
		{name: "binary garbage named .csv", file: "garbage.csv", put: func(e *env, k string) { e.put(k, garbage(8192)) }, status: catalog.StatusRefused, reason: "binary"},
		{name: ".exe renamed .xlsx", file: "setup.xlsx", put: func(e *env, k string) {
			e.put(k, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"+strings.Repeat("\x00", 1000))
		}, status: catalog.StatusRefused, reason: "program"},
		{name: "ragged rows", file: "r.csv", put: func(e *env, k string) { e.put(k, "sku,name,price\nA\nB,b,1,extra,more\nC,c\n") }, status: catalog.StatusDone,
			check: func(t *testing.T, r *catalog.Report) {
				if r.Rows != 3 || r.Accepted != 2 || r.Rejected != 1 || r.Errors[0].Code != ingest.CodeMissingName {
					t.Fatalf("%+v", r)
				}
			}},
		{name: "bare and unmatched quotes", file: "q.csv", put: func(e *env, k string) {
			e.put(k, "sku,name\nA,12\" screen\nB,say \"hi\" now\nC,\"open\nD,d\n")
		}, status: catalog.StatusDone, check: func(t *testing.T, r *catalog.Report) {
			if r.Rows != 3 || r.Accepted != 3 {
				t.Fatalf("%+v", r)
			}
		}},
		{name: "50 MB single field", file: "field.csv", put: func(e *env, k string) {
			e.putBigFile(k, "sku,name,description\nA,a,\"", 'x', 50<<20, "\"\nB,b,c\n")
		}, status: catalog.StatusRefused, reason: "longer than"},
		{name: "200 MB line with no newline", file: "line.csv", put: func(e *env, k string) {
			e.putBigFile(k, "sku,name\nA,a\n", 'y', 200<<20, "")
		}, status: catalog.StatusRefused, reason: "longer than"},
		{name: "XLSX zip bomb", file: "bomb.xlsx", put: func(e *env, k string) {
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, bigSheet(header, 24<<20))))
		}, status: catalog.StatusRefused, reason: "unpacks to more than"},
		{name: "XLSX of a million unnumbered empty rows (a 100 KB zip bomb)", file: "rows-bomb.xlsx", put: func(e *env, k string) {
			sheet := sheetStart + header + xrow(2, "A", "a") + strings.Repeat("<row/>", 1_100_000) + sheetEnd
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, sheet)))
		}, status: catalog.StatusRefused, reason: "zip bomb"},
		{name: "XLSX of 100,001 blank rows after a product", file: "blank.xlsx", put: func(e *env, k string) {
			var s strings.Builder
			s.WriteString(sheetStart + header + xrow(2, "A", "a"))
			for i := 3; i < 100_004; i++ {
				fmt.Fprintf(&s, `<row r="%d"/>`, i)
			}
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, s.String()+sheetEnd)))
		}, status: catalog.StatusRefused, reason: "more than 100000 blank rows in a row (from row 3)"},
		{name: "XLSX with DOCTYPE and entities", file: "xxe.xlsx", put: func(e *env, k string) {
			s := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
				`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header +
				`<row r="2"><c r="A2" t="inlineStr"><is><t>X-1</t></is></c><c r="B2" t="inlineStr"><is><t>&b;&xxe;</t></is></c></row>` + sheetEnd
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, s)))
		}, check: func(t *testing.T, r *catalog.Report) {
			if r.Status != catalog.StatusRefused && r.Status != catalog.StatusDone {
				t.Fatalf("%+v", r)
			}
		}},
		{name: "XLSX row index 2147483647", file: "rows.xlsx", put: func(e *env, k string) {
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, sheetStart+header+xrow(2, "A", "a")+xrow(2147483647, "B", "b")+sheetEnd)))
		}, status: catalog.StatusRefused, reason: "1,048,576"},
		{name: "XLSX formula cells", file: "f.xlsx", put: func(e *env, k string) {
			s := sheetStart + header + `<row r="2"><c r="A2" t="inlineStr"><is><t>F-1</t></is></c><c r="B2" t="str"><f>CONCAT("Chaise"," pliante")</f><v>Chaise pliante</v></c></row>` +
				`<row r="3"><c r="A3" t="inlineStr"><is><t>F-2</t></is></c><c r="B3"><f>1+1</f></c></row>` + sheetEnd
			e.put(k, string(workbook(e.t, [][]any{{"sku"}}, s)))
		}, status: catalog.StatusDone, check: func(t *testing.T, r *catalog.Report) {
			if r.Format != "xlsx" || r.Accepted != 1 || r.Rejected != 1 || r.Errors[0].Code != ingest.CodeMissingName {
				t.Fatalf("%+v", r)
			}
		}},
		{name: "mixed encodings", file: "mixed.csv", put: func(e *env, k string) { e.put(k, utf8ThenLatin1(4000)) }, status: catalog.StatusDone, check: func(t *testing.T, r *catalog.Report) {
			if r.Encoding != "utf-8" || r.Accepted != 4001 || len(r.Warnings) != 1 || r.Warnings[0].Code != ingest.CodeMixedEncoding || r.Warnings[0].Row != 4002 {
				t.Fatalf("%+v", r.Warnings)
			}
		}},
		{name: "truncated JSON", file: "t.json", put: func(e *env, k string) { e.put(k, `[{"sku":"A","name":"a"},{"sku":"B","na`) }, status: catalog.StatusRefused, reason: "malformed"},
	}
}

// garbage is n bytes of binary noise.
func garbage(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*131 + i/7)
	}
	return string(b)
}

// bigSheet is a worksheet of header and copies of one wide row, at least
// size bytes long.
func bigSheet(header string, size int) string {
	var s strings.Builder
	s.WriteString(sheetStart + header)
	row := xrow(2, strings.Repeat("A", 2000), "b")
	for s.Len() < size {
		s.WriteString(row)
	}
	s.WriteString(sheetEnd)
	return s.String()
}

// utf8ThenLatin1 is a CSV of n UTF-8 rows, then one row in Latin-1.
func utf8ThenLatin1(n int) string {
	var b strings.Builder
	b.WriteString("sku,name\n")
	for i := range n {
		fmt.Fprintf(&b, "U%d,Thé vert à la menthe\n", i)
	}
	return b.String() + "L,Caf\xe9 cr\xe8me\n"
}
