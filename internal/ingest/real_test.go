package ingest_test

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/shareddata"
)

// realFile reads a third-party export from ../shared/testdata/real (next
// to the repository), where the team keeps them without copying them in;
// the test is skipped when it is absent (it fails under CI=true).
func realFile(t *testing.T, name string) string {
	t.Helper()
	return string(shareddata.Read(t, "testdata", "real", name))
}

func TestShopifyExport(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("shop", "products_export.csv", realFile(t, "shopify_product_template.csv"), "")
	r := c.Report
	if c.Status != catalog.StatusDone || r.Rejected != 0 || r.Products != 3 {
		t.Fatalf("status %s, report %+v", c.Status, r)
	}
	ps := e.products("shop")
	shirt, ok := ps["example-shirt"]
	if !ok {
		t.Fatalf("no example-shirt among %v", keys(ps))
	}
	if shirt.Name != "Example T-Shirt" || shirt.Brand != "Acme" || len(shirt.Variants) < 6 ||
		strings.Join(shirt.Category, " > ") != "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts" ||
		strings.Contains(shirt.Description, "<p>") || shirt.Price == nil || shirt.Price.Amount.String() != "25" {
		t.Fatalf("shirt = %+v", shirt)
	}
	v := shirt.Variants[1]
	if v.SKU != "SRT_COT_122" || v.Options["Color"] != "Green" || v.Options["Size"] != "M" || v.Price == nil {
		t.Fatalf("variant = %+v", v)
	}
	if len(shirt.Images) < 3 {
		t.Fatalf("images = %v", shirt.Images)
	}
	// The template's barcodes were turned into numbers by a spreadsheet
	// (3.65275E+11): reported, not silently kept.
	found := false
	for _, w := range r.Warnings {
		if w.Code == "bad_gtin" && w.Column == "Variant Barcode" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no bad_gtin warning in %+v", r.Warnings)
	}
	// Variant Inventory Qty: the shirt's stock is not tracked (empty
	// Variant Inventory Tracker), so its 0 says nothing; the pants and
	// the hat have tracked stock.
	if shirt.Availability != "" || ps["example-pants"].Availability != catalog.InStock || ps["example-hat"].Availability != catalog.InStock {
		t.Fatalf("availability: shirt %q, pants %q, hat %q", shirt.Availability, ps["example-pants"].Availability, ps["example-hat"].Availability)
	}
}

func TestWooCommerceExport(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("woo", "wc-product-export.csv", realFile(t, "woocommerce_sample_products.csv"), "")
	r := c.Report
	if c.Status != catalog.StatusDone || r.Rows != 25 || r.Rejected != 0 {
		t.Fatalf("status %s, report %+v", c.Status, r)
	}
	ps := e.products("woo")
	if len(ps) != 18 || r.Products != 18 {
		t.Fatalf("%d products (report %d): %v", len(ps), r.Products, keys(ps))
	}
	tee := ps["woo-vneck-tee"]
	if tee.Name != "V-Neck T-Shirt" || len(tee.Variants) != 3 || strings.Join(tee.Category, ">") != "Clothing>Tshirts" ||
		tee.Price == nil || tee.Price.Amount.String() != "15" || len(tee.Images) != 3 {
		t.Fatalf("tee = %+v", tee)
	}
	var red *catalog.Variant
	for i := range tee.Variants {
		if tee.Variants[i].SKU == "woo-vneck-tee-red" {
			red = &tee.Variants[i]
		}
	}
	if red == nil || red.Options["Color"] != "Red" || red.Price.Amount.String() != "20" {
		t.Fatalf("red variant = %+v", red)
	}
	hoodie := ps["woo-hoodie"]
	if len(hoodie.Variants) != 4 || hoodie.Variants[0].Options["Logo"] == "" {
		t.Fatalf("hoodie = %+v", hoodie)
	}
	if _, ok := ps["woo-vneck-tee-red"]; ok {
		t.Fatal("a variation became a product of its own")
	}
	if beanie := ps["woo-beanie"]; beanie.Price.Amount.String() != "20" || beanie.Attributes["Sale price"] != "18" {
		t.Fatalf("beanie = %+v", beanie)
	}
	// "In stock?" is 1 on every row of the sample.
	for key, p := range ps {
		if p.Availability != catalog.InStock {
			t.Errorf("%s availability %q, want in_stock", key, p.Availability)
		}
	}
}

func TestPrestaShopExport(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("presta", "products_import.csv", realFile(t, "prestashop14_products_import.csv"), "")
	r := c.Report
	if c.Status != catalog.StatusDone || r.Rows != 2 || r.Accepted != 2 || r.Format != "csv" {
		t.Fatalf("status %s, report %+v", c.Status, r)
	}
	ps := e.products("presta")
	nano, ok := ps["92458844"]
	if !ok {
		t.Fatalf("products = %v", keys(ps))
	}
	if nano.Name != "iPod Nano" || nano.Brand != "Apple Computer, Inc" || nano.Price.Amount.String() != "49" ||
		nano.SupplierRef != "54778855" || len(nano.Images) != 2 || nano.Attributes["Feature:Height"] != "10 cm" ||
		strings.Join(nano.Category, "|") != "Home" || nano.Availability != catalog.InStock {
		t.Fatalf("nano = %+v", nano)
	}
}

func keys(m map[string]catalog.Product) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The Magento 2 and Akeneo files below follow those tools' export layouts
// (column names and value forms); no public sample export of them is kept
// with the team's real files.
func TestMagentoExportLayout(t *testing.T) {
	e := newEnv(t)
	file := "sku,store_view_code,attribute_set_code,product_type,categories,product_websites,name,description,short_description,weight,product_online,tax_class_name,visibility,price,special_price,url_key,base_image,additional_images,qty,configurable_variations\n" +
		"24-MB01,,Bag,simple,\"Default Category/Gear,Default Category/Gear/Bags\",base,Joust Duffle Bag,\"<p>The sporty Joust Duffle Bag can't be beat.</p>\",,,1,Taxable Goods,\"Catalog, Search\",34.00,,joust-duffle-bag,https://shop.example/media/m/b/mb01-blue-0.jpg,\"https://shop.example/media/m/b/mb01-1.jpg,https://shop.example/media/m/b/mb01-2.jpg\",100,\n" +
		"24-MB04,,Bag,simple,Default Category/Gear/Bags,base,Strive Shoulder Pack,Convenience is next to nothing,,,1,Taxable Goods,\"Catalog, Search\",32.00,,strive-shoulder-pack,https://shop.example/media/m/b/mb04-black-0.jpg,,100,\n"
	c := e.ingest("magento", "catalog_product.csv", file, "")
	if c.Status != catalog.StatusDone || c.Report.Accepted != 2 {
		t.Fatalf("%s %+v", c.Status, c.Report)
	}
	p := e.products("magento")["24-MB01"]
	if p.Name != "Joust Duffle Bag" || strings.Join(p.Category, " > ") != "Gear > Bags" || len(p.Images) != 3 ||
		p.Price.Amount.String() != "34.00" || p.Description != "The sporty Joust Duffle Bag can't be beat." || p.Attributes["visibility"] != "Catalog, Search" {
		t.Fatalf("24-MB01 = %+v", p)
	}
}

func TestAkeneoExportLayout(t *testing.T) {
	e := newEnv(t)
	file := "sku;categories;enabled;family;groups;parent;name-fr_FR;description-fr_FR-ecommerce;price-EUR;ean;color\n" +
		"1111111171;master_men_blazers;1;clothing;;blazer-model;Veste homme;Veste en laine;129,90;4006381333931;Bleu\n" +
		"1111111172;master_men_blazers;1;clothing;;blazer-model;Veste homme;Veste en laine;139,90;;Gris\n" +
		"1111111304;print_accessories;1;accessories;;;Sac à dos;Sac 20 L;49,00;;\n"
	e.put(ingest.SettingsKey("akeneo"), `{"currency":"USD"}`)
	c := e.ingest("akeneo", "export.csv", file, "")
	if c.Status != catalog.StatusDone || c.Report.Accepted != 3 || c.Report.Products != 2 {
		t.Fatalf("%s %+v", c.Status, c.Report)
	}
	ps := e.products("akeneo")
	model := ps["blazer-model"]
	if model.Name != "Veste homme" || len(model.Variants) != 2 || model.Price.Amount.String() != "129.90" || model.Price.Currency != "EUR" {
		t.Fatalf("model = %+v", model)
	}
	if bag := ps["1111111304"]; bag.Name != "Sac à dos" || bag.Description != "Sac 20 L" || bag.Category[0] != "print_accessories" {
		t.Fatalf("bag = %+v", bag)
	}
}

// A supplier sheet with a model column and plain Couleur/Taille columns:
// the rows of a model are one product, described by its first row, whose
// variants carry the values that differ.
func TestModelColumnWithPlainOptionColumns(t *testing.T) {
	e := newEnv(t)
	file := "Référence;Modèle;Désignation;Description;Marque;Catégorie;Prix unitaire HT;Couleur;Matière;Taille\n" +
		"ML1-ANT-30;ML1;Serviette éponge;Liteau tissé;Atelier Vosgien;Linge de bain > Serviettes;19,89;anthracite;coton;30 x 50 cm\n" +
		"ML1-ANT-50;ML1;Serviette éponge;Liteau tissé;Atelier Vosgien;Linge de bain > Serviettes;22,80;anthracite;coton;50 x 100 cm\n" +
		"ML1-BLC-30;ML1;Serviette éponge;Liteau tissé;Atelier Vosgien;Linge de bain > Serviettes;19,89;blanc;coton;30 x 50 cm\n" +
		"PL2;;Plaid;Doux;Atelier Vosgien;Salon > Plaids;49;ocre;laine;130 x 170 cm\n"
	c := e.ingest("textile", "tarif.csv", file, "")
	if c.Report.Products != 2 || c.Report.Accepted != 4 {
		t.Fatalf("%+v", c.Report)
	}
	ps := e.products("textile")
	m := ps["ML1"]
	if m.Name != "Serviette éponge" || m.Brand != "Atelier Vosgien" || m.Description != "Liteau tissé" ||
		strings.Join(m.Category, ">") != "Linge de bain>Serviettes" || m.Price.Amount.String() != "19.89" || len(m.Variants) != 3 {
		t.Fatalf("ML1 = %+v", m)
	}
	v := m.Variants[1]
	if v.SKU != "ML1-ANT-50" || v.Options["Taille"] != "50 x 100 cm" || v.Options["Couleur"] != "anthracite" || v.Options["Matière"] != "" {
		t.Fatalf("variant = %+v", v)
	}
	if m.Attributes["Matière"] != "coton" || m.Attributes["Couleur"] != "" || m.Attributes["Taille"] != "" {
		t.Fatalf("attributes = %v", m.Attributes)
	}
	if p := ps["PL2"]; p.Attributes["Couleur"] != "ocre" || len(p.Variants) != 0 {
		t.Fatalf("PL2 = %+v", p)
	}
}

// Stock statuses and lead times as supplier sheets write them, in French
// and German, and WooCommerce's backorders.
func TestAvailabilityAndLeadTimeColumns(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		avail      map[string]string
		lead       map[string]int
		warn       string
	}{
		{"french sheet", "Référence;Désignation;Prix HT;Disponibilité;Délai de livraison\n" +
			"R1;Ramette A4;4,20;En stock;2 à 3 jours\nR2;Ramette A3;6,10;Rupture de stock;2 semaines\n" +
			"R3;Papier kraft;9,90;Sur commande;48h\nR4;Calque;3,00;;\nR5;Carton;1,00;peut-être;bientôt\n",
			map[string]string{"R1": catalog.InStock, "R2": catalog.OutOfStock, "R3": catalog.Backorder, "R4": "", "R5": ""},
			map[string]int{"R1": 3, "R2": 14, "R3": 2, "R4": 0, "R5": 0}, "bad_availability"},
		{"german sheet", "Artikelnummer;Bezeichnung;Preis;Lagerbestand;Lieferzeit\nA1;Schraube;0,10;1200;3-5 Tage\nA2;Mutter;0,05;0;2 Wochen\n",
			map[string]string{"A1": catalog.InStock, "A2": catalog.OutOfStock}, map[string]int{"A1": 5, "A2": 14}, ""},
		{"woocommerce backorders", "SKU,Name,Regular price,In stock?,Stock,Backorders allowed?\nW1,Mug,5,0,0,notify\nW2,Cup,4,0,,0\nW3,Bowl,6,backorder,,1\n",
			map[string]string{"W1": catalog.Backorder, "W2": catalog.OutOfStock, "W3": catalog.Backorder}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("stock", "sheet.csv", tc.file, "")
			if c.Status != catalog.StatusDone || c.Report.Accepted != len(tc.avail) {
				t.Fatalf("%s %+v", c.Status, c.Report)
			}
			ps := e.products("stock")
			for key, want := range tc.avail {
				if got := ps[key].Availability; got != want {
					t.Errorf("%s availability %q, want %q", key, got, want)
				}
			}
			for key, want := range tc.lead {
				if got := ps[key].LeadTimeDays; got != want {
					t.Errorf("%s lead time %d, want %d", key, got, want)
				}
			}
			found := tc.warn == ""
			for _, w := range c.Report.Warnings {
				found = found || w.Code == tc.warn
			}
			if !found {
				t.Errorf("no %s warning in %+v", tc.warn, c.Report.Warnings)
			}
		})
	}
}
