package ingest_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestStock: a stock column under any of its usual headers gives each
// product its quantity in stock (0 is out of stock, kept); an empty cell
// says nothing, and a value that is no quantity is left out with a
// warning. A file without a stock column keeps every product's hash.
func TestStock(t *testing.T) {
	for _, header := range []string{"stock", "Quantité en stock", "qty", "Lagerbestand", "Variant Inventory Qty"} {
		t.Run(header, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("acme", "stock.csv", "sku,name,price,currency,"+header+"\n"+
				"S1,Stylo,1.20,EUR,120\nS2,Gomme,0.80,EUR,0\nS3,Règle,2.00,EUR,\nS4,Colle,3.00,EUR,beaucoup\n", "")
			if c.Status != catalog.StatusDone || c.Report.Accepted != 4 {
				t.Fatalf("%s %+v", c.Status, c.Report)
			}
			ps := e.products("acme")
			stock := func(key string) any {
				if s := ps[key].Stock; s != nil {
					return *s
				}
				return nil
			}
			for key, want := range map[string]any{"S1": 120, "S2": 0, "S3": nil, "S4": nil} {
				if got := stock(key); got != want {
					t.Errorf("%s: stock %v, want %v", key, got, want)
				}
			}
			if ps["S4"].Attributes[header] != "" || len(c.Report.Warnings) != 1 || c.Report.Warnings[0].Row != 5 {
				t.Errorf("S4: attributes %v, warnings %+v: want the value left out with one warning", ps["S4"].Attributes, c.Report.Warnings)
			}
		})
	}
	e := newEnv(t)
	e.ingest("acme", "plain.csv", "sku,name,price,currency\nS1,Stylo,1.20,EUR\n", "")
	before := e.products("acme")["S1"].Hash
	e.ingest("acme", "stocked.csv", "sku,name,price,currency,stock\nS1,Stylo,1.20,EUR,7\n", "")
	stocked := e.products("acme")["S1"]
	if stocked.Hash == before || stocked.Stock == nil || *stocked.Stock != 7 {
		t.Errorf("a said stock is part of the product: hash %s (before %s), stock %v", stocked.Hash, before, stocked.Stock)
	}
}
