package ingest_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// realProduct is what a real export must give for one product: its key,
// name, SKU, price (amount and currency; "" for none), category path and
// its variants' SKUs in file order.
type realProduct struct {
	key, name, sku, price, category string
	variants                        []string
}

// TestRealExportsProductByProduct reads each real export in
// ../shared/testdata/real and checks every product it gives, not only the
// counts: names, SKUs, prices, categories (hierarchies split on '>' only:
// none of these files writes a tree with '/'), variants grouped under
// their product. The expected values were read from the files themselves.
func TestRealExportsProductByProduct(t *testing.T) {
	tests := []struct {
		file string
		want []realProduct
	}{
		{"woocommerce_sample_products.csv", []realProduct{
			{"Woo-beanie-logo", "Beanie with Logo", "Woo-beanie-logo", "20 EUR", "Clothing > Accessories", nil},
			{"Woo-tshirt-logo", "T-Shirt with Logo", "Woo-tshirt-logo", "18 EUR", "Clothing > Tshirts", nil},
			{"logo-collection", "Logo Collection", "logo-collection", "", "Clothing", nil}, // grouped: no price of its own
			{"woo-album", "Album", "woo-album", "15 EUR", "Music", nil},
			{"woo-beanie", "Beanie", "woo-beanie", "20 EUR", "Clothing > Accessories", nil},
			{"woo-belt", "Belt", "woo-belt", "65 EUR", "Clothing > Accessories", nil},
			{"woo-cap", "Cap", "woo-cap", "18 EUR", "Clothing > Accessories", nil},
			{"woo-hoodie", "Hoodie", "woo-hoodie", "45 EUR", "Clothing > Hoodies",
				[]string{"woo-hoodie-red", "woo-hoodie-green", "woo-hoodie-blue", "woo-hoodie-blue-logo"}},
			{"woo-hoodie-with-logo", "Hoodie with Logo", "woo-hoodie-with-logo", "45 EUR", "Clothing > Hoodies", nil},
			{"woo-hoodie-with-pocket", "Hoodie with Pocket", "woo-hoodie-with-pocket", "45 EUR", "Clothing > Hoodies", nil},
			{"woo-hoodie-with-zipper", "Hoodie with Zipper", "woo-hoodie-with-zipper", "45 EUR", "Clothing > Hoodies", nil},
			{"woo-long-sleeve-tee", "Long Sleeve Tee", "woo-long-sleeve-tee", "25 EUR", "Clothing > Tshirts", nil},
			{"woo-polo", "Polo", "woo-polo", "20 EUR", "Clothing > Tshirts", nil},
			{"woo-single", "Single", "woo-single", "3 EUR", "Music", nil},
			{"woo-sunglasses", "Sunglasses", "woo-sunglasses", "90 EUR", "Clothing > Accessories", nil},
			{"woo-tshirt", "T-Shirt", "woo-tshirt", "18 EUR", "Clothing > Tshirts", nil},
			{"woo-vneck-tee", "V-Neck T-Shirt", "woo-vneck-tee", "15 EUR", "Clothing > Tshirts",
				[]string{"woo-vneck-tee-red", "woo-vneck-tee-green", "woo-vneck-tee-blue"}},
			{"wp-pennant", "WordPress Pennant", "wp-pennant", "11.05 EUR", "Decor", nil},
		}},
		{"shopify_product_template.csv", []realProduct{
			{"example-hat", "Example Beanie", "HAT_GRY_275", "17.99 EUR", "Apparel & Accessories > Clothing Accessories > Hats > Beanies", nil},
			{"example-pants", "Example Jeans", "", "95 EUR", "Apparel & Accessories > Clothing > Pants > Jeans",
				[]string{"PNT_DEN_285", "PNT_DEN_305", "PNT_DEN_405"}},
			{"example-shirt", "Example T-Shirt", "", "25 EUR", "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
				[]string{"SRT_COT_111", "SRT_COT_122", "SRT_COT_133", "SRT_COT_211", "SRT_COT_222", "SRT_COT_233",
					"SRT_COT_311", "SRT_COT_322", "SRT_COT_333", "SRT_COT_411", "SRT_COT_422", "SRT_COT_433"}},
		}},
		{"prestashop14_products_import.csv", []realProduct{
			// "Home, iPods" is a list of categories: the first is the path.
			{"92458844", "iPod Nano", "92458844", "49 EUR", "Home", nil},
			{"92458845", "iPod shuffle", "92458845", "66.05 EUR", "Home", nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t)
			e.ingest("real", tt.file, realFile(t, tt.file), "")
			ps := e.products("real")
			var got []realProduct
			for _, p := range ps {
				got = append(got, realOf(p))
			}
			sort.Slice(got, func(i, j int) bool { return got[i].key < got[j].key })
			if len(got) != len(tt.want) {
				t.Errorf("%d products, want %d: %v", len(got), len(tt.want), keys(ps))
			}
			for _, w := range tt.want {
				i := slices.IndexFunc(got, func(g realProduct) bool { return g.key == w.key })
				if i < 0 {
					t.Errorf("no product %q", w.key)
					continue
				}
				if g := got[i]; g.name != w.name || g.sku != w.sku || g.price != w.price || g.category != w.category || !slices.Equal(g.variants, w.variants) {
					t.Errorf("product %q:\n got %+v\nwant %+v", w.key, g, w)
				}
			}
		})
	}
}

func realOf(p catalog.Product) realProduct {
	r := realProduct{key: p.Key, name: p.Name, sku: p.SKU, category: strings.Join(p.Category, " > ")}
	if p.Price != nil {
		r.price = p.Price.String()
	}
	for _, v := range p.Variants {
		r.variants = append(r.variants, v.SKU)
	}
	return r
}
