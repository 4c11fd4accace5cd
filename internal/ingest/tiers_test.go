package ingest_test

import (
	"fmt"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Quantity price breaks, in the shapes partners' exports write them,
// become the product's tiers (sorted, in the product price's currency)
// and leave its attributes; a tier that does not read leaves every tier
// column an attribute, as written.
func TestPriceTiersFromTheFile(t *testing.T) {
	tiers := func(ps ...string) string {
		out := ""
		for i := 0; i+1 < len(ps); i += 2 {
			out += fmt.Sprintf("%s@%s ", ps[i], ps[i+1])
		}
		return out
	}
	tests := []struct {
		name, csv, want string
		attrs           []string // attributes left
	}{
		{"numbered qty_N/price_N", "sku,name,price,currency,qty_2,price_2,qty_1,price_1\nA,Chair,10.00,EUR,50,8.50,10,9.00\n",
			tiers("10", "9.00 EUR", "50", "8.50 EUR"), nil},
		{"German Staffel columns", "Artikelnummer,Bezeichnung,Preis,Staffelmenge 1,Staffelpreis 1,Staffelmenge 2,Staffelpreis 2\nA,Stuhl,\"10,00 €\",10,\"9,00 €\",100,\"7,50 €\"\n",
			tiers("10", "9.00 EUR", "100", "7.50 EUR"), nil},
		{"French paliers", "Référence;Désignation;Prix HT;Quantité palier 1;Prix palier 1\nA;Chaise;10,00;25;8,90\n",
			tiers("25", "8.90 EUR"), nil},
		{"Tier N Qty / Tier N Price, USD", "sku,name,price,currency,Tier 1 Qty,Tier 1 Price\nA,Chair,10.00,USD,12,9.10\n",
			tiers("12", "9.10 USD"), nil},
		{"one tiers column", "sku,name,price,currency,tiers,color\nA,Chair,10.00,EUR,\"50:8.50|10:9.00\",red\n",
			tiers("10", "9.00 EUR", "50", "8.50 EUR"), []string{"color"}},
		{"a tier that does not read stays as written", "sku,name,price,currency,qty_1,price_1,qty_2,price_2\nA,Chair,10.00,EUR,10,9.00,many,8.00\n",
			"", []string{"price_1", "price_2", "qty_1", "qty_2"}},
		{"a lone price_2 is no tier", "sku,name,price,currency,price_2\nA,Chair,10.00,EUR,8.00\n",
			"", []string{"price_2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("acme", "tiers.csv", tt.csv, catalog.ModePartial)
			if c.Report.Accepted != 1 {
				t.Fatalf("report %+v", c.Report)
			}
			p := e.products("acme")["A"]
			got := ""
			for _, tr := range p.Tiers {
				got += fmt.Sprintf("%d@%s %s ", tr.MinQty, tr.Price.Amount, tr.Price.Currency)
			}
			if got != tt.want {
				t.Errorf("tiers %q, want %q (attributes %v)", got, tt.want, p.Attributes)
			}
			if len(p.Attributes) != len(tt.attrs) {
				t.Errorf("attributes %v, want the keys %v", p.Attributes, tt.attrs)
			}
			for _, k := range tt.attrs {
				if _, ok := p.Attributes[k]; !ok {
					t.Errorf("attribute %q missing: %v", k, p.Attributes)
				}
			}
		})
	}
}
