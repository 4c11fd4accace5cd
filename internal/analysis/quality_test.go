package analysis_test

import (
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// complete is a product that passes every rule.
func complete() catalog.Product {
	return catalog.Product{
		ID: "p:1", Partner: "p", Key: "1", SKU: "1",
		Name:        "Chaise de bureau ergonomique",
		Description: "Assise réglable, dossier en maille respirante, accoudoirs 3D.",
		Brand:       "Sedia",
		Category:    []string{"Mobilier", "Chaises"},
		Images:      []string{"https://img.example/1.jpg"},
		GTIN:        "4006381333931",
		Price:       &catalog.Money{Amount: catalog.MustDecimal("129.90"), Currency: "EUR"},
		Attributes:  map[string]string{"Couleur": "Noir"},
	}
}

func TestScore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(p *catalog.Product)
		score  int
		grade  string
		issues []string
	}{
		{"complete", func(*catalog.Product) {}, 100, "A", nil},
		{"short name", func(p *catalog.Product) { p.Name = "Chaise" }, 90, "A", []string{analysis.IssueNameLength}},
		{"long name", func(p *catalog.Product) { p.Name = string(make([]rune, 151)) }, 90, "A", []string{analysis.IssueNameLength}},
		{"capitals", func(p *catalog.Product) { p.Name = "CHAISE DE BUREAU 3D" }, 95, "A", []string{analysis.IssueNameCasing}},
		{"lower case", func(p *catalog.Product) { p.Name = "chaise de bureau noire" }, 95, "A", []string{analysis.IssueNameCasing}},
		{"no description", func(p *catalog.Product) { p.Description = " " }, 80, "B", []string{analysis.IssueDescriptionMissing}},
		{"description is the name", func(p *catalog.Product) { p.Description = "chaise de BUREAU, ergonomique." }, 85, "B", []string{analysis.IssueDescriptionIsName}},
		{"same letters, other words", func(p *catalog.Product) { p.Description = "Ergonomique bureau de chaise" }, 100, "A", nil},
		{"description starts with the name", func(p *catalog.Product) { p.Description = "Chaise de bureau ergonomique noire" }, 100, "A", nil},
		{"no brand", func(p *catalog.Product) { p.Brand = "" }, 90, "A", []string{analysis.IssueBrandMissing}},
		{"no category", func(p *catalog.Product) { p.Category = nil }, 90, "A", []string{analysis.IssueCategoryMissing}},
		{"no image", func(p *catalog.Product) { p.Images = nil }, 85, "B", []string{analysis.IssueImageMissing}},
		{"variant image", func(p *catalog.Product) {
			p.Images = nil
			p.Variants = []catalog.Variant{{SKU: "v", Image: "https://img.example/v.jpg"}}
		}, 100, "A", nil},
		{"no GTIN", func(p *catalog.Product) { p.GTIN = "" }, 90, "A", []string{analysis.IssueGTINMissing}},
		{"bad GTIN", func(p *catalog.Product) { p.GTIN = "4006381333932" }, 90, "A", []string{analysis.IssueGTINInvalid}},
		{"no price", func(p *catalog.Product) { p.Price = nil }, 85, "B", []string{analysis.IssuePriceMissing}},
		{"zero price", func(p *catalog.Product) { p.Price.Amount = catalog.MustDecimal("0.00") }, 85, "B", []string{analysis.IssuePriceImplausible}},
		{"huge price", func(p *catalog.Product) { p.Price.Amount = catalog.MustDecimal("1000000") }, 85, "B", []string{analysis.IssuePriceImplausible}},
		{"no attributes", func(p *catalog.Product) { p.Attributes = map[string]string{"Couleur": " "} }, 95, "A", []string{analysis.IssueAttributesMissing}},
		{"variant options are attributes", func(p *catalog.Product) {
			p.Attributes = nil
			p.Variants = []catalog.Variant{{SKU: "v", Options: map[string]string{"Taille": "M"}}}
		}, 100, "A", nil},
		{"bare", func(p *catalog.Product) { *p = catalog.Product{ID: "p:2", Name: "abcd"} }, 0, "E", []string{
			analysis.IssueNameLength, analysis.IssueNameCasing, analysis.IssueDescriptionMissing, analysis.IssueBrandMissing, analysis.IssueCategoryMissing,
			analysis.IssueImageMissing, analysis.IssueGTINMissing, analysis.IssuePriceMissing, analysis.IssueAttributesMissing}},
		{"grade C", func(p *catalog.Product) { p.Description, p.Images, p.Brand = "", nil, "" }, 55, "D", []string{
			analysis.IssueDescriptionMissing, analysis.IssueBrandMissing, analysis.IssueImageMissing}},
		{"grade C exactly", func(p *catalog.Product) { p.Description, p.Images = "", nil }, 65, "C", []string{
			analysis.IssueDescriptionMissing, analysis.IssueImageMissing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := complete()
			tc.edit(&p)
			q := analysis.Score(&p)
			if q.Score != tc.score || q.Grade != tc.grade || !slices.Equal(q.Issues, tc.issues) {
				t.Fatalf("Score = %+v, want %d %s %v", q, tc.score, tc.grade, tc.issues)
			}
		})
	}
}

func TestRulesAddUpTo100(t *testing.T) {
	// A product fails at most one rule of the description, GTIN and price
	// groups: the worst product scores exactly 0.
	total := 0
	for _, r := range analysis.Rules() {
		switch r.Code {
		case analysis.IssueDescriptionIsName, analysis.IssueGTINInvalid, analysis.IssuePriceImplausible:
			continue
		}
		total += r.Points
		if analysis.RuleMessage(r.Code) != r.Message || r.Message == "" {
			t.Errorf("rule %s has no message", r.Code)
		}
	}
	if total != 100 {
		t.Fatalf("rules add up to %d, want 100", total)
	}
}

func TestGradeOf(t *testing.T) {
	for score, want := range map[int]string{100: "A", 90: "A", 89: "B", 75: "B", 74: "C", 60: "C", 59: "D", 40: "D", 39: "E", 0: "E"} {
		if got := analysis.GradeOf(score); got != want {
			t.Errorf("GradeOf(%d) = %s, want %s", score, got, want)
		}
	}
}

func TestValidGTIN(t *testing.T) {
	for gtin, want := range map[string]bool{
		"4006381333931": true, "96385074": true, "036000291452": true, "10614141000415": true,
		"4006381333932": false, "96385075": false, "": false, "400638133393": false, "40063813339a1": false,
		"123456789012345": false,
	} {
		if got := analysis.ValidGTIN(gtin); got != want {
			t.Errorf("ValidGTIN(%q) = %v, want %v", gtin, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	var s analysis.Summary
	if got := s.Result(); got.Products != 0 || got.Score != 0 || len(got.Grades) != 5 || len(got.Issues) != 0 {
		t.Fatalf("empty summary = %+v", got)
	}
	a := complete()
	b := complete()
	b.Brand, b.Images = "", nil // 75: B
	c := complete()
	c.Images = nil // 85: B
	d := catalog.Product{Name: "abcd"}
	for _, p := range []*catalog.Product{&a, &b, &c, &d} {
		q := s.Add(p)
		if q.Grade == "" {
			t.Fatal("Add returned no quality")
		}
	}
	got := s.Result()
	if got.Products != 4 || got.Score != (100+75+85+0)/4 || got.Grade != "C" || got.ToFix != 3 {
		t.Fatalf("summary = %+v", got)
	}
	if want := map[string]int{"A": 1, "B": 2, "C": 0, "D": 0, "E": 1}; !equalMaps(got.Grades, want) {
		t.Fatalf("grades = %v, want %v", got.Grades, want)
	}
	if got.Issues[0].Code != analysis.IssueImageMissing || got.Issues[0].Count != 3 || got.Issues[0].Message == "" {
		t.Fatalf("top issue = %+v, want image_missing x3", got.Issues[0])
	}
	if got.Issues[1].Code != analysis.IssueBrandMissing || got.Issues[1].Count != 2 {
		t.Fatalf("second issue = %+v, want brand_missing x2", got.Issues[1])
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestToFixRecord(t *testing.T) {
	p := complete()
	p.Brand = ""
	q := analysis.Score(&p)
	rec := analysis.ToFixRecord(&p, q)
	if len(rec) != len(analysis.ToFixHeader()) {
		t.Fatalf("record has %d cells, header %d", len(rec), len(analysis.ToFixHeader()))
	}
	want := []string{"p:1", "1", p.Name, "A", "90", "brand_missing", "add the brand"}
	if !slices.Equal(rec, want) {
		t.Fatalf("record = %q, want %q", rec, want)
	}
}
