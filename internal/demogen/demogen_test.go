package demogen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func write(t testing.TB, f Format, o Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(context.Background(), &buf, f, o)
	if err != nil {
		t.Fatalf("Write(%s, %+v): %v", f, o, err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Fatalf("Stats.Bytes = %d, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func TestDeterminism(t *testing.T) {
	for _, f := range Formats() {
		for _, p := range Profiles() {
			t.Run(string(f)+"/"+p, func(t *testing.T) {
				o := Options{Seed: 42, Rows: 300, Profile: p, DefectRate: 0.05}
				a, sa := write(t, f, o)
				b, sb := write(t, f, o)
				if !bytes.Equal(a, b) {
					t.Fatal("same seed and options gave different bytes")
				}
				if sa != sb {
					t.Fatalf("same options gave different stats: %+v vs %+v", sa, sb)
				}
				o.Seed = 43
				c, _ := write(t, f, o)
				if bytes.Equal(a, c) {
					t.Fatal("different seeds gave the same bytes")
				}
			})
		}
	}
}

// table is a parsed file: its header and rows, whatever the format.
type table struct {
	header []string
	rows   [][]string
}

func (tb table) col(name string) int {
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	return -1
}

func parseCSV(t *testing.T, data []byte, delim rune, bom bool) table {
	t.Helper()
	if bom {
		if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			t.Fatal("BOM asked for but missing")
		}
		data = data[3:]
	} else if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatal("BOM written though not asked for")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	recs, err := r.ReadAll() // FieldsPerRecord 0: every record as long as the header
	if err != nil {
		t.Fatalf("encoding/csv cannot read the output: %v", err)
	}
	return table{header: recs[0], rows: recs[1:]}
}

func parseXLSX(t *testing.T, data []byte) table {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the output: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets = %v, want one", sheets)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tb table
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		if tb.header == nil {
			tb.header = cols
			continue
		}
		// Trailing empty cells are not returned; pad to the header.
		for len(cols) < len(tb.header) {
			cols = append(cols, "")
		}
		tb.rows = append(tb.rows, cols)
	}
	if err := rows.Error(); err != nil {
		t.Fatal(err)
	}
	return tb
}

func parseJSON(t *testing.T, data []byte, ndjson bool, header []string) table {
	t.Helper()
	var objs []json.RawMessage
	if ndjson {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			objs = append(objs, append(json.RawMessage(nil), sc.Bytes()...))
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	} else if err := json.Unmarshal(data, &objs); err != nil {
		t.Fatalf("encoding/json cannot read the output: %v", err)
	}
	tb := table{header: header}
	for i, raw := range objs {
		// Keys must come in header order: read them as tokens.
		dec := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("object %d does not start with {: %v %v", i, tok, err)
		}
		var row []string
		for k := 0; dec.More(); k++ {
			key, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			if k >= len(header) || key != header[k] {
				t.Fatalf("object %d key %d = %v, want header order %v", i, k, key, header)
			}
			var v string
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("object %d key %v: %v", i, key, err)
			}
			row = append(row, v)
		}
		if len(row) != len(header) {
			t.Fatalf("object %d has %d keys, want %d", i, len(row), len(header))
		}
		tb.rows = append(tb.rows, row)
	}
	return tb
}

var (
	canonicalHeader = []string{"sku", "name", "description", "brand", "category", "price", "currency", "gtin", "moq", "image"}
	pricePoint      = regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	priceComma      = regexp.MustCompile(`^[0-9]+,[0-9]{2}$`)
	priceXLSX       = regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`) // NumFmt 0.00
)

// headerOf returns the header a file of o must have.
func headerOf(t *testing.T, o Options) []string {
	t.Helper()
	if o.Headers == HeadersCanonical {
		return canonicalHeader
	}
	for _, p := range DescribeProfiles() {
		if p.Name == o.Profile {
			return p.Headers
		}
	}
	t.Fatalf("no profile %q", o.Profile)
	return nil
}

// checkTable checks a parsed file against the rules every generated file
// follows, and counts its defects from the cells themselves.
func checkTable(t *testing.T, tb table, o Options, st Stats, price *regexp.Regexp) {
	t.Helper()
	want := headerOf(t, o)
	if strings.Join(tb.header, "|") != strings.Join(want, "|") {
		t.Fatalf("header = %q, want %q", tb.header, want)
	}
	if len(tb.rows) != o.Rows || st.Rows != o.Rows {
		t.Fatalf("rows read = %d, Stats.Rows = %d, want %d", len(tb.rows), st.Rows, o.Rows)
	}
	cols := findColumns(t, tb, o.Headers != HeadersCanonical)
	var got Defects
	skus := map[string]bool{}
	groups := map[string]int{}
	standalone := 0
	for i, r := range tb.rows {
		checkRow(t, i+1, r, len(tb.header), cols, price)
		if skus[r[cols.sku]] || r[cols.sku] == "" {
			t.Fatalf("row %d: SKU %q empty or repeated", i+1, r[cols.sku])
		}
		skus[r[cols.sku]] = true
		countDefect(&got, r, cols)
		if cols.parent >= 0 && r[cols.parent] != "" {
			groups[r[cols.parent]]++
		} else {
			standalone++
		}
	}
	if got != st.Defects {
		t.Fatalf("defects in the cells = %+v, Stats = %+v", got, st.Defects)
	}
	if wantN := int(o.DefectRate*float64(o.Rows) + 0.5); st.Defects.Total() != wantN {
		t.Fatalf("defects = %d, want round(%v × %d) = %d", st.Defects.Total(), o.DefectRate, o.Rows, wantN)
	}
	if cols.parent >= 0 {
		checkVariantGroups(t, groups, standalone, o, st)
	}
}

// tableColumns are the columns checkTable reads; parent is -1 in files
// without variants (canonical headers).
type tableColumns struct{ sku, name, price, currency, ean, image, parent int }

// findColumns finds each column under its canonical or native names.
func findColumns(t *testing.T, tb table, native bool) tableColumns {
	t.Helper()
	pick := func(names ...string) int {
		for _, n := range names {
			if i := tb.col(n); i >= 0 {
				return i
			}
		}
		t.Fatalf("none of the columns %v in %v", names, tb.header)
		return -1
	}
	c := tableColumns{
		sku:      pick("sku", "Référence", "SKU", "Item No."),
		name:     pick("name", "Désignation", "Name", "Product Name"),
		price:    pick("price", "Prix unitaire HT", "Price", "Unit Price"),
		currency: pick("currency", "Devise", "Currency"),
		ean:      pick("gtin", "Code EAN", "EAN"),
		image:    pick("image", "Image", "Image URL"),
		parent:   -1,
	}
	if native {
		c.parent = pick("Modèle", "Parent SKU", "Model")
	}
	return c
}

// checkRow checks the cells of row n (1-based) that every generated row
// gets right, defects or not.
func checkRow(t *testing.T, n int, r []string, width int, c tableColumns, price *regexp.Regexp) {
	t.Helper()
	if len(r) != width {
		t.Fatalf("row %d has %d cells, want %d", n, len(r), width)
	}
	if r[c.price] != "" && !price.MatchString(r[c.price]) {
		t.Fatalf("row %d: price %q does not match %v", n, r[c.price], price)
	}
	if !slices.Contains([]string{"EUR", "USD", "CNY"}, r[c.currency]) {
		t.Fatalf("row %d: currency %q", n, r[c.currency])
	}
	if e := r[c.ean]; e != "" && (len(e) != 13 || strings.Trim(e, "0123456789") != "") {
		t.Fatalf("row %d: EAN %q is not 13 digits", n, e)
	}
	if u, err := url.Parse(r[c.image]); err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasSuffix(u.Host, ".example") {
		t.Fatalf("row %d: image %q is not an https URL under .example", n, r[c.image])
	}
	if c.parent >= 0 && r[c.parent] != "" && !strings.HasPrefix(r[c.sku], r[c.parent]+"-") {
		t.Fatalf("row %d: variant SKU %q does not extend its parent %q", n, r[c.sku], r[c.parent])
	}
}

// countDefect adds the row's defect, if any, to d: one per row.
func countDefect(d *Defects, r []string, c tableColumns) {
	switch {
	case r[c.name] == "":
		d.EmptyName++
	case r[c.price] == "":
		d.MissingPrice++
	case r[c.ean] != "" && !ValidEAN13(r[c.ean]):
		d.BadEAN++
	}
}

// checkVariantGroups: every group has two rows or more, and the counts
// match the generator's.
func checkVariantGroups(t *testing.T, groups map[string]int, standalone int, o Options, st Stats) {
	t.Helper()
	for p, n := range groups {
		if n < 2 {
			t.Fatalf("variant group %q has %d row", p, n)
		}
	}
	if len(groups) != st.VariantGroups || standalone+len(groups) != st.Products || o.Rows-standalone != st.VariantRows {
		t.Fatalf("file has %d groups, %d standalone rows; Stats = %+v", len(groups), standalone, st)
	}
}

func TestCSV(t *testing.T) {
	for _, p := range Profiles() {
		for _, tc := range []struct {
			name  string
			o     Options
			delim rune
			price *regexp.Regexp
		}{
			{"native", Options{Headers: HeadersNative}, 0, nil},
			{"native-bom-comma", Options{Delimiter: ',', BOM: true}, ',', nil},
			{"canonical", Options{Headers: HeadersCanonical}, ',', pricePoint},
			{"canonical-semicolon-bom", Options{Headers: HeadersCanonical, Delimiter: ';', BOM: true}, ';', pricePoint},
		} {
			t.Run(p+"/"+tc.name, func(t *testing.T) {
				o := tc.o
				o.Seed, o.Rows, o.Profile, o.DefectRate = 7, 2000, p, 0.02
				g, err := NewGenerator(o)
				if err != nil {
					t.Fatal(err)
				}
				delim, price := tc.delim, tc.price
				if delim == 0 {
					delim = g.Options().Delimiter
				}
				if price == nil {
					price = pricePoint
					if g.p.decimal == ',' {
						price = priceComma
					}
				}
				data, st := write(t, FormatCSV, o)
				checkTable(t, parseCSV(t, data, delim, o.BOM), o, st, price)
			})
		}
	}
}

func TestCSVNativeDelimiters(t *testing.T) {
	want := map[string]rune{ProfileFrenchOffice: ';', ProfileFrenchTextile: ';', ProfileEnglishHardware: ',', ProfileChineseElectronics: ','}
	for _, p := range DescribeProfiles() {
		if p.Delimiter != string(want[p.Name]) {
			t.Errorf("%s: delimiter %q, want %q", p.Name, p.Delimiter, want[p.Name])
		}
	}
}

func TestXLSX(t *testing.T) {
	for _, p := range Profiles() {
		for _, h := range []HeaderStyle{HeadersNative, HeadersCanonical} {
			t.Run(p+"/"+string(h), func(t *testing.T) {
				o := Options{Seed: 11, Rows: 1500, Profile: p, Headers: h, DefectRate: 0.02}
				data, st := write(t, FormatXLSX, o)
				if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
					t.Fatal("not a zip file")
				}
				checkTable(t, parseXLSX(t, data), o, st, priceXLSX)
			})
		}
	}
}

func TestJSON(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatNDJSON} {
		for _, p := range Profiles() {
			for _, h := range []HeaderStyle{HeadersNative, HeadersCanonical} {
				t.Run(string(f)+"/"+p+"/"+string(h), func(t *testing.T) {
					o := Options{Seed: 13, Rows: 1200, Profile: p, Headers: h, DefectRate: 0.03}
					g, _ := NewGenerator(o)
					price := pricePoint
					if h == HeadersNative && g.p.decimal == ',' {
						price = priceComma
					}
					data, st := write(t, f, o)
					checkTable(t, parseJSON(t, data, f == FormatNDJSON, headerOf(t, o)), o, st, price)
				})
			}
		}
	}
}

func TestEmptyCatalogs(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			o := Options{Seed: 1, Rows: 0, Profile: ProfileEnglishHardware}
			data, st := write(t, f, o)
			if st.Rows != 0 || st.Products != 0 {
				t.Fatalf("stats %+v", st)
			}
			switch f {
			case FormatCSV:
				checkTable(t, parseCSV(t, data, ',', false), o, st, pricePoint)
			case FormatXLSX:
				checkTable(t, parseXLSX(t, data), o, st, pricePoint)
			case FormatJSON:
				if string(data) != "[]\n" {
					t.Fatalf("empty JSON = %q", data)
				}
			case FormatNDJSON:
				if len(data) != 0 {
					t.Fatalf("empty NDJSON = %q", data)
				}
			}
		})
	}
}

func TestDefects(t *testing.T) {
	for _, tc := range []struct {
		rows int
		rate float64
		want int
	}{
		{10000, 0, 0},
		{10000, 0.01, 100},
		{999, 0.01, 10},
		{50, 1, 50},
		{3, 0.5, 2},
	} {
		t.Run(fmt.Sprintf("%d×%v", tc.rows, tc.rate), func(t *testing.T) {
			g, err := NewGenerator(Options{Seed: 5, Rows: tc.rows, Profile: ProfileFrenchTextile, DefectRate: tc.rate})
			if err != nil {
				t.Fatal(err)
			}
			var firstHalf, total int
			for g.Next() {
				d := g.Defect()
				if d == DefectNone {
					continue
				}
				total++
				if g.row <= tc.rows/2 {
					firstHalf++
				}
				if g.Parent() != "" {
					t.Fatalf("row %d of variant group %s carries defect %s", g.row, g.Parent(), d)
				}
			}
			st := g.Stats()
			if total != tc.want || st.Defects.Total() != tc.want {
				t.Fatalf("defective rows = %d, Stats = %+v, want %d", total, st.Defects, tc.want)
			}
			// Defects spread over the file rather than bunching at its end.
			if tc.want >= 100 && (firstHalf < tc.want/4 || firstHalf > tc.want*3/4) {
				t.Fatalf("%d of %d defects in the first half", firstHalf, tc.want)
			}
			if tc.want >= 100 && (st.Defects.MissingPrice == 0 || st.Defects.BadEAN == 0 || st.Defects.EmptyName == 0) {
				t.Fatalf("every kind should occur: %+v", st.Defects)
			}
		})
	}
}

func TestEANCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		code  string
		valid bool
	}{
		{"4006381333931", true},
		{"9780306406157", true},
		{"5901234123457", true},
		{"4006381333932", false},
		{"400638133393", false},
		{"400638133393a", false},
		{"", false},
	} {
		if got := ValidEAN13(tc.code); got != tc.valid {
			t.Errorf("ValidEAN13(%q) = %v, want %v", tc.code, got, tc.valid)
		}
	}
}

func TestEANsUniqueAndValid(t *testing.T) {
	g, err := NewGenerator(Options{Seed: 3, Rows: 50000, Profile: ProfileChineseElectronics})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool, 50000)
	for g.Next() {
		e := g.cur.vals[fEAN]
		if e == "" {
			continue
		}
		if !ValidEAN13(e) {
			t.Fatalf("row %d: EAN %s has a wrong check digit with no defect", g.row, e)
		}
		if seen[e] {
			t.Fatalf("row %d: EAN %s repeated", g.row, e)
		}
		seen[e] = true
	}
	if st := g.Stats(); st.WithoutEAN == 0 || st.WithoutEAN > st.Rows/10 {
		t.Fatalf("rows without EAN = %d of %d, want a few percent", st.WithoutEAN, st.Rows)
	}
}

func TestLanguages(t *testing.T) {
	for _, tc := range []struct {
		profile string
		want    []string
	}{
		{ProfileFrenchOffice, []string{"é", "è", "ê", "à", "ç", "ô", "l'", "d'", "Île-de-France"}},
		{ProfileFrenchTextile, []string{"é", "è", "à", "ç", "ô", "l'", "d'", "\n"}},
		{ProfileEnglishHardware, []string{"Made in", "working days"}},
		{ProfileChineseElectronics, []string{`"`, "Made in China", "CE, FCC and RoHS"}},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			g, err := NewGenerator(Options{Seed: 9, Rows: 3000, Profile: tc.profile})
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for g.Next() {
				v := g.Values()
				text.WriteString(strings.Join(v, "\t"))
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("no %q in 3000 rows", w)
				}
			}
		})
	}
}

func TestCategoriesAndCurrencies(t *testing.T) {
	for _, p := range Profiles() {
		t.Run(p, func(t *testing.T) {
			g, _ := NewGenerator(Options{Seed: 21, Rows: 5000, Profile: p, Headers: HeadersCanonical})
			currencies := map[string]int{}
			depths := map[int]int{}
			for g.Next() {
				v := g.Values()
				parts := strings.Split(v[4], " > ")
				if len(parts) < 2 || len(parts) > 3 {
					t.Fatalf("category %q has %d levels", v[4], len(parts))
				}
				depths[len(parts)]++
				currencies[v[6]]++
			}
			if p == ProfileChineseElectronics && (currencies["CNY"] == 0 || currencies["USD"] == 0) {
				t.Fatalf("the exporter prices in CNY and USD: %v", currencies)
			}
			if p != ProfileFrenchOffice && depths[3] == 0 {
				t.Fatalf("no 3-level category: %v", depths)
			}
		})
	}
}

func TestProduct(t *testing.T) {
	g, err := NewGenerator(Options{Seed: 8, Rows: 500, Profile: ProfileFrenchTextile, Partner: "acme", DefectRate: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for g.Next() {
		v := g.Values()
		pr := g.Product()
		if pr.ID != catalog.ProductID("acme", v[0]) || pr.Partner != "acme" || pr.SKU != v[0] || ids[pr.ID] {
			t.Fatalf("row %d: product %q partner %q for SKU %q", g.row, pr.ID, pr.Partner, v[0])
		}
		ids[pr.ID] = true
		if pr.Source.Row != g.row+1 {
			t.Fatalf("Source.Row = %d, want %d", pr.Source.Row, g.row+1)
		}
		if (pr.Price == nil) != (g.Defect() == DefectMissingPrice) {
			t.Fatalf("row %d: price %v with defect %q", g.row, pr.Price, g.Defect())
		}
		if pr.Price != nil {
			// The file says "12,50"; the product says 12.50.
			if want := strings.Replace(v[6], ",", ".", 1); pr.Price.Amount.String() != want || pr.Price.Currency != "EUR" {
				t.Fatalf("row %d: price %v, file %q", g.row, pr.Price, v[6])
			}
		}
		if catalog.CategoryString(pr.Category) != v[5] {
			t.Fatalf("category %v, file %q", pr.Category, v[5])
		}
		if pr.Attributes["Matière"] == "" || (g.Parent() != "" && pr.Attributes["Modèle"] != g.Parent()) {
			t.Fatalf("attributes %v", pr.Attributes)
		}
		if pr.MOQ < 1 || pr.LeadTimeDays < 1 || len(pr.Origin) != 2 || len(pr.Images) != 1 {
			t.Fatalf("sourcing attributes %+v", pr)
		}
	}
}

func TestBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Format
		o    Options
		code catalog.Code
	}{
		{"profile", FormatCSV, Options{Rows: 1, Profile: "nope"}, catalog.CodeInvalid},
		{"negative rows", FormatCSV, Options{Rows: -1}, catalog.CodeInvalid},
		{"too many rows", FormatCSV, Options{Rows: MaxRows + 1}, catalog.CodeTooLarge},
		{"xlsx rows", FormatXLSX, Options{Rows: MaxXLSXRows + 1}, catalog.CodeTooLarge},
		{"headers", FormatCSV, Options{Rows: 1, Headers: "fancy"}, catalog.CodeInvalid},
		{"partner", FormatCSV, Options{Rows: 1, Partner: "Not Valid"}, catalog.CodeInvalid},
		{"defect rate", FormatCSV, Options{Rows: 1, DefectRate: 1.5}, catalog.CodeInvalid},
		{"delimiter", FormatCSV, Options{Rows: 1, Delimiter: '\t'}, catalog.CodeInvalid},
		{"format", Format("xls"), Options{Rows: 1}, catalog.CodeInvalid},
		{"format case", Format("CSV"), Options{Rows: 1}, catalog.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Write(context.Background(), &buf, tc.f, tc.o)
			if catalog.CodeOf(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
			if buf.Len() != 0 {
				t.Fatalf("wrote %d bytes before refusing", buf.Len())
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": FormatCSV, ".XLSX": FormatXLSX, "json": FormatJSON, "jsonl": FormatNDJSON, " ndjson ": FormatNDJSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xls"); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Errorf("ParseFormat(xls) err = %v", err)
	}
}

func TestCancel(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			st, err := Write(ctx, io.Discard, f, Options{Seed: 1, Rows: 100000})
			if catalog.CodeOf(err) != catalog.CodeUnavailable || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want unavailable wrapping context.Canceled", err)
			}
			if st.Rows > checkEvery {
				t.Fatalf("went on for %d rows after cancel", st.Rows)
			}
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterFailure(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			_, err := Write(context.Background(), &failingWriter{after: 1000}, f, Options{Seed: 1, Rows: 5000})
			if catalog.CodeOf(err) != catalog.CodeInternal || strings.Contains(catalog.MessageOf(err), "disk full") {
				t.Fatalf("err = %v, want internal with a message that hides the cause", err)
			}
		})
	}
}

func TestDemoCatalogs(t *testing.T) {
	demos := DemoCatalogs()
	if len(demos) < 4 {
		t.Fatalf("%d demo catalogs, want 4 or more", len(demos))
	}
	partners, profiles, formats := map[string]bool{}, map[string]bool{}, map[Format]bool{}
	for _, d := range demos {
		t.Run(d.Partner, func(t *testing.T) {
			if !catalog.ValidPartnerID(d.Partner) || d.Options.Partner != d.Partner || partners[d.Partner] {
				t.Fatalf("partner %q (options %q) invalid or repeated", d.Partner, d.Options.Partner)
			}
			partners[d.Partner] = true
			profiles[d.Options.Profile] = true
			formats[d.Format] = true
			if f, err := ParseFormat(d.File[strings.LastIndexByte(d.File, '.'):]); err != nil || f != d.Format {
				t.Fatalf("file %q does not match format %s", d.File, d.Format)
			}
			if d.Options.Headers != HeadersCanonical || d.Options.DefectRate != 0 {
				t.Fatalf("demo options %+v: want canonical headers and no defects", d.Options)
			}
			var buf bytes.Buffer
			st, err := d.Write(context.Background(), &buf)
			if err != nil {
				t.Fatal(err)
			}
			if st.Products < 300 || st.Products > 1500 || st.Defects.Total() != 0 {
				t.Fatalf("stats %+v: want 300 to 1500 products and no defect", st)
			}
		})
	}
	if len(profiles) < 4 || !formats[FormatCSV] || !formats[FormatXLSX] || !formats[FormatJSON] {
		t.Fatalf("demo set covers profiles %v and formats %v", profiles, formats)
	}
}

func TestEachProduct(t *testing.T) {
	var n int
	ids := map[string]bool{}
	st, err := EachProduct(context.Background(), Options{Seed: 4, Rows: 3000, Profile: ProfileEnglishHardware}, func(p catalog.Product) error {
		n++
		if p.Partner != "northbridge-tools" || ids[p.ID] || p.Name == "" || p.Price == nil || p.Price.Currency != "USD" {
			return fmt.Errorf("product %d: %+v", n, p)
		}
		ids[p.ID] = true
		return nil
	})
	if err != nil || n != 3000 || st.Rows != 3000 {
		t.Fatalf("EachProduct: %d products, stats %+v, err %v", n, st, err)
	}
	stop := errors.New("stop")
	if _, err := EachProduct(context.Background(), Options{Rows: 10}, func(catalog.Product) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EachProduct(ctx, Options{Rows: 5000}, func(catalog.Product) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := EachProduct(context.Background(), Options{Rows: -1}, nil); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
}

// gtinOffer is what a catalog says of one GTIN.
type gtinOffer struct {
	partner, name, brand string
	cents                int64
}

// offersByGTIN lists the products of each GTIN (check digit valid) across
// the catalogs of opts.
func offersByGTIN(t *testing.T, opts ...Options) map[string][]gtinOffer {
	t.Helper()
	out := map[string][]gtinOffer{}
	for _, o := range opts {
		seen := map[string]bool{}
		_, err := EachProduct(context.Background(), o, func(p catalog.Product) error {
			if p.GTIN == "" || !ValidEAN13(p.GTIN) {
				return nil
			}
			if seen[p.GTIN] {
				return fmt.Errorf("%s: GTIN %s twice in one catalog", o.Partner, p.GTIN)
			}
			seen[p.GTIN] = true
			out[p.GTIN] = append(out[p.GTIN], gtinOffer{p.Partner, p.Name, p.Brand, p.Price.Amount.Units})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestSharedPool: catalogs of one pool offer the same products (GTIN,
// name, brand) at their own prices within 15% of the pool's, each at most
// once; catalogs
// outside any pool share no GTIN, even of one profile or of two profiles
// with a common GS1 prefix (the old generator numbered every catalog's
// EANs from its first row: row n of two catalogs had the same GTIN for two
// unrelated products whenever they drew the same prefix).
func TestSharedPool(t *testing.T) {
	office := func(partner string, seed uint64, pct int) Options {
		return Options{Seed: seed, Rows: 2000, Partner: partner, SharedPct: pct, SharedPool: 7, SharedPoolSize: 2000}
	}
	pooled := offersByGTIN(t, office("p-a", 1, 30), office("p-b", 2, 30), office("p-c", 3, 60))
	byPartners := map[int]int{}
	for gtin, offers := range pooled {
		byPartners[len(offers)]++
		for _, o := range offers[1:] {
			if o.name != offers[0].name || o.brand != offers[0].brand {
				t.Fatalf("GTIN %s: %+v and %+v are not the same product", gtin, offers[0], o)
			}
			// Within 15% of the pool's price each, then rounded to 0, 5 or
			// 9 cents (up to 9 cents off).
			lo, hi := min(o.cents, offers[0].cents), max(o.cents, offers[0].cents)
			if float64(hi-9) > float64(lo+9)*1.15/0.85 {
				t.Errorf("GTIN %s: prices %d and %d are more than 15%% off the pool's", gtin, offers[0].cents, o.cents)
			}
		}
	}
	if byPartners[2] == 0 || byPartners[3] == 0 {
		t.Fatalf("GTINs by number of partners: %v, want some offered by 2 and by 3", byPartners)
	}
	t.Logf("GTINs by number of partners: %v", byPartners)
	for name, opts := range map[string][]Options{
		"one profile, no pool":              {office("p-a", 1, 0), office("p-b", 2, 0)},
		"office and hardware (prefix 400)":  {{Seed: 1, Rows: 3000}, {Seed: 2, Rows: 3000, Profile: ProfileEnglishHardware}},
		"office and textile (prefix 376)":   {{Seed: 1, Rows: 3000}, {Seed: 2, Rows: 3000, Profile: ProfileFrenchTextile}},
		"two pools of one profile":          {office("p-a", 1, 50), {Seed: 2, Rows: 2000, Partner: "p-b", SharedPct: 50, SharedPool: 8}},
		"same seed, profiles sharing a 400": {{Seed: 5, Rows: 3000}, {Seed: 5, Rows: 3000, Profile: ProfileEnglishHardware}},
	} {
		for gtin, offers := range offersByGTIN(t, opts...) {
			if len(offers) > 1 {
				t.Errorf("%s: GTIN %s offered by %+v", name, gtin, offers)
				break
			}
		}
	}
	if _, err := NewGenerator(Options{Rows: 1, SharedPct: 101}); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Errorf("SharedPct 101: err = %v, want invalid", err)
	}
}

// TestDemoOffersOverlap: the demo's office suppliers offer some products
// in common, each shared GTIN the same product, under their own SKUs;
// other partners share none.
func TestDemoOffersOverlap(t *testing.T) {
	var opts []Options
	for _, d := range DemoCatalogs() {
		opts = append(opts, d.Options)
	}
	byGTIN := offersByGTIN(t, opts...)
	// Every SKU names one product of the demo (a buyer's quick add by SKU).
	skus := map[string]string{}
	for _, o := range opts {
		if _, err := EachProduct(context.Background(), o, func(p catalog.Product) error {
			if other, ok := skus[p.SKU]; ok {
				return fmt.Errorf("SKU %s of %s and %s", p.SKU, other, p.Partner)
			}
			skus[p.SKU] = p.Partner
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	byPartners := map[int]int{}
	for gtin, offers := range byGTIN {
		byPartners[len(offers)]++
		for _, o := range offers[1:] {
			if o.name != offers[0].name || o.partner == offers[0].partner {
				t.Fatalf("GTIN %s: %+v and %+v", gtin, offers[0], o)
			}
		}
	}
	shared := len(byGTIN) - byPartners[1]
	t.Logf("demo: %d GTINs, %d offered by 2 or more partners (%.1f%%): %v", len(byGTIN), shared, 100*float64(shared)/float64(len(byGTIN)), byPartners)
	if byPartners[2] < 50 || byPartners[3] < 20 {
		t.Fatalf("GTINs by number of partners %v: want 50 or more offered by 2, 20 or more by 3", byPartners)
	}
}

// TestStockColumn: Options.Stock adds a stock column (a quantity), in both
// header styles, with some rows out of stock; the products' availability
// says the same, as ingest reads a quantity.
func TestStockColumn(t *testing.T) {
	for _, h := range []HeaderStyle{HeadersCanonical, HeadersNative} {
		g, err := NewGenerator(Options{Seed: 3, Rows: 1200, Headers: h, Stock: true})
		if err != nil {
			t.Fatal(err)
		}
		if hd := g.Header(); hd[len(hd)-1] != "stock" {
			t.Fatalf("%s: header %v, want stock last", h, hd)
		}
		out, in := 0, 0
		for g.Next() {
			vals, p := g.Values(), g.Product()
			n, err := strconv.Atoi(vals[len(vals)-1])
			want := catalog.InStock
			if n == 0 {
				want, out = catalog.OutOfStock, out+1
			} else {
				in++
			}
			if err != nil || n < 0 || p.Availability != want {
				t.Fatalf("row %d: stock cell %q, product availability %q", g.row, vals[len(vals)-1], p.Availability)
			}
		}
		if out < 40 || out > 200 || in < 1000 {
			t.Errorf("%s: %d rows out of stock, %d in stock: want about one in twelve out", h, out, in)
		}
	}
	g, err := NewGenerator(Options{Seed: 3, Rows: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Next(); g.Product().Availability != "" || slices.Contains(g.Header(), "stock") {
		t.Errorf("without Stock: header %v, availability %q", g.Header(), g.Product().Availability)
	}
}
