package ingest_test

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// Prices written with local currency signs and words read in the right
// ISO currency; an ambiguous sign takes the partner's currency, and
// without one it is kept in its usual reading with an ambiguous_currency
// warning naming the sign, never silently.
func TestLocalCurrencyPrices(t *testing.T) {
	const file = "sku;name;price\n" +
		"A1;Riz parfumé 5 kg;15 000 Fcfa\n" +
		"A2;Chocolat suisse;CHF 12.50\n" +
		"A3;Kawa ziarnista;\"12,50 zł\"\n" +
		"A4;Café moulu;\"R$ 15,90\"\n" +
		"A5;Huile d'argan;120 MAD\n" +
		"A6;Çay;\"249,90 TL\"\n" +
		"A7;Káva;1 290 Kč\n" +
		"A8;Paprika;4 990 Ft\n" +
		"A9;Kaffe;99 kr\n"
	tests := []struct {
		name, settings string
		want           map[string]string
		ambiguous      map[string]string // sku -> sign warned about
	}{
		{"partner currency XAF settles FCFA, not kr", `{"currency":"XAF"}`,
			map[string]string{"A1": "15000 XAF", "A2": "12.50 CHF", "A3": "12.50 PLN", "A4": "15.90 BRL", "A5": "120 MAD",
				"A6": "249.90 TRY", "A7": "1290 CZK", "A8": "4990 HUF", "A9": "99 SEK"},
			map[string]string{"A9": `"kr"`}},
		{"partner currency NOK settles kr, not FCFA", `{"currency":"NOK"}`,
			map[string]string{"A1": "15000 XOF", "A9": "99 NOK", "A2": "12.50 CHF"},
			map[string]string{"A1": `"Fcfa"`}},
		{"no partner currency: both warned", ``,
			map[string]string{"A1": "15000 XOF", "A9": "99 SEK", "A3": "12.50 PLN"},
			map[string]string{"A1": `"Fcfa"`, "A9": `"kr"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.settings != "" {
				e.put(ingest.SettingsKey("acme"), tt.settings)
			}
			c := e.ingest("acme", "prix.csv", file, catalog.ModePartial)
			if r := c.Report; r.Status != catalog.StatusDone || r.Accepted != 9 || r.Rejected != 0 {
				t.Fatalf("report %+v", r)
			}
			ps := e.products("acme")
			for sku, price := range tt.want {
				if p := ps[sku]; p.Price == nil || p.Price.String() != price {
					t.Errorf("%s: price %v, want %s", sku, p.Price, price)
				}
			}
			rows := map[int]string{}
			for i := range 9 {
				rows[i+2] = "A" + string(rune('1'+i))
			}
			got := map[string]string{}
			for _, w := range c.Report.Warnings {
				if w.Code != values.CodeAmbiguousCurrency {
					continue
				}
				sku := rows[w.Row]
				sign, _, _ := strings.Cut(w.Message, " ")
				got[sku] = sign
				if w.Column != "price" || !strings.Contains(w.Message, ps[sku].Price.Currency) {
					t.Errorf("warning %+v does not name the price column and the currency kept (%s)", w, ps[sku].Price.Currency)
				}
			}
			if len(got) != len(tt.ambiguous) {
				t.Fatalf("ambiguous_currency warnings %v, want %v", got, tt.ambiguous)
			}
			for sku, sign := range tt.ambiguous {
				if got[sku] != sign {
					t.Errorf("%s: warned about %q, want %s", sku, got[sku], sign)
				}
			}
		})
	}
}

// A currency column written as a sign or local word ("€", "zł", "FCFA")
// gives an ISO code, not the sign itself.
func TestCurrencyColumnSigns(t *testing.T) {
	e := newEnv(t)
	e.put(ingest.SettingsKey("acme"), `{"currency":"XAF"}`)
	c := e.ingest("acme", "c.csv", "sku,name,price,currency\nB1,Pain,12.5,€\nB2,Lait,3.20,zł\nB3,Mil,500,FCFA\nB4,Sel,2,kr\n", catalog.ModePartial)
	if r := c.Report; r.Status != catalog.StatusDone || r.Accepted != 4 {
		t.Fatalf("report %+v", r)
	}
	want := map[string]string{"B1": "12.5 EUR", "B2": "3.20 PLN", "B3": "500 XAF", "B4": "2 SEK"}
	ps := e.products("acme")
	for sku, price := range want {
		if p := ps[sku]; p.Price == nil || p.Price.String() != price {
			t.Errorf("%s: price %v, want %s", sku, p.Price, price)
		}
	}
	n := 0
	for _, w := range c.Report.Warnings {
		if w.Code == values.CodeAmbiguousCurrency {
			n++
			if w.Row != 5 {
				t.Errorf("warning on row %d, want 5 (kr): %+v", w.Row, w)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d ambiguous_currency warnings, want 1: %+v", n, c.Report.Warnings)
	}
}

// A price header that names a currency ("Prix (XAF)") settles an
// ambiguous sign in its cells without a partner currency.
func TestHeaderCurrencySettlesAmbiguousSign(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "h.csv", "Réf;Désignation;Prix (XAF)\nC1;Mil;\"15 000 Fcfa\"\nC2;Sorgho;12500\n", catalog.ModePartial)
	if r := c.Report; r.Status != catalog.StatusDone || r.Accepted != 2 || len(r.Warnings) != 0 {
		t.Fatalf("report %+v", r)
	}
	ps := e.products("acme")
	for sku, price := range map[string]string{"C1": "15000 XAF", "C2": "12500 XAF"} {
		if p := ps[sku]; p.Price == nil || p.Price.String() != price {
			t.Errorf("%s: price %v, want %s", sku, p.Price, price)
		}
	}
}
