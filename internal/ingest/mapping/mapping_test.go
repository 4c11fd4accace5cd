package mapping

import "testing"

func TestLookup(t *testing.T) {
	tests := map[string]Field{
		"Référence": FieldSKU, "Désignation": FieldName, "Prix unitaire HT": FieldPrice, "Marque": FieldBrand,
		"Famille": FieldCategory, "Code EAN": FieldGTIN, "MOQ": FieldMOQ, "Name*": FieldName, "Reference #": FieldSKU,
		"EAN13": FieldGTIN, "Image URLs (x,y,z,...)": FieldImage, "Body (HTML)": FieldDescription, "Vendor": FieldBrand,
		"Variant SKU": FieldSKU, "Variant Price": FieldPrice, "Handle": FieldHandle, "Parent": FieldParent,
		"Regular price": FieldPrice, "name-fr_FR": FieldName, "description-en_US-ecommerce": FieldDescription,
		"base_image": FieldImage, "Quantité minimale de commande": FieldMOQ, "Pays d'origine": FieldOrigin,
		"  PRIX   HT ": FieldPrice, "Délai de livraison (jours)": FieldLeadTime, "ingest_error": FieldIgnore,
	}
	for h, want := range tests {
		if f, _, _, ok := Lookup(h); !ok || f != want {
			t.Errorf("Lookup(%q) = %s, %v; want %s", h, f, ok, want)
		}
	}
	for _, h := range []string{"Option2 Value", "Attribute 3 value(s)"} {
		if f, n, _, ok := Lookup(h); !ok || f != FieldOptionValue || n < 2 {
			t.Errorf("Lookup(%q) = %s %d", h, f, n)
		}
	}
	for _, h := range []string{"Couleur du ciel", "", "Published", "Option Value"} {
		if f, _, _, ok := Lookup(h); ok {
			t.Errorf("Lookup(%q) = %s; want unknown", h, f)
		}
	}
}

func TestBuildRanksAndAttributes(t *testing.T) {
	m := Build([]string{"Supplier", "Manufacturer", "Price tax excl.", "Wholesale price", "Published", "Option1 Name", "Option1 Value", "", "Image Src", "Variant Image"}, nil)
	if m.Col(FieldBrand) != 1 || m.Col(FieldPrice) != 2 || m.Columns[0].Field != FieldAttribute ||
		m.Columns[3].Field != FieldAttribute || m.Columns[4].Field != FieldAttribute || m.Columns[7].Field != FieldIgnore {
		t.Fatalf("mapping = %+v", m)
	}
	if len(m.Options) != 1 || m.Options[0].Name != 5 || m.Options[0].Value != 6 {
		t.Fatalf("options = %+v", m.Options)
	}
	o := Build([]string{"Code interne", "Libellé article", "sku"}, map[string]Field{"code interne": FieldSKU, "Libellé article": FieldName, "SKU": FieldIgnore})
	if o.Col(FieldSKU) != 0 || o.Col(FieldName) != 1 || o.Columns[2].Field != FieldIgnore {
		t.Fatalf("overrides = %+v", o)
	}
}

func TestFindHeader(t *testing.T) {
	rows := [][]string{
		{"ACME Fournitures SARL"},
		{"Catalogue 2026", "", "Tarifs HT"},
		{""},
		{"Référence", "Désignation", "Prix unitaire HT", "Marque"},
		{"A-1", "Chaise", "12,50", "Acme"},
	}
	if h := FindHeader(rows, nil); h != 3 {
		t.Fatalf("FindHeader = %d", h)
	}
	if h := FindHeader([][]string{{"1", "2"}, {"a", "b"}}, nil); h != -1 {
		t.Fatalf("FindHeader(no header) = %d", h)
	}
	// A data row that happens to hold words is not a header.
	if h := FindHeader([][]string{{"sku", "name"}, {"name", "price"}}, nil); h != 0 {
		t.Fatalf("FindHeader = %d", h)
	}
}

func FuzzHeader(f *testing.F) {
	for _, s := range []string{"Référence", "name-fr_FR", "Option1 Value", "Attribute 99 name", "Prix unitaire HT", "--", "a-bc_DE-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		n := Normalize(h)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q: %q -> %q", h, n, Normalize(n))
		}
		Lookup(h)
		m := Build([]string{h, "sku", h}, map[string]Field{h: FieldName})
		if len(m.Columns) != 3 {
			t.Fatal("columns lost")
		}
		FindHeader([][]string{{h, h}, {"sku", h}}, nil)
	})
}
