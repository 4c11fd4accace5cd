package ingest_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// wooProduct is what one product of WooCommerce's sample export must be.
type wooProduct struct {
	name, price, category string
	variants              []string // variant SKUs, in file order
}

// wooSample is every product of woocommerce_sample_products.csv: 14
// simple, 2 variable (their 7 variations are their variants), 1 grouped
// (no price: on request) and 1 external product.
var wooSample = map[string]wooProduct{
	"woo-vneck-tee":          {"V-Neck T-Shirt", "15", "Clothing>Tshirts", []string{"woo-vneck-tee-red", "woo-vneck-tee-green", "woo-vneck-tee-blue"}},
	"woo-hoodie":             {"Hoodie", "45", "Clothing>Hoodies", []string{"woo-hoodie-red", "woo-hoodie-green", "woo-hoodie-blue", "woo-hoodie-blue-logo"}},
	"woo-hoodie-with-logo":   {"Hoodie with Logo", "45", "Clothing>Hoodies", nil},
	"woo-tshirt":             {"T-Shirt", "18", "Clothing>Tshirts", nil},
	"woo-beanie":             {"Beanie", "20", "Clothing>Accessories", nil},
	"woo-belt":               {"Belt", "65", "Clothing>Accessories", nil},
	"woo-cap":                {"Cap", "18", "Clothing>Accessories", nil},
	"woo-sunglasses":         {"Sunglasses", "90", "Clothing>Accessories", nil},
	"woo-hoodie-with-pocket": {"Hoodie with Pocket", "45", "Clothing>Hoodies", nil},
	"woo-hoodie-with-zipper": {"Hoodie with Zipper", "45", "Clothing>Hoodies", nil},
	"woo-long-sleeve-tee":    {"Long Sleeve Tee", "25", "Clothing>Tshirts", nil},
	"woo-polo":               {"Polo", "20", "Clothing>Tshirts", nil},
	"woo-album":              {"Album", "15", "Music", nil},
	"woo-single":             {"Single", "3", "Music", nil},
	"Woo-tshirt-logo":        {"T-Shirt with Logo", "18", "Clothing>Tshirts", nil},
	"Woo-beanie-logo":        {"Beanie with Logo", "20", "Clothing>Accessories", nil},
	"logo-collection":        {"Logo Collection", "", "Clothing", nil},
	"wp-pennant":             {"WordPress Pennant", "11.05", "Decor", nil},
}

// withParentZero rewrites the export the way WooCommerce's exporter writes
// many stores' files: Parent is 0 on every row that has no parent.
func withParentZero(t *testing.T, file string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(file, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	parent := slices.Index(rows[0], "Parent")
	if parent < 0 {
		t.Fatalf("no Parent column in %v", rows[0])
	}
	for _, row := range rows[1:] {
		if row[parent] == "" {
			row[parent] = "0"
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWooCommerceProducts checks every product of WooCommerce's sample
// export, as published and with Parent = 0 on the rows without a parent:
// names, SKUs, prices, categories and variants.
func TestWooCommerceProducts(t *testing.T) {
	file := realFile(t, "woocommerce_sample_products.csv")
	for _, tc := range []struct {
		name, file string
	}{
		{"as published (Parent empty)", file},
		{"Parent = 0 on products", withParentZero(t, file)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("woo", "wc-product-export.csv", tc.file, "")
			if c.Status != catalog.StatusDone || c.Report.Rows != 25 || c.Report.Rejected != 0 || c.Report.Accepted != 25 {
				t.Fatalf("status %s, report %+v", c.Status, c.Report)
			}
			ps := e.products("woo")
			if len(ps) != len(wooSample) || c.Report.Products != len(wooSample) {
				t.Fatalf("%d products (report %d), want %d: %v", len(ps), c.Report.Products, len(wooSample), keys(ps))
			}
			for key, want := range wooSample {
				p, ok := ps[key]
				if !ok {
					t.Errorf("product %q missing", key)
					continue
				}
				price := ""
				if p.Price != nil {
					price = p.Price.Amount.String()
				}
				var skus []string
				for _, v := range p.Variants {
					skus = append(skus, v.SKU)
				}
				if p.Name != want.name || p.SKU != key || price != want.price ||
					strings.Join(p.Category, ">") != want.category || !slices.Equal(skus, want.variants) {
					t.Errorf("%s: name %q sku %q price %q category %q variants %v; want %+v",
						key, p.Name, p.SKU, price, strings.Join(p.Category, ">"), skus, want)
				}
			}
		})
	}
}
