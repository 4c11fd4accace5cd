package ingest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// grocery is a list without an identifier column: names, brands, pack
// sizes and prices, the same name in several packs and brands.
const grocery = "Désignation;Marque;Conditionnement;Prix\n" +
	"Lait demi-écrémé;Lactel;1 L;\"1,15\"\n" +
	"Lait demi-écrémé;Lactel;6 x 1 L;\"6,50\"\n" +
	"Lait demi-écrémé;Candia;1 L;\"1,09\"\n" +
	"Riz basmati;Taureau Ailé;1 kg;\"3,20\"\n" +
	"Riz basmati;Taureau Ailé;500 g;\"1,80\"\n" +
	"Pommes Golden;;1 kg;\"2,49\"\n"

// byName indexes products by name and unit, which tell them apart here.
func byName(t *testing.T, ps map[string]catalog.Product) map[string]catalog.Product {
	t.Helper()
	out := map[string]catalog.Product{}
	for _, p := range ps {
		k := p.Name + "|" + p.Brand + "|" + strings.ToLower(p.Unit)
		if _, dup := out[k]; dup {
			t.Fatalf("two products %q", k)
		}
		out[k] = p
	}
	return out
}

// A file without an identifier column is read, not refused: each row gets
// a key derived from its name and distinguishing columns, with a
// derived_identity warning; re-uploads are idempotent whatever the white
// space, case or column order; a changed price changes that product only.
// Rows deriving the same key are TestDerivedKeyTwiceIsADuplicate's.
func TestDerivedIdentity(t *testing.T) {
	e := newEnv(t)
	first := firstGroceryUpload(t, e)
	steps := []struct {
		name, content      string
		unchanged, updated int
		changedKey         string // the product that changes, by name|brand|unit
		price              string
	}{
		{"the same file again", grocery, 6, 0, "", ""},
		{"extra white space", strings.ReplaceAll(strings.ReplaceAll(grocery, "demi-écrémé;", "demi-écrémé  ;"), "Riz basmati", "Riz  basmati "), 6, 0, "", ""},
		{"columns and rows reordered", reorder(grocery), 6, 0, "", ""},
		{"case of a pack size", strings.Replace(grocery, "Candia;1 L", "Candia;1 l", 1), 5, 1, "Lait demi-écrémé|Candia|1 l", "1.09 EUR"},
		{"one price changed", strings.Replace(strings.Replace(grocery, "Candia;1 L", "Candia;1 l", 1), "\"1,80\"", "\"1,95\"", 1), 5, 1, "Riz basmati|Taureau Ailé|500 g", "1.95 EUR"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.now = e.now.Add(time.Hour)
			c := e.ingest("acme", "courses-"+strings.ReplaceAll(st.name, " ", "-")+".csv", st.content, catalog.ModeFull)
			if r := c.Report; r.Status != catalog.StatusDone || r.Unchanged != st.unchanged || r.Updated != st.updated || r.Created != 0 || r.Removed != 0 || r.Rejected != 0 {
				t.Fatalf("report %+v; want %d unchanged, %d updated, nothing created or removed", r, st.unchanged, st.updated)
			}
			now := byName(t, e.products("acme"))
			sameIDs(t, first, now)
			if st.changedKey != "" {
				if p := now[st.changedKey]; p.Price == nil || p.Price.String() != st.price {
					t.Errorf("%s: price %v, want %s", st.changedKey, p.Price, st.price)
				}
			}
		})
	}
}

// firstGroceryUpload ingests the grocery list into e and checks what a
// first upload gives: six products, one derived_identity warning naming
// the columns used, prices read. It returns the products by name|brand|unit.
func firstGroceryUpload(t *testing.T, e *env) map[string]catalog.Product {
	t.Helper()
	c := e.ingest("acme", "courses.csv", grocery, catalog.ModeFull)
	r := c.Report
	if r.Status != catalog.StatusDone || r.Accepted != 6 || r.Rejected != 0 || r.Created != 6 {
		t.Fatalf("report %+v", r)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Code != ingest.CodeDerivedIdentity ||
		!strings.Contains(r.Warnings[0].Message, `"Désignation", "Marque", "Conditionnement"`) {
		t.Fatalf("warnings %+v; want one derived_identity naming Désignation, Marque, Conditionnement", r.Warnings)
	}
	first := byName(t, e.products("acme"))
	if p := first["Lait demi-écrémé|Candia|1 l"]; p.Price == nil || p.Price.String() != "1.09 EUR" || p.ID == "" {
		t.Fatalf("Candia milk = %+v", p)
	}
	if p := first["Riz basmati|Taureau Ailé|500 g"]; p.Price == nil || p.Price.String() != "1.80 EUR" {
		t.Fatalf("rice 500 g = %+v", p)
	}
	return first
}

// sameIDs checks that every product of now kept the id it had in first
// (matched by name|brand|unit, the unit's case aside).
func sameIDs(t *testing.T, first, now map[string]catalog.Product) {
	t.Helper()
	for k, p := range now {
		was, ok := first[strings.ToLower(k)]
		if !ok {
			was, ok = first[k]
		}
		if !ok || was.ID != p.ID {
			t.Errorf("%s: id %q, was %q", k, p.ID, was.ID)
		}
	}
}

// Rows deriving the same key are rejected as duplicates, not merged; a row
// without a name is rejected.
func TestDerivedKeyTwiceIsADuplicate(t *testing.T) {
	t.Run("rows deriving the same key", func(t *testing.T) {
		d := newEnv(t)
		dup := grocery + "Lait  demi-écrémé;LACTEL;1 l;\"1,25\"\n"
		c := d.ingest("acme", "dup.csv", dup, catalog.ModeFull)
		r := c.Report
		if r.Status != catalog.StatusDone || r.Accepted != 6 || r.Rejected != 1 || r.Created != 6 {
			t.Fatalf("report %+v", r)
		}
		if len(r.Errors) != 1 || r.Errors[0].Code != ingest.CodeDuplicateKey || r.Errors[0].Row != 8 {
			t.Fatalf("errors %+v; want duplicate_key on row 8", r.Errors)
		}
		if p := byName(t, d.products("acme"))["Lait demi-écrémé|Lactel|1 l"]; p.Price == nil || p.Price.String() != "1.15 EUR" {
			t.Fatalf("the first row's product was changed by its duplicate: %+v", p)
		}
	})
	t.Run("a row without a name", func(t *testing.T) {
		d := newEnv(t)
		c := d.ingest("acme", "noname.csv", grocery+";Lactel;1 L;\"1,15\"\n", catalog.ModePartial)
		if r := c.Report; r.Accepted != 6 || r.Rejected != 1 || r.Errors[0].Code != ingest.CodeMissingName {
			t.Fatalf("report %+v", r)
		}
	})
}

// reorder writes the grocery list with its columns and rows in another
// order: Prix;Conditionnement;Marque;Désignation, last row first.
func reorder(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	var b strings.Builder
	for i := range lines {
		l := lines[0]
		if i > 0 {
			l = lines[len(lines)-i]
		}
		f := strings.Split(l, ";")
		b.WriteString(f[3] + ";" + f[2] + ";" + f[1] + ";" + f[0] + "\n")
	}
	return b.String()
}
