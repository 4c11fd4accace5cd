package values

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestAvailability(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{"", "", false},
		{"1", catalog.InStock, false},
		{"0", catalog.OutOfStock, false},
		{"800", catalog.InStock, false},
		{"-3", catalog.OutOfStock, false},
		{"1 200", catalog.InStock, false},
		{"12,0", catalog.InStock, false},
		{"backorder", catalog.Backorder, false},
		{"In stock", catalog.InStock, false},
		{"instock", catalog.InStock, false},
		{"out_of_stock", catalog.OutOfStock, false},
		{"En stock", catalog.InStock, false},
		{"Rupture de stock", catalog.OutOfStock, false},
		{"Épuisé", catalog.OutOfStock, false},
		{"Sur commande", catalog.Backorder, false},
		{"Auf Lager", catalog.InStock, false},
		{"nicht verfügbar", catalog.OutOfStock, false},
		{"Agotado", catalog.OutOfStock, false},
		{"ask us", "", true},
	} {
		got, err := Availability(tc.in)
		if got != tc.want || (err != nil) != tc.bad {
			t.Errorf("Availability(%q) = %q, %v; want %q, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
		if err != nil && err.Code != CodeBadAvailability {
			t.Errorf("Availability(%q) code %q", tc.in, err.Code)
		}
	}
}

func TestLeadTimeDays(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		bad  bool
	}{
		{"", 0, false},
		{"5", 5, false},
		{"5 days", 5, false},
		{"2-3 days", 3, false},
		{"2 à 3 jours", 3, false},
		{"2 bis 3 Tage", 3, false},
		{"sous 5 jours ouvrés", 5, false},
		{"within 4 days", 4, false},
		{"48h", 2, false},
		{"36 heures", 2, false},
		{"2 semaines", 14, false},
		{"3 Wochen", 21, false},
		{"1 week", 7, false},
		{"3j", 3, false},
		{"soon", 0, true},
		{"5 months", 0, true},
	} {
		got, err := LeadTimeDays(tc.in)
		if got != tc.want || (err != nil) != tc.bad {
			t.Errorf("LeadTimeDays(%q) = %d, %v; want %d, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}
