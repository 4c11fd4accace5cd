package ingest_test

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// French WooCommerce exports and German and Spanish price lists ingest with
// no partner mapping: each product gets its SKU, name, description, price,
// brand and category from the localised headers, and WooCommerce tags stay
// an attribute.
func TestLocalisedHeadersIngest(t *testing.T) {
	type want struct {
		name, desc, price, brand, category, gtin, attr, attrValue string
	}
	tests := []struct {
		name, file, content string
		want                map[string]want
	}{
		{"woocommerce fr", "export.csv",
			"ID,Type,UGS,Nom,Publié,Description courte,Description,Tarif promo,Tarif régulier,Catégories,Étiquettes,Images,Parent,Poids (kg),Marques\n" +
				"11,simple,POT-30,Pot en terre cuite,1,Pot rond,\"Pot en terre cuite, 30 cm\",,\"12.5\",Jardin > Pots,\"plante, orchidée\",https://img.example/pot.jpg,,\"1.2\",Terra\n" +
				"12,simple,ORC-1,Orchidée blanche,1,Orchidée en pot,Phalaenopsis blanche,\"19\",\"24.9\",Plantes,\"pot, cadeau\",,,\"0.8\",Flora\n",
			map[string]want{
				"POT-30": {name: "Pot en terre cuite", desc: "Pot en terre cuite, 30 cm", price: "12.5 EUR", brand: "Terra", category: "Jardin > Pots", attr: "Étiquettes", attrValue: "plante, orchidée"},
				"ORC-1":  {name: "Orchidée blanche", desc: "Phalaenopsis blanche", price: "24.9 EUR", brand: "Flora", category: "Plantes", attr: "Étiquettes", attrValue: "pot, cadeau"},
			}},
		{"german price list", "preisliste.csv",
			"Artikelnummer;Bezeichnung;Artikeltext;VK-Preis;EAN;Hersteller;Warengruppe;Einheit;Mindestbestellmenge\n" +
				"10-200;Schraubendreher Set;6-teilig, Chrom-Vanadium;12,50;4006381333931;Wera;Werkzeug;Set;2\n" +
				"10-201;Zange;Kombizange 180 mm;8,90;;Knipex;Werkzeug;Stück;1\n",
			map[string]want{
				"10-200": {name: "Schraubendreher Set", desc: "6-teilig, Chrom-Vanadium", price: "12.50 EUR", brand: "Wera", category: "Werkzeug", gtin: "4006381333931"},
				"10-201": {name: "Zange", desc: "Kombizange 180 mm", price: "8.90 EUR", brand: "Knipex", category: "Werkzeug"},
			}},
		{"spanish price list", "tarifa.csv",
			"Código;Artículo;Descripción;Precio;Marca;Categoría;Código de barras\n" +
				"A-100;Crema hidratante;Crema facial 50 ml;\"9,95\";Isdin;Cosmética;\n" +
				"A-101;Gel de baño;Gel 750 ml;\"4,50\";Sanex;Higiene;\n",
			map[string]want{
				"A-100": {name: "Crema hidratante", desc: "Crema facial 50 ml", price: "9.95 EUR", brand: "Isdin", category: "Cosmética"},
				"A-101": {name: "Gel de baño", desc: "Gel 750 ml", price: "4.50 EUR", brand: "Sanex", category: "Higiene"},
			}},
		{"spanish pharmacy list, Descripción is the name", "farmacia.csv",
			"Código;Descripción;PVP;Laboratorio;Familia\n" +
				"152876;Ibuprofeno 600 mg 40 comprimidos;\"3,95\";Cinfa;Analgésicos\n" +
				"660415;Paracetamol 1 g 40 comprimidos;\"2,50\";Kern Pharma;Analgésicos\n",
			map[string]want{
				"152876": {name: "Ibuprofeno 600 mg 40 comprimidos", price: "3.95 EUR", brand: "Cinfa", category: "Analgésicos"},
				"660415": {name: "Paracetamol 1 g 40 comprimidos", price: "2.50 EUR", brand: "Kern Pharma", category: "Analgésicos"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("acme", tt.file, tt.content, catalog.ModePartial)
			if c.Report.Status != catalog.StatusDone || c.Report.Accepted != len(tt.want) || c.Report.Rejected != 0 {
				t.Fatalf("report %+v", c.Report)
			}
			ps := e.products("acme")
			for sku, w := range tt.want {
				p, ok := ps[sku]
				if !ok {
					t.Errorf("no product %q (have %d)", sku, len(ps))
					continue
				}
				if p.SKU != sku || p.Name != w.name || p.Description != w.desc || p.Brand != w.brand {
					t.Errorf("%s: sku %q name %q description %q brand %q; want %+v", sku, p.SKU, p.Name, p.Description, p.Brand, w)
				}
				if got := strings.Join(p.Category, " > "); got != w.category {
					t.Errorf("%s: category %q, want %q", sku, got, w.category)
				}
				if p.Price == nil || p.Price.String() != w.price {
					t.Errorf("%s: price %v, want %s", sku, p.Price, w.price)
				}
				if p.GTIN != w.gtin {
					t.Errorf("%s: gtin %q, want %q", sku, p.GTIN, w.gtin)
				}
				if w.attr != "" && p.Attributes[w.attr] != w.attrValue {
					t.Errorf("%s: attribute %q = %q, want %q (attributes %v)", sku, w.attr, p.Attributes[w.attr], w.attrValue, p.Attributes)
				}
			}
		})
	}
}
