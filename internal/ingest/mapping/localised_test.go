package mapping

import "testing"

// French WooCommerce export headers and German and Spanish price-list
// headers map with no partner mapping.
func TestLookupLocalisedHeaders(t *testing.T) {
	tests := []struct {
		header string
		want   Field
	}{
		{"UGS", FieldSKU}, {"Nom", FieldName}, {"Tarif régulier", FieldPrice}, {"Tarif promo", FieldPrice},
		{"Catégories", FieldCategory}, {"Description courte", FieldShortDescription}, {"Description", FieldDescription},
		{"Images", FieldImage}, {"Parent", FieldParent}, {"Marques", FieldBrand}, {"GTIN, UPC, EAN ou ISBN", FieldGTIN},
		{"Artikelnummer", FieldSKU}, {"Artikelnr.", FieldSKU}, {"Art.-Nr.", FieldSKU}, {"Bezeichnung", FieldName},
		{"Artikelbezeichnung", FieldName}, {"Artikeltext", FieldDescription}, {"VK-Preis", FieldPrice},
		{"Verkaufspreis", FieldPrice}, {"EAN", FieldGTIN}, {"Hersteller", FieldBrand}, {"Marke", FieldBrand},
		{"Warengruppe", FieldCategory}, {"Kategorie", FieldCategory}, {"Einheit", FieldUnit},
		{"Mindestbestellmenge", FieldMOQ}, {"Währung", FieldCurrency},
		{"Código", FieldSKU}, {"Referencia", FieldSKU}, {"Artículo", FieldName}, {"Descripción", FieldDescription},
		{"Precio", FieldPrice}, {"PVP", FieldPrice}, {"P.V.P.", FieldPrice}, {"Laboratorio", FieldBrand},
		{"Marca", FieldBrand}, {"Categoría", FieldCategory}, {"Familia", FieldCategory}, {"Código de barras", FieldGTIN},
	}
	for _, tt := range tests {
		if f, _, _, ok := Lookup(tt.header); !ok || f != tt.want {
			t.Errorf("Lookup(%q) = %s, %v; want %s", tt.header, f, ok, tt.want)
		}
	}
	// Tags are never the name or the category.
	for _, h := range []string{"Étiquettes", "Tags", "Poids (kg)", "Publié"} {
		if f, _, _, ok := Lookup(h); ok {
			t.Errorf("Lookup(%q) = %s; want unknown (an attribute)", h, f)
		}
	}
}

// When two localised headers claim a field, the better one wins, and a
// Spanish "Descripción" or German "Beschreibung" names the product only
// when nothing else does.
func TestBuildLocalisedClaims(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   map[Field]string
	}{
		{"woocommerce fr", []string{"ID", "Type", "UGS", "Nom", "Description courte", "Description", "Tarif promo", "Tarif régulier", "Catégories", "Étiquettes", "Marques"},
			map[Field]string{FieldSKU: "UGS", FieldName: "Nom", FieldDescription: "Description", FieldPrice: "Tarif régulier", FieldCategory: "Catégories", FieldBrand: "Marques"}},
		{"german", []string{"Artikelnummer", "Bezeichnung", "Artikeltext", "VK-Preis", "UVP", "Hersteller", "Marke"},
			map[Field]string{FieldSKU: "Artikelnummer", FieldName: "Bezeichnung", FieldDescription: "Artikeltext", FieldPrice: "VK-Preis", FieldBrand: "Marke"}},
		{"german, Beschreibung as name", []string{"Artikelnr.", "Beschreibung", "Preis"},
			map[Field]string{FieldSKU: "Artikelnr.", FieldName: "Beschreibung", FieldPrice: "Preis"}},
		{"spanish with Artículo", []string{"Código", "Artículo", "Descripción", "Precio", "PVP", "Laboratorio", "Marca"},
			map[Field]string{FieldSKU: "Código", FieldName: "Artículo", FieldDescription: "Descripción", FieldPrice: "Precio", FieldBrand: "Marca"}},
		{"spanish pharmacy, Descripción as name", []string{"CN", "Descripción", "PVP", "Laboratorio"},
			map[Field]string{FieldSKU: "CN", FieldName: "Descripción", FieldPrice: "PVP", FieldBrand: "Laboratorio"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Build(tt.header, nil)
			for f, h := range tt.want {
				if i := m.Col(f); i < 0 || m.Columns[i].Header != h {
					t.Errorf("%s: column %d, want %q (%+v)", f, i, h, m.Columns)
				}
			}
			if tt.want[FieldDescription] == "" && m.Has(FieldDescription) {
				t.Errorf("description column %d, want none", m.Col(FieldDescription))
			}
		})
	}
}

func TestHeaderTaxLocalised(t *testing.T) {
	tests := map[string]string{
		"VK netto": "excl", "Preis brutto": "incl", "Preis zzgl. MwSt.": "excl", "Preis inkl. MwSt.": "incl",
		"Precio sin IVA": "excl", "PVP con IVA": "incl", "PVP (IVA incluido)": "incl", "Precio": "",
	}
	for h, want := range tests {
		if got := HeaderTax(h); got != want {
			t.Errorf("HeaderTax(%q) = %q, want %q", h, got, want)
		}
	}
}
