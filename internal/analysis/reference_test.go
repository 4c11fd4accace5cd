package analysis

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// referenceCheck is the first, plain version of check (unicode tables for
// every rune, three passes over the name, TrimSpace on every text), kept
// as the oracle the fast one must agree with: making scoring cheap must
// not change a grade.
func referenceCheck(p *catalog.Product) failed {
	var f failed
	fail := func(rule int) { f |= 1 << rule }
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); n < MinNameRunes || n > MaxNameRunes {
		fail(ruleNameLength)
	}
	letters, upper, lower := 0, 0, 0
	for _, r := range p.Name {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.IsUpper(r) {
			upper++
		} else if unicode.IsLower(r) {
			lower++
		}
	}
	if letters >= 4 && (upper == letters || lower == letters) {
		fail(ruleNameCasing)
	}
	countWords := func(s string) int {
		n := 0
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
		return n
	}
	switch {
	case strings.TrimSpace(p.Description) == "":
		fail(ruleDescriptionMissing)
	case countWords(p.Description) == countWords(p.Name) && sameText(p.Description, p.Name):
		fail(ruleDescriptionIsName)
	}
	if strings.TrimSpace(p.Brand) == "" {
		fail(ruleBrandMissing)
	}
	if len(p.Category) == 0 {
		fail(ruleCategoryMissing)
	}
	if !hasImage(p) {
		fail(ruleImageMissing)
	}
	switch gtin := productGTIN(p); {
	case gtin == "":
		fail(ruleGTINMissing)
	case !ValidGTIN(gtin):
		fail(ruleGTINInvalid)
	}
	switch price := productPrice(p); {
	case price == nil:
		fail(rulePriceMissing)
	case !plausible(price.Amount):
		fail(rulePriceImplausible)
	}
	attrs := false
	for _, v := range p.Attributes {
		attrs = attrs || strings.TrimSpace(v) != ""
	}
	for _, v := range p.Variants {
		attrs = attrs || len(v.Options) > 0
	}
	if !attrs {
		fail(ruleAttributesMissing)
	}
	return f
}

// texts are names, descriptions, brands and attribute values that take
// every branch of the fast paths: ASCII, accents, capitals outside ASCII,
// letters without case, digits outside ASCII, Unicode spaces, invalid
// UTF-8.
var texts = []string{
	"", " ", "\t\n", "\u00a0", "\u00a0 x", "\u2003Chaise\u2003", "abcd", "ABCD", "AbCd", "ab1", "Chaise de bureau ergonomique",
	"CHAISE DE BUREAU 3D", "chaise de bureau noire", "ÉCRAN ÉTANCHE", "écran étanche", "Écran étanche", "ÇA", "ÇAVA",
	"椅子办公室人体工学", "椅子 OFFICE", "Ｃｈａｉｓｅ ｄｅ ｂｕｒｅａｕ", "٣٤٥٦ chaise", "\xff\xfe chaise de bureau", "chaise\xc3",
	"chaise de BUREAU, ergonomique.", "Chaise-de-bureau ergonomique!", "Chaise de bureau ergonomique noire",
	strings.Repeat("a", 150), strings.Repeat("é", 151), strings.Repeat("Ab ", 60), "ǅungla ǅ", "ΣΊΣΥΦΟΣ", "straße",
}

func TestCheckAgreesWithReference(t *testing.T) {
	try := func(p *catalog.Product) {
		t.Helper()
		if got, want := check(p), referenceCheck(p); got != want {
			t.Fatalf("check(%q / %q / %q / %v) = %b, the reference %b", p.Name, p.Description, p.Brand, p.Attributes, got, want)
		}
	}
	for _, name := range texts {
		for _, desc := range texts {
			p := catalog.Product{Name: name, Description: desc, Brand: desc, Attributes: map[string]string{"a": name}}
			try(&p)
			p.Description = strings.ToUpper(name) + " "
			try(&p)
		}
	}
	n := 0
	_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 7, Rows: 20_000, Headers: demogen.HeadersCanonical,
		DefectRate: 0.2, Partner: "ref"}, func(p catalog.Product) error {
		try(&p)
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("demogen: %d products, %v", n, err)
	}
}

func FuzzCheckAgreesWithReference(f *testing.F) {
	for i, s := range texts {
		f.Add(s, texts[(i+1)%len(texts)], s)
	}
	f.Fuzz(func(t *testing.T, name, desc, attr string) {
		p := catalog.Product{Name: name, Description: desc, Brand: attr, Attributes: map[string]string{"a": attr}}
		if got, want := check(&p), referenceCheck(&p); got != want {
			t.Fatalf("check(%q, %q, %q) = %b, the reference %b", name, desc, attr, got, want)
		}
	})
}

func TestSummaryAddSharesIssues(t *testing.T) {
	// Scoring runs on every product of every ingest: once a set of failed
	// rules has been met, a product failing the same ones costs no
	// allocation (the Issues slice is shared).
	var s Summary
	p := catalog.Product{Name: "abcd", Description: "x"}
	first := s.Add(&p)
	if allocs := testing.AllocsPerRun(100, func() { s.Add(&p) }); allocs != 0 {
		t.Fatalf("Summary.Add allocates %.0f times a product, want 0", allocs)
	}
	again := s.Add(&p)
	if !slices.Equal(first.Issues, again.Issues) || first.Score != again.Score || cap(again.Issues) != len(again.Issues) {
		t.Fatalf("second quality %+v differs from the first %+v (or has room to append into)", again, first)
	}
	if q := Score(&p); !slices.Equal(q.Issues, first.Issues) || q.Grade != first.Grade {
		t.Fatalf("Score = %+v, Summary.Add %+v", q, first)
	}
}

func BenchmarkCheck(b *testing.B) {
	var products []catalog.Product
	_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 42, Rows: 256, Headers: demogen.HeadersCanonical,
		DefectRate: 0.01, Partner: "bench"}, func(p catalog.Product) error {
		products = append(products, p)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		check func(*catalog.Product) failed
	}{{"fast", check}, {"reference", referenceCheck}} {
		b.Run(c.name, func(b *testing.B) {
			var sink failed
			for b.Loop() {
				for i := range products {
					sink |= c.check(&products[i])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(products)), "ns/row")
		})
	}
}
