package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readAll opens content and returns its rows (cells copied) and info.
func readAll(t *testing.T, content io.Reader, opt Options) ([]Row, Info, error) {
	t.Helper()
	rd, err := Open(context.Background(), content, opt)
	if err != nil {
		return nil, Info{}, err
	}
	defer rd.Close()
	var rows []Row
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rows, rd.Info(), nil
		}
		if err != nil {
			return rows, rd.Info(), err
		}
		r.Cells = append([]string(nil), r.Cells...)
		rows = append(rows, r)
	}
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func TestEncodings(t *testing.T) {
	fr := "Référence;Désignation;Prix unitaire HT\nA-1;Chaise pliante été;12,50 €\nA-2;Crème brûlée à l'œuf;3\n"
	cn := "编号,名称,价格\nCN-1,蓝牙耳机 无线,199\nCN-2,手机充电器 快充,59\n"
	jp := "品番,商品名,価格\nJP-1,ワイヤレスイヤホン,1980\nJP-2,スマートフォン用の充電器です,980\n"
	utf16le := append([]byte{0xFF, 0xFE}, encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), fr)...)
	utf16be := append([]byte{0xFE, 0xFF}, encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), fr)...)
	tests := []struct {
		name     string
		in       []byte
		declared string
		want     string // expected encoding
		text     string // expected decoded content
		cell     string // row 2, cell 2
	}{
		{"utf-8", []byte(fr), "", "utf-8", fr, "Chaise pliante été"},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, fr...), "", "utf-8", fr, "Chaise pliante été"},
		{"utf-16le bom", utf16le, "", "utf-16le", fr, "Chaise pliante été"},
		{"utf-16be bom", utf16be, "", "utf-16be", fr, "Chaise pliante été"},
		{"windows-1252", encode(t, charmap.Windows1252, fr), "", "windows-1252", fr, "Chaise pliante été"},
		{"latin-1 declared", encode(t, charmap.ISO8859_1, strings.ReplaceAll(strings.ReplaceAll(fr, "€", "EUR"), "œ", "oe")), "latin1", "windows-1252", "", "Chaise pliante été"},
		{"gb18030", encode(t, simplifiedchinese.GB18030, cn), "", "gb18030", cn, "蓝牙耳机 无线"},
		{"shift_jis", encode(t, japanese.ShiftJIS, jp), "", "shift_jis", jp, "ワイヤレスイヤホン"},
		{"declared wins", encode(t, charmap.Windows1252, fr), "windows-1252", "windows-1252", fr, "Chaise pliante été"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, info, err := readAll(t, bytes.NewReader(tt.in), Options{Encoding: tt.declared})
			if err != nil {
				t.Fatal(err)
			}
			if info.Encoding != tt.want || info.Format != FormatCSV {
				t.Fatalf("info = %+v; want encoding %s", info, tt.want)
			}
			if len(rows) != 3 || rows[1].Cells[1] != tt.cell || rows[1].Num != 2 {
				t.Fatalf("rows = %+v", rows)
			}
			for _, r := range rows {
				if r.BadEncoding || r.MixedEncoding {
					t.Fatalf("row %d flagged: %+v", r.Num, r)
				}
			}
		})
	}
}

func TestDeclaredEncodingWinsOverDetection(t *testing.T) {
	// Valid UTF-8, declared windows-1252 by the partner: read as declared.
	rows, info, err := readAll(t, strings.NewReader("sku,name\nA,Thé\n"), Options{Encoding: "windows-1252"})
	if err != nil || info.Encoding != "windows-1252" || rows[1].Cells[1] != "ThÃ©" {
		t.Fatalf("%+v %+v %v", rows, info, err)
	}
	if _, err := Open(context.Background(), strings.NewReader("sku,name\n"), Options{Encoding: "klingon-8"}); err == nil {
		t.Fatal("unknown declared encoding accepted")
	} else if e, ok := AsError(err); !ok || e.Code != CodeEncoding {
		t.Fatalf("err = %v", err)
	}
}

func TestMixedAndInvalidEncoding(t *testing.T) {
	// A UTF-8 file with one Latin-1 row: read, and flagged.
	// (Detection reads the first 64 KiB, so the bad row comes after.)
	in := []byte("sku,name\nA,Thé vert\n" + strings.Repeat("X,éééééééé\n", 8000) + "B,Caf\xe9\n")
	rows, info, err := readAll(t, bytes.NewReader(in), Options{})
	if err != nil || info.Encoding != "utf-8" {
		t.Fatal(err, info)
	}
	last := rows[len(rows)-1]
	if last.Cells[1] != "Café" || !last.MixedEncoding || rows[1].MixedEncoding {
		t.Fatalf("rows = %+v", last)
	}
	// A small file that is not UTF-8 is detected as a whole.
	rows, info, err = readAll(t, bytes.NewReader([]byte("sku,name\nA,Thé\nB,Caf\xe9\n")), Options{})
	if err != nil || info.Encoding != "windows-1252" || rows[1].Cells[1] != "ThÃ©" {
		t.Fatalf("%+v %+v %v", rows, info, err)
	}
	// Declared UTF-8: the bad row is flagged, never silently changed.
	rows, _, err = readAll(t, bytes.NewReader(in), Options{Encoding: "utf-8"})
	if err != nil || !rows[len(rows)-1].BadEncoding || rows[1].BadEncoding {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
	// Shift-JIS declared but a byte sequence is invalid: U+FFFD is flagged.
	bad := append(encode(t, japanese.ShiftJIS, "品番,商品名\nJP-1,"), 0x85, 0x40, '\n')
	rows, _, err = readAll(t, bytes.NewReader(bad), Options{Encoding: "shift_jis"})
	if err != nil || len(rows) != 2 || !rows[1].BadEncoding {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
}

func TestDelimiters(t *testing.T) {
	for _, d := range []string{",", ";", "\t", "|"} {
		in := "Catalogue 2026 - Tarifs\n\nsku" + d + "name" + d + "price\nA" + d + "\"x" + d + " y\"" + d + "1,5\nB" + d + "z" + d + "2\n"
		rows, info, err := readAll(t, strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if info.Delimiter != d || len(rows) != 4 || rows[2].Cells[1] != "x"+d+" y" || rows[2].Num != 4 {
			t.Fatalf("delimiter %q: info %+v rows %+v", d, info, rows)
		}
	}
}

func TestJSONAndNDJSON(t *testing.T) {
	arr := `[{"sku":"A","name":"Chaise","price":{"amount":"12.50","currency":"EUR"},"category":["Maison","Jardin"],"moq":10},
	         {"sku":"B","name":"Table","brand":"Acme"}, 42, {"sku":"C","name":"Deep","x":{"y":{"z":true}}}]`
	rows, info, err := readAll(t, strings.NewReader(arr), Options{})
	if err != nil || info.Format != FormatJSON || len(rows) != 4 {
		t.Fatalf("%+v %+v %v", rows, info, err)
	}
	rd, _ := Open(context.Background(), strings.NewReader(arr), Options{})
	var got []string
	for {
		r, err := rd.Next()
		if err != nil {
			break
		}
		got = append(got, fmt.Sprint(r.Num, r.Problem, r.Cells))
	}
	keys := strings.Join(rd.Keys(), ",")
	if keys != "sku,name,price.amount,price.currency,category,moq,brand,x.y.z" {
		t.Fatalf("keys = %s", keys)
	}
	if got[0] != "1[A Chaise 12.50 EUR Maison|Jardin 10]" || got[2] != "3element is not a JSON object[]" || got[1] != "2[B Table     Acme]" || got[3] != "4[C Deep      true]" {
		t.Fatalf("rows = %q", got)
	}
	nd := "{\"sku\":\"A\",\"name\":\"x\"}\n\n{broken\n{\"sku\":\"B\",\"name\":\"y\"}\n"
	rows, info, err = readAll(t, strings.NewReader(nd), Options{})
	if err != nil || info.Format != FormatNDJSON || len(rows) != 3 || rows[1].Problem == "" || rows[1].Num != 3 || rows[2].Cells[0] != "B" {
		t.Fatalf("ndjson: %+v %+v %v", rows, info, err)
	}
	if _, _, err := readAll(t, strings.NewReader(`[{"sku":"A"}, {"sku": `), Options{}); err == nil {
		t.Fatal("truncated JSON accepted")
	} else if e, ok := AsError(err); !ok || e.Code != CodeBadJSON {
		t.Fatalf("err = %v", err)
	}
}

// xlsxBytes builds a workbook with excelize; rewrite, when set, replaces
// the first sheet's XML (for hostile variants).
func xlsxBytes(t *testing.T, rows [][]any, rewrite string) []byte {
	t.Helper()
	f := excelize.NewFile()
	if _, err := f.NewSheet("Empty"); err != nil {
		t.Fatal(err)
	}
	idx, _ := f.NewSheet("Produits")
	f.SetActiveSheet(idx)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Produits", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if rewrite == "" {
		return buf.Bytes()
	}
	return rewriteZip(t, buf.Bytes(), func(name string) (string, bool) {
		return rewrite, name == "xl/worksheets/sheet2.xml"
	})
}

func rewriteZip(t *testing.T, in []byte, fn func(name string) (string, bool)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := fn(f.Name); ok {
			_, _ = io.WriteString(w, s)
			continue
		}
		rc, _ := f.Open()
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestXLSX(t *testing.T) {
	b := xlsxBytes(t, [][]any{
		{"Catalogue fournisseur 2026"},
		{},
		{"Référence", "Désignation", "Prix unitaire HT", "MOQ"},
		{"R-1", "Chaise", 12.5, 10},
		{"R-2", "Table", "149,90 €", nil},
	}, "")
	rows, info, err := readAll(t, bytes.NewReader(b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != FormatXLSX || info.Sheet != "Produits" || len(rows) != 4 || rows[0].Num != 1 || rows[1].Num != 3 ||
		rows[2].Cells[0] != "R-1" || rows[2].Cells[2] != "12.5" || rows[3].Cells[2] != "149,90 €" {
		t.Fatalf("info %+v rows %+v", info, rows)
	}
	if _, _, err := readAll(t, bytes.NewReader(b), Options{Sheet: "Nope"}); err == nil {
		t.Fatal("missing sheet accepted")
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
const sheetOpen = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetClose = `</sheetData></worksheet>`

func inlineRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
	}
	b.WriteString("</row>")
	return b.String()
}

// TestHostile is the corpus of hostile files: each ends in rows or a coded
// refusal, never a panic or unbounded memory.
func TestHostile(t *testing.T) {
	header := inlineRow(1, "sku", "name")
	tests := []struct {
		name string
		in   func() io.Reader
		opt  Options
		code string // expected refusal code, "" for rows
		rows int    // expected rows when no refusal (-1: any)
	}{
		{"empty", func() io.Reader { return strings.NewReader("") }, Options{}, CodeEmpty, 0},
		{"only white space", func() io.Reader { return strings.NewReader("  \n\n\t\n") }, Options{}, CodeEmpty, 0},
		{"header only", func() io.Reader { return strings.NewReader("sku,name,price\n") }, Options{}, "", 1},
		{"binary garbage named csv", func() io.Reader {
			b := make([]byte, 4096)
			for i := range b {
				b[i] = byte(i * 7 % 251)
			}
			return bytes.NewReader(b)
		}, Options{Name: "catalog.csv"}, CodeBinary, 0},
		{"exe renamed xlsx", func() io.Reader {
			return bytes.NewReader(append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 512)...))
		}, Options{Name: "catalog.xlsx"}, CodeBinary, 0},
		{"zip that is not a workbook", func() io.Reader {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("hello.txt")
			_, _ = w.Write([]byte("hi"))
			_ = zw.Close()
			return &buf
		}, Options{}, CodeBadXLSX, 0},
		{"legacy xls", func() io.Reader {
			return bytes.NewReader(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))
		}, Options{}, CodeUnsupported, 0},
		{"ragged rows", func() io.Reader { return strings.NewReader("sku,name,price\nA\nB,b,1,extra,more\n,,\n") }, Options{}, "", 4},
		{"bare quotes", func() io.Reader { return strings.NewReader("sku,name\nA,12\" screen\nB,say \"hi\" now\n") }, Options{}, "", 3},
		{"unmatched quote runs to the end", func() io.Reader { return strings.NewReader("sku,name\nA,\"open\nB,b\nC,c\n") }, Options{}, "", 2},
		{"50 MB single field", func() io.Reader {
			return io.MultiReader(strings.NewReader("sku,name\nA,\""), io.LimitReader(repeatReader('x'), 50<<20), strings.NewReader("\"\nB,b\n"))
		}, Options{}, CodeTooLarge, 0},
		{"200 MB line with no newline", func() io.Reader {
			return io.MultiReader(strings.NewReader("sku,name\n"), io.LimitReader(repeatReader('y'), 200<<20))
		}, Options{}, CodeTooLarge, 0},
		{"200 MB JSON element", func() io.Reader {
			return io.MultiReader(strings.NewReader(`[{"sku":"A","name":"`), io.LimitReader(repeatReader('z'), 200<<20))
		}, Options{}, CodeTooLarge, 0},
		{"xlsx zip bomb", func() io.Reader {
			// A sheet of 64 MiB of repeated rows compresses to almost
			// nothing; the unzip limit refuses it.
			var sheet strings.Builder
			sheet.WriteString(sheetHead + sheetOpen + header)
			row := inlineRow(2, strings.Repeat("A", 1000), "b")
			for sheet.Len() < 64<<20 {
				sheet.WriteString(row)
			}
			sheet.WriteString(sheetClose)
			return bytes.NewReader(xlsxBytes(t, [][]any{{"sku"}}, sheet.String()))
		}, Options{Limits: Limits{MaxUnzipBytes: 8 << 20}}, CodeTooLarge, 0},
		{"xlsx with DOCTYPE and entities", func() io.Reader {
			s := `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
				sheetOpen + header + `<row r="2"><c r="A2" t="inlineStr"><is><t>&b;&xxe;</t></is></c></row>` + sheetClose
			return bytes.NewReader(xlsxBytes(t, [][]any{{"sku"}}, s))
		}, Options{}, "*", -1},
		{"xlsx row index 2147483647", func() io.Reader {
			s := sheetHead + sheetOpen + header + inlineRow(2147483647, "A", "a") + sheetClose
			return bytes.NewReader(xlsxBytes(t, [][]any{{"sku"}}, s))
		}, Options{}, CodeBadXLSX, 0},
		{"xlsx formula cells", func() io.Reader {
			s := sheetHead + sheetOpen + header + `<row r="2"><c r="A2" t="inlineStr"><is><t>F-1</t></is></c><c r="B2"><f>HYPERLINK("http://x","y")</f><v>cached</v></c></row>` +
				`<row r="3"><c r="A3" t="inlineStr"><is><t>F-2</t></is></c><c r="B3"><f>1+1</f></c></row>` + sheetClose
			return bytes.NewReader(xlsxBytes(t, [][]any{{"sku"}}, s))
		}, Options{}, "", 3},
		{"xml file", func() io.Reader { return strings.NewReader("<?xml version=\"1.0\"?><products/>") }, Options{}, CodeUnsupported, 0},
		{"json not an array", func() io.Reader { return strings.NewReader(`{"products": 1} trailing`) }, Options{}, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := readAll(t, tt.in(), tt.opt)
			switch {
			case tt.code == "*":
				if err != nil {
					if _, ok := AsError(err); !ok {
						t.Fatalf("uncoded error %v", err)
					}
				}
				for _, r := range rows {
					for _, c := range r.Cells {
						if strings.Contains(c, "root:") {
							t.Fatal("external entity expanded")
						}
					}
				}
			case tt.code != "":
				e, ok := AsError(err)
				if !ok || e.Code != tt.code || e.Message == "" {
					t.Fatalf("err = %v; want code %s", err, tt.code)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if tt.rows >= 0 && len(rows) != tt.rows {
					t.Fatalf("%d rows: %+v", len(rows), rows)
				}
			}
		})
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestFormulaCellsReadCachedValue(t *testing.T) {
	s := sheetHead + sheetOpen + inlineRow(1, "sku", "name") + `<row r="2"><c r="A2" t="inlineStr"><is><t>F-1</t></is></c><c r="B2" t="str"><f>CONCAT("a","b")</f><v>ab</v></c></row>` + sheetClose
	rows, _, err := readAll(t, bytes.NewReader(xlsxBytes(t, [][]any{{"sku"}}, s)), Options{})
	if err != nil || len(rows) != 2 || rows[1].Cells[1] != "ab" {
		t.Fatalf("rows %+v err %v", rows, err)
	}
}

func FuzzOpen(f *testing.F) {
	for _, s := range []string{
		"sku,name\nA,b\n", "sku;name\r\n\"A\";\"b\"\r\n", `[{"sku":"A"}]`, "{\"a\":1}\n{\"b\":[1,2]}\n",
		"\xef\xbb\xbfsku\tname\n", "\xff\xfes\x00k\x00u\x00", "a,\"b\n", "PK\x03\x04", "R\xe9f;D\xe9s\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzRead)
}

// fuzzRead reads every row of b (bounded), failing on a panic, an uncoded
// error or an oversized row.
func fuzzRead(t *testing.T, b []byte) {
	rd, err := Open(context.Background(), bytes.NewReader(b), Options{Limits: Limits{MaxRecordBytes: 1 << 16, MaxXLSXBytes: 1 << 20, MaxUnzipBytes: 4 << 20}})
	if err != nil {
		if _, ok := AsError(err); !ok {
			t.Fatalf("uncoded error %v", err)
		}
		return
	}
	defer rd.Close()
	for range 10000 {
		r, err := rd.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				if _, ok := AsError(err); !ok {
					t.Fatalf("uncoded error %v", err)
				}
			}
			return
		}
		if len(r.Cells) > MaxColumns {
			t.Fatalf("%d cells", len(r.Cells))
		}
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{"A,b\n", "\"A\";\"b\"\"\"\r\n", "a,\"b\n", "x\ty\n", "é;\xe9\n", "\"\"\"", ",,,\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzRead(t, []byte("sku,name,price\n"+s)) })
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"sku":"A"}]`, `1, {"a":[1,[2,{"b":null}]]}]`, `{"a":{"b":{"c":{}}}}, "x"]`, `]`, `{"a":"\ud800"}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzRead(t, []byte("["+s)) })
}

func FuzzNDJSON(f *testing.F) {
	for _, s := range []string{"\"a\":1}\n{\"b\":2}", "}\n{", "\"x\":[1,2]}\n\n\n{broken", "\"a\":{\"b\":[{\"c\":1}]}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzRead(t, []byte("{"+s)) })
}

func FuzzXLSX(f *testing.F) {
	for _, s := range []string{
		sheetHead + sheetOpen + inlineRow(1, "sku", "name") + inlineRow(2, "A", "b") + sheetClose,
		sheetOpen + `<row r="0"><c r="ZZZ9"><v>1</v></c></row>` + sheetClose,
		sheetOpen + `<row r="1048577"/>` + sheetClose,
		`<!DOCTYPE x [<!ENTITY e "e">]>` + sheetOpen + `<row><c t="s"><v>99</v></c></row>` + sheetClose,
	} {
		f.Add(s)
	}
	base, err := baseWorkbook()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sheet string) {
		b := rewriteZipNoFail(base, "xl/worksheets/sheet2.xml", sheet)
		if b == nil {
			return
		}
		fuzzRead(t, b)
	})
}

// rewriteZipNoFail replaces one entry of a zip; nil when in is not a zip.
func rewriteZipNoFail(in []byte, name, content string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil
		}
		if f.Name == name {
			_, _ = io.WriteString(w, content)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	if zw.Close() != nil {
		return nil
	}
	return out.Bytes()
}

// baseWorkbook is a workbook whose second sheet the XLSX fuzzer rewrites.
func baseWorkbook() ([]byte, error) {
	f := excelize.NewFile()
	if _, err := f.NewSheet("Produits"); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err := f.Write(&buf)
	return buf.Bytes(), err
}

// TestRecordLimitGranularity: with a small record limit, a large file of
// short rows reads to the end, and a row over the limit is refused.
func TestRecordLimitGranularity(t *testing.T) {
	for _, limit := range []int{8 << 10, 64 << 10, DefaultMaxRecordBytes} {
		var b bytes.Buffer
		b.WriteString("sku,name\n")
		for i := range 50000 {
			fmt.Fprintf(&b, "S%d,Stylo bleu numéro %d\n", i, i)
		}
		rd, err := Open(context.Background(), bytes.NewReader(b.Bytes()), Options{Limits: Limits{MaxRecordBytes: limit}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("limit %d, after %d rows: %v", limit, n, err)
			}
			n++
		}
		if n != 50001 {
			t.Fatalf("limit %d: %d rows", limit, n)
		}
		long := "sku,name\nA,a\nB," + strings.Repeat("x", 3*limit) + "\nC,c\n"
		rd, err = Open(context.Background(), strings.NewReader(long), Options{Limits: Limits{MaxRecordBytes: limit}})
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for range 10 {
			if _, last = rd.Next(); last != nil {
				break
			}
		}
		if e, ok := AsError(last); !ok || e.Code != CodeTooLarge {
			t.Fatalf("limit %d: a row of %d bytes gave %v", limit, 3*limit, last)
		}
	}
}

// withPart adds (or replaces) one part of a workbook.
func withPart(t *testing.T, in []byte, name string, content []byte) []byte {
	t.Helper()
	out := rewriteZip(t, in, func(n string) (string, bool) { return string(content), n == name })
	if bytes.Equal(out, in) || !bytes.Contains(out, []byte(name)) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		w, _ := zw.Create(name)
		_, _ = w.Write(content)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		out = buf.Bytes()
	}
	return out
}

// sheetOf is a sheet holding a header, one product, then the given rows.
func sheetOf(rows func(b *strings.Builder)) string {
	var b strings.Builder
	b.WriteString(sheetHead + sheetOpen + inlineRow(1, "sku", "name") + inlineRow(2, "A", "a"))
	rows(&b)
	b.WriteString(sheetClose)
	return b.String()
}

// TestXLSXBounds: a small workbook that expands to millions of rows, or
// to a blob, is refused with a code before or while it is read, never
// read to the end; the row and time limits and the context hold while
// rows stream.
func TestXLSXBounds(t *testing.T) {
	blankRows := func(from, n int) string {
		return sheetOf(func(b *strings.Builder) {
			for i := from; i < from+n; i++ {
				fmt.Fprintf(b, `<row r="%d"/>`, i)
			}
		})
	}
	unnumbered := func(n int) string {
		return sheetOf(func(b *strings.Builder) { b.WriteString(strings.Repeat("<row/>", n)) })
	}
	dataRows := func(n int) string {
		return sheetOf(func(b *strings.Builder) {
			for i := 3; i < n+3; i++ {
				b.WriteString(inlineRow(i, fmt.Sprintf("S%d", i), "x"))
			}
		})
	}
	noise := make([]byte, 2<<20)
	for i, s := 0, uint32(7); i < len(noise); i++ {
		s = s*1664525 + 1013904223
		noise[i] = byte(s >> 24)
	}
	clock := func(step time.Duration) func() time.Time {
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		return func() time.Time { at = at.Add(step); return at }
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		book  func() []byte
		ctx   context.Context
		opt   Options
		code  string // refusal code; "" for no refusal
		cause error  // a plain error instead of a refusal
		rows  int    // rows read before the end or the refusal
	}{
		{"a million unnumbered empty rows (a 100 KB zip bomb)", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, unnumbered(1_100_000)) },
			nil, Options{}, CodeTooLarge, nil, 0},
		{"a blob of zeros beside the sheet", func() []byte {
			return withPart(t, xlsxBytes(t, [][]any{{"sku", "name"}, {"A", "a"}}, ""), "xl/media/image1.png", make([]byte, 16<<20))
		}, nil, Options{Limits: Limits{MaxHeldBytes: 8 << 20}}, CodeTooLarge, nil, 0},
		{"a blob of zeros under the limits", func() []byte {
			return withPart(t, xlsxBytes(t, [][]any{{"sku", "name"}, {"A", "a"}}, ""), "xl/media/image1.png", make([]byte, 4<<20))
		}, nil, Options{}, "", nil, 2},
		{"100,001 blank rows in a row", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, blankRows(3, 100_001)) },
			nil, Options{}, CodeTooManyRows, nil, 2},
		{"100,000 blank rows then a product", func() []byte {
			return xlsxBytes(t, [][]any{{"x"}}, strings.Replace(blankRows(3, 100_000), sheetClose, inlineRow(100_003, "B", "b")+sheetClose, 1))
		}, nil, Options{}, "", nil, 3},
		{"a gap of row numbers past the blank run", func() []byte {
			return xlsxBytes(t, [][]any{{"x"}}, sheetOf(func(b *strings.Builder) { b.WriteString(inlineRow(200_000, "B", "b")) }))
		}, nil, Options{}, CodeTooManyRows, nil, 2},
		{"unnumbered rows past the row limit", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, unnumbered(3000)) },
			nil, Options{Limits: Limits{MaxXLSXRows: 2000}}, CodeTooManyRows, nil, 2},
		{"data rows past the row limit", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, dataRows(3000)) },
			nil, Options{Limits: Limits{MaxXLSXRows: 2000}}, CodeTooManyRows, nil, 2000},
		{"rows up to the row limit", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, dataRows(1998)) },
			nil, Options{Limits: Limits{MaxXLSXRows: 2000}}, "", nil, 2000},
		{"parts held in memory past their limit", func() []byte {
			return withPart(t, xlsxBytes(t, [][]any{{"sku", "name"}, {"A", "a"}}, ""), "xl/media/image1.png", noise)
		}, nil, Options{Limits: Limits{MaxHeldBytes: 1 << 20}}, CodeTooLarge, nil, 0},
		{"incompressible pictures under the limits", func() []byte {
			return withPart(t, xlsxBytes(t, [][]any{{"sku", "name"}, {"A", "a"}}, ""), "xl/media/image1.png", noise)
		}, nil, Options{}, "", nil, 2},
		{"reading past the time limit", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, dataRows(5000)) },
			nil, Options{Limits: Limits{MaxDuration: 4 * time.Minute}, now: clock(2 * time.Minute)}, CodeTimeLimit, nil, 3071},
		{"a canceled context", func() []byte { return xlsxBytes(t, [][]any{{"x"}}, dataRows(5000)) },
			canceled, Options{}, "", context.Canceled, 1023},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			n, err := countRows(ctx, tt.book(), tt.opt)
			switch {
			case tt.cause != nil:
				if !errors.Is(err, tt.cause) {
					t.Fatalf("err = %v, want %v", err, tt.cause)
				}
			case tt.code != "":
				e, ok := AsError(err)
				if !ok || e.Code != tt.code || e.Message == "" {
					t.Fatalf("err = %v; want code %s", err, tt.code)
				}
				t.Log(e.Message)
			case err != nil:
				t.Fatal(err)
			}
			if n != tt.rows {
				t.Fatalf("%d rows read, want %d", n, tt.rows)
			}
		})
	}
}

// countRows opens b and counts its rows up to the end or the first error.
func countRows(ctx context.Context, b []byte, opt Options) (int, error) {
	rd, err := Open(ctx, bytes.NewReader(b), opt)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	for n := 0; ; n++ {
		if _, err := rd.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return n, err
		}
	}
}
