package catalog_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		ok      bool
	}{
		{"12", "12", true}, {"12.50", "12.50", true}, {"-0.5", "-0.5", true}, {"0.000001", "0.000001", true},
		{"1234567.89", "1234567.89", true}, {"007.10", "7.10", true},
		{"", "", false}, {"-", "", false}, {"1.", "", false}, {".5", "", false}, {"1,5", "", false},
		{"1e3", "", false}, {"12.1234567", "", false}, {"99999999999999999999", "", false}, {" 1", "", false}, {"+1", "", false},
	} {
		d, err := catalog.ParseDecimal(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDecimal(%q) err = %v, want ok %v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if catalog.CodeOf(err) != catalog.CodeInvalid {
				t.Errorf("ParseDecimal(%q) code %q, want invalid", tc.in, catalog.CodeOf(err))
			}
			continue
		}
		if d.String() != tc.out {
			t.Errorf("ParseDecimal(%q).String() = %q, want %q", tc.in, d.String(), tc.out)
		}
	}
}

func TestGTINCheckDigit(t *testing.T) {
	tests := map[string]byte{
		"9638507":       4, // EAN-8 96385074
		"03600029145":   2, // UPC-A 036000291452
		"400638133393":  1, // EAN-13 4006381333931
		"1001234567890": 2, // GTIN-14 10012345678902
		"000000000000":  0,
	}
	for digits, want := range tests {
		if got := catalog.GTINCheckDigit(digits); got != want {
			t.Errorf("GTINCheckDigit(%s) = %d, want %d", digits, got, want)
		}
	}
}

// Decimals too large to bring to one scale compare by their float values.
func TestDecimalCmpBeyondOneScale(t *testing.T) {
	huge := catalog.Decimal{Units: math.MaxInt64}
	tests := []struct {
		a, b catalog.Decimal
		want int
	}{
		{huge, catalog.Decimal{Units: 1, Scale: 6}, 1},
		{catalog.Decimal{Units: 1, Scale: 6}, huge, -1},
		{catalog.Decimal{Units: -math.MaxInt64}, catalog.Decimal{Units: -1, Scale: 6}, -1},
		{huge, huge, 0},
	}
	for _, tt := range tests {
		if got := tt.a.Cmp(tt.b); got != tt.want {
			t.Errorf("%v cmp %v = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDecimalCmpAndJSON(t *testing.T) {
	m := catalog.MustDecimal
	for _, tc := range []struct {
		a, b string
		want int
	}{{"1.5", "1.50", 0}, {"1.49", "1.5", -1}, {"10", "9.999999", 1}, {"-1", "0", -1}, {"0", "-0.0", 0}} {
		if got := m(tc.a).Cmp(m(tc.b)); got != tc.want {
			t.Errorf("%s cmp %s = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	b, err := json.Marshal(catalog.Money{Amount: m("12.50"), Currency: "EUR"})
	if err != nil || string(b) != `{"amount":"12.50","currency":"EUR"}` {
		t.Fatalf("Money JSON = %s, %v", b, err)
	}
	var back catalog.Money
	if err := json.Unmarshal(b, &back); err != nil || back.Amount.String() != "12.50" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"amount":"1,5"}`), &back); err == nil {
		t.Fatal("a malformed amount must not decode")
	}
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0", "12.50", "-3.000001", "1.", "9223372036854775807", "-9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := catalog.ParseDecimal(s)
		if err != nil {
			return
		}
		again, err := catalog.ParseDecimal(d.String())
		if err != nil || again.Cmp(d) != 0 || again.String() != d.String() {
			t.Fatalf("%q -> %q does not round-trip: %v", s, d.String(), err)
		}
	})
}

func TestErrors(t *testing.T) {
	e := catalog.Wrap(catalog.CodeUnavailable, errors.New("throttled by 10.1.2.3"), "the index is busy")
	wrapped := fmt.Errorf("search: %w", e)
	if catalog.CodeOf(wrapped) != catalog.CodeUnavailable || catalog.MessageOf(wrapped) != "the index is busy" {
		t.Fatalf("CodeOf/MessageOf through wrapping: %q %q", catalog.CodeOf(wrapped), catalog.MessageOf(wrapped))
	}
	if catalog.CodeOf(errors.New("raw")) != catalog.CodeInternal || catalog.MessageOf(errors.New("raw secret")) != "internal error" {
		t.Fatal("a foreign error must be internal with a generic message")
	}
	if catalog.MessageOf(catalog.Wrap(catalog.CodeInternal, errors.New("x"), "db exploded")) != "internal error" {
		t.Fatal("internal messages are not shown")
	}
	if catalog.CodeOf(nil) != "" || !catalog.IsNotFound(catalog.Errorf(catalog.CodeNotFound, "x")) {
		t.Fatal("nil / not found")
	}
}

func TestValidIDsAndKeys(t *testing.T) {
	for id, want := range map[string]bool{"acme": true, "a-1_b": true, "": false, "-a": false, "Acme": false, "a:b": false, "a/b": false, "é": false} {
		if catalog.ValidPartnerID(id) != want {
			t.Errorf("ValidPartnerID(%q) != %v", id, want)
		}
	}
	for key, want := range map[string]bool{
		"incoming/acme/a b.csv": true, "incoming/acme/été.csv": true, "": false, "/x": false,
		"a/../b": false, "a//b": false, "a/./b": false, "a\\b": false, "a\nb": false, "a/": false,
	} {
		if catalog.ValidBlobKey(key) != want {
			t.Errorf("ValidBlobKey(%q) != %v", key, want)
		}
	}
}

func TestQueryValidate(t *testing.T) {
	q := catalog.Query{}
	if err := q.Validate(); err != nil || q.Page != 1 || q.Size != catalog.DefaultSize || q.Sort != catalog.SortRelevance {
		t.Fatalf("defaults: %+v %v", q, err)
	}
	lo, hi := catalog.MustDecimal("10"), catalog.MustDecimal("5")
	for _, bad := range []catalog.Query{
		{Size: catalog.MaxPageSize + 1}, {Page: -1}, {Sort: "random"}, {Page: 1000, Size: 100},
		{Filters: catalog.Filters{PriceMin: &lo, PriceMax: &hi}}, {Text: "\xff"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", bad)
		}
	}
}

func TestModeCheck(t *testing.T) {
	for _, tc := range []struct {
		mode catalog.Mode
		ok   bool
	}{
		{"", true}, // the partner's default
		{catalog.ModeFull, true},
		{catalog.ModePartial, true},
		{"FULL", false},
		{"delta", false},
		{" full", false},
	} {
		err := tc.mode.Check()
		if (err == nil) != tc.ok {
			t.Errorf("Mode(%q).Check() = %v, want ok=%v", tc.mode, err, tc.ok)
		}
		if err != nil && (catalog.CodeOf(err) != catalog.CodeInvalid || catalog.MessageOf(err) != fmt.Sprintf("mode must be full or partial, not %q", string(tc.mode))) {
			t.Errorf("Mode(%q).Check() = %v, want invalid naming the modes", tc.mode, err)
		}
	}
	// Every listed mode passes, so the list and the check cannot part.
	for _, m := range catalog.Modes() {
		if err := m.Check(); err != nil {
			t.Errorf("listed mode %q refused: %v", m, err)
		}
	}
}

func TestValidFacet(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{catalog.FacetBrand, true},
		{catalog.FacetCategory, true},
		{catalog.FacetPartner, true},
		{catalog.FacetCurrency, true},
		{catalog.FacetPrice, true},
		{catalog.FacetGrade, true},
		{catalog.FacetAvailability, true},
		{catalog.FacetLeadTime, true},
		{"attr.Color", true},
		{"attr.", false},
		{"attr", false},
		{"Brand", false},
		{"color", false},
		{"", false},
	} {
		if got := catalog.ValidFacet(tc.name); got != tc.ok {
			t.Errorf("ValidFacet(%q) = %v, want %v", tc.name, got, tc.ok)
		}
		q := catalog.Query{Facets: []string{tc.name}}
		if err := q.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(facets %q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	for _, f := range catalog.FacetNames() {
		if !catalog.ValidFacet(f) {
			t.Errorf("listed facet %q refused", f)
		}
	}
}

func TestLeadTimeValues(t *testing.T) {
	for _, tc := range []struct {
		days int
		want string
	}{
		{0, ""},
		{-2, ""},
		{1, "1,3,7,14,30"},
		{2, "3,7,14,30"},
		{7, "7,14,30"},
		{8, "14,30"},
		{30, "30"},
		{31, ""},
	} {
		if got := strings.Join(catalog.LeadTimeValues(tc.days), ","); got != tc.want {
			t.Errorf("LeadTimeValues(%d) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestMoreAvailable(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"", "", ""},
		{"", catalog.OutOfStock, catalog.OutOfStock},
		{catalog.OutOfStock, catalog.Backorder, catalog.Backorder},
		{catalog.InStock, catalog.Backorder, catalog.InStock},
		{catalog.Backorder, "", catalog.Backorder},
	} {
		if got := catalog.MoreAvailable(tc.a, tc.b); got != tc.want {
			t.Errorf("MoreAvailable(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAvailabilityAndLeadTimeFilters(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    catalog.Filters
		ok   bool
	}{
		{"in stock", catalog.Filters{Availability: []string{catalog.InStock, catalog.Backorder}}, true},
		{"unknown availability", catalog.Filters{Availability: []string{"instock"}}, false},
		{"band", catalog.Filters{LeadTime: []string{"7", "30"}}, true},
		{"not a band", catalog.Filters{LeadTime: []string{"5"}}, false},
		{"padded band", catalog.Filters{LeadTime: []string{"07"}}, false},
	} {
		q := catalog.Query{Filters: tc.f}
		if err := q.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
