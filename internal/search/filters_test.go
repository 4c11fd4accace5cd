package search_test

import (
	"reflect"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

func TestFilters(t *testing.T) {
	lo, hi := catalog.MustDecimal("10"), catalog.MustDecimal("99.5")
	ten, top := 10.0, 99.5
	all := catalog.Filters{
		Partners: []string{"acme"}, Brands: []string{"Bosch", "Makita"},
		Categories: []string{"Maison>Cuisine", "  Jardin  >  Outils ", "Bureau"},
		PriceMin:   &lo, PriceMax: &hi, Currency: "eur", Grades: []string{"A"},
		Availability: []string{catalog.InStock}, LeadTime: []string{"7"},
		OfferKeys:  []string{"k1"},
		Attributes: map[string][]string{"taille": {"M"}, "couleur.fr": {"rouge", "bleu"}},
	}
	every := []search.Filter{
		{Dimension: catalog.FacetPartner, Field: search.FieldPartner, Values: []string{"acme"}},
		{Dimension: catalog.FacetBrand, Field: search.FieldBrand, Values: []string{"Bosch", "Makita"}},
		{Dimension: catalog.FacetCategory, Field: search.FieldCategory, Values: []string{"Maison > Cuisine", "Jardin > Outils", "Bureau"}},
		{Dimension: catalog.FacetPrice, Field: search.FieldPrice, Range: true, Min: &ten, Max: &top},
		{Dimension: catalog.FacetCurrency, Field: search.FieldCurrency, Values: []string{"EUR"}},
		{Dimension: catalog.FacetGrade, Field: search.FieldGrade, Values: []string{"A"}},
		{Dimension: catalog.FacetAvailability, Field: search.FieldAvailability, Values: []string{catalog.InStock}},
		{Dimension: catalog.FacetLeadTime, Field: search.FieldLeadTime, Values: []string{"7"}},
		{Field: search.FieldOfferKey, Values: []string{"k1"}},
		{Dimension: "attr.couleur_fr", Field: "attr.couleur_fr", Values: []string{"rouge", "bleu"}},
		{Dimension: "attr.taille", Field: "attr.taille", Values: []string{"M"}},
	}
	without := func(i int) []search.Filter {
		return append(append([]search.Filter{}, every[:i]...), every[i+1:]...)
	}
	tests := []struct {
		name string
		f    catalog.Filters
		skip string
		want []search.Filter
	}{
		{"nothing filters", catalog.Filters{}, "", nil},
		{"every filter, in order", all, "", every},
		{"a partner facet leaves out the partner filter", all, search.FacetDimension(catalog.FacetPartner), without(0)},
		{"category facet", all, search.FacetDimension(catalog.FacetCategory), without(2)},
		{"price facet", all, search.FacetDimension(catalog.FacetPrice), without(3)},
		{"currency facet", all, search.FacetDimension(catalog.FacetCurrency), without(4)},
		{"grade facet", all, search.FacetDimension(catalog.FacetGrade), without(5)},
		{"availability facet", all, search.FacetDimension(catalog.FacetAvailability), without(6)},
		{"lead time facet", all, search.FacetDimension(catalog.FacetLeadTime), without(7)},
		{"an attribute facet leaves out its own filter only", all, search.FacetDimension("attr.couleur.fr"), without(9)},
		{"only a lower price bound", catalog.Filters{PriceMin: &lo}, "",
			[]search.Filter{{Dimension: catalog.FacetPrice, Field: search.FieldPrice, Range: true, Min: &ten}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := search.Filters(tt.f, tt.skip); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Filters(skip %q) =\n%+v\nwant\n%+v", tt.skip, got, tt.want)
			}
		})
	}
}

func TestFiltered(t *testing.T) {
	lo := catalog.MustDecimal("1")
	f := catalog.Filters{Brands: []string{"Bosch"}, PriceMin: &lo, OfferKeys: []string{"k"}, Attributes: map[string][]string{"taille": {"M"}}}
	tests := []struct {
		facet string
		want  bool
	}{
		{catalog.FacetBrand, true}, {catalog.FacetPrice, true}, {"attr.taille", true},
		{catalog.FacetPartner, false}, {catalog.FacetCategory, false}, {catalog.FacetCurrency, false}, {"attr.couleur", false},
	}
	for _, tt := range tests {
		if got := search.Filtered(f, search.FacetDimension(tt.facet)); got != tt.want {
			t.Errorf("Filtered(%s) = %v, want %v", tt.facet, got, tt.want)
		}
	}
}

func TestFacetDimensionAndField(t *testing.T) {
	tests := []struct{ facet, dim, field string }{
		{catalog.FacetBrand, catalog.FacetBrand, search.FieldBrand},
		{catalog.FacetPartner, catalog.FacetPartner, search.FieldPartner},
		{catalog.FacetCategory, catalog.FacetCategory, search.FieldCategory},
		{catalog.FacetPrice, catalog.FacetPrice, search.FieldPrice},
		{catalog.FacetCurrency, catalog.FacetCurrency, search.FieldCurrency},
		{catalog.FacetGrade, catalog.FacetGrade, search.FieldGrade},
		{catalog.FacetAvailability, catalog.FacetAvailability, search.FieldAvailability},
		{catalog.FacetLeadTime, catalog.FacetLeadTime, search.FieldLeadTime},
		{"attr.couleur.fr", "attr.couleur_fr", "attr.couleur_fr"},
	}
	for _, tt := range tests {
		if got := search.FacetDimension(tt.facet); got != tt.dim {
			t.Errorf("FacetDimension(%q) = %q, want %q", tt.facet, got, tt.dim)
		}
		if got := search.FacetField(tt.facet); got != tt.field {
			t.Errorf("FacetField(%q) = %q, want %q", tt.facet, got, tt.field)
		}
	}
}

func TestNormalizeCategory(t *testing.T) {
	tests := map[string]string{
		"Maison>Cuisine": "Maison > Cuisine", "  Maison  >  Cuisine > Poêles ": "Maison > Cuisine > Poêles",
		"Maison": "Maison", "Maison > Cuisine": "Maison > Cuisine",
	}
	for in, want := range tests {
		if got := search.NormalizeCategory(in); got != want {
			t.Errorf("NormalizeCategory(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortFacetValues(t *testing.T) {
	vals := []catalog.FacetValue{{Value: "b", Count: 2}, {Value: "c", Count: 5}, {Value: "a", Count: 2}, {Value: "d", Count: 1}}
	search.SortFacetValues(vals)
	want := []catalog.FacetValue{{Value: "c", Count: 5}, {Value: "a", Count: 2}, {Value: "b", Count: 2}, {Value: "d", Count: 1}}
	if !reflect.DeepEqual(vals, want) {
		t.Fatalf("sorted %v, want %v", vals, want)
	}
}

func TestCorrection(t *testing.T) {
	type offer struct {
		term string
		freq int
	}
	tests := []struct {
		name   string
		word   string
		offers []offer
		want   string
	}{
		{"nothing offered", "lampe", nil, "lampe"},
		{"the closest wins over the most frequent", "lampe", []offer{{"lampion", 90}, {"lamps", 3}}, "lamps"},
		{"at the same distance the most frequent", "lampe", []offer{{"lampes", 3}, {"lamps", 7}}, "lamps"},
		{"then the first alphabetically", "lampe", []offer{{"lampes", 3}, {"lamper", 3}}, "lamper"},
		{"nothing beyond two edits", "lampe", []offer{{"lampions", 50}}, "lampe"},
		{"the word itself beats any correction", "lampe", []offer{{"lampes", 50}, {"lampe", 1}}, "lampe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := search.NewCorrection(tt.word)
			for _, o := range tt.offers {
				c.Offer(o.term, o.freq)
			}
			if got := c.Best(); got != tt.want {
				t.Fatalf("Best() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCorrected(t *testing.T) {
	fix := map[string]string{"chiase": "chaise", "tabel": "tabel"}
	tests := []struct {
		text, want string
		changed    bool
	}{
		{"chiase en bois ", "chaise en bois", true},
		{"tabel ", "tabel", false},
		{"bc1010 chiase ", "bc1010 chaise", true}, // identifiers are never corrected
	}
	for _, tt := range tests {
		asked := []string{}
		got, changed := search.Corrected(search.NewPlan(tt.text, nil), func(i int, w string) string {
			asked = append(asked, w)
			if f, ok := fix[w]; ok {
				return f
			}
			return w
		})
		if got != tt.want || changed != tt.changed {
			t.Errorf("Corrected(%q) = %q, %v; want %q, %v (asked %q)", tt.text, got, changed, tt.want, tt.changed, asked)
		}
	}
}

func TestDocFields(t *testing.T) {
	price := catalog.Money{Amount: catalog.MustDecimal("12.50"), Currency: "eur"}
	full := catalog.Product{
		ID: "acme:1", Partner: "acme", Key: "1", SKU: "BC-10", Name: "Chaise pliante", Brand: "Fermob",
		Category: []string{"Jardin", "Chaises"}, Price: &price, OfferKey: "offer-1",
		Quality: &catalog.Quality{Grade: "B"}, Attributes: map[string]string{"couleur": "Rouge"},
		Availability: catalog.Backorder, LeadTimeDays: 5,
	}
	tests := []struct {
		name    string
		p       catalog.Product
		want    map[string]any
		without []string
	}{
		{"every field", full, map[string]any{
			search.FieldPartner: "acme", search.FieldBrand: "Fermob", search.FieldName: []string{"Chaise pliante"},
			search.FieldLabel: []string{"Fermob", "Jardin", "Chaises"}, search.FieldAttrText: []string{"Rouge"},
			search.FieldCategory: []string{"Jardin", "Jardin > Chaises"}, search.FieldPrice: 12.5, search.FieldCurrency: "EUR",
			search.FieldGrade: "B", search.FieldOfferKey: "offer-1", search.FieldNameSort: "chaise pliante",
			search.FieldAvailability: catalog.Backorder, search.FieldLeadTime: []string{"7", "14", "30"},
			search.FieldGroup: "offer-1", "attr": map[string][]string{"couleur": {"Rouge"}},
		}, []string{search.FieldUpdated}},
		{"what a product lacks is left out", catalog.Product{ID: "acme:2", Partner: "acme", Key: "2", Name: "Table"},
			map[string]any{search.FieldPartner: "acme", search.FieldName: []string{"Table"}, search.FieldGroup: "id:acme:2"},
			[]string{search.FieldBrand, search.FieldPrice, search.FieldCurrency, search.FieldGrade, search.FieldOfferKey, "attr", search.FieldUpdated,
				search.FieldAvailability, search.FieldLeadTime}},
		{"an availability the domain does not know is left out",
			catalog.Product{ID: "acme:3", Partner: "acme", Key: "3", Name: "Banc", Availability: "maybe", LeadTimeDays: 45},
			map[string]any{search.FieldName: []string{"Banc"}}, []string{search.FieldAvailability, search.FieldLeadTime}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search.NewDoc(tt.p).Fields()
			for k, v := range tt.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("field %s = %#v, want %#v", k, got[k], v)
				}
			}
			for _, k := range tt.without {
				if v, ok := got[k]; ok {
					t.Errorf("field %s = %#v, want none", k, v)
				}
			}
			for _, k := range []string{search.FieldName, search.FieldNameFold, search.FieldLabel, search.FieldLabelFold,
				search.FieldDescription, search.FieldAttrText, search.FieldAttrFold, search.FieldFold, search.FieldIDs} {
				if _, ok := got[k]; !ok {
					t.Errorf("no field %s", k)
				}
			}
		})
	}
}
