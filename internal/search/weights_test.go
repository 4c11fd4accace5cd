package search_test

import (
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

func TestIsMetadata(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		// Shopify.
		{"Tags", true}, {"SEO Title", true}, {"SEO Description", true}, {"Image Alt Text", true},
		{"Variant Inventory Policy", true}, {"Variant Fulfillment Service", true}, {"Google Shopping / Gender", true},
		{"Gift Card", true}, {"Published", true}, {"Status", true}, {"Cost per item", true},
		// WooCommerce, English and French.
		{"Meta: _wpcom_is_markdown", true}, {"Étiquettes", true}, {"Visibility in catalog", true},
		{"In stock?", true}, {"Tax status", true}, {"Shipping class", true},
		// PrestaShop.
		{"Tags (x,y,z,...)", true}, {"Meta-title", true}, {"Meta-keywords", true}, {"URL rewritten", true},
		// Magento.
		{"meta_description", true}, {"url_key", true}, {"thumbnail_image", true}, {"configurable_variations", true},
		{"is_in_stock", true}, {"tax_class_name", true},
		// Product text.
		{"Color", false}, {"Size", false}, {"Couleur", false}, {"Matière", false}, {"Feature:Height", false},
		{"Type", false}, {"Supplier", false}, {"Weight (lbs)", false}, {"Other categories", false}, {"Usage", false},
	}
	for _, tt := range tests {
		if got := search.IsMetadata(tt.name); got != tt.want {
			t.Errorf("IsMetadata(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDocLeavesMetadataUnsearched: platform metadata stays a filter and a
// facet but is in no searched field; other categories are labels.
func TestDocLeavesMetadataUnsearched(t *testing.T) {
	p := catalog.Product{
		ID: "g:1", Partner: "g", Key: "1", Name: "Monstera 12 cm", Brand: "Verdure", Category: []string{"Plantes"},
		Description: "Plante verte.",
		Attributes: map[string]string{
			"Tags": "pot", "SEO Title": "Monstera en pot", "Couleur": "Vert",
			catalog.AttrOtherCategories: "Intérieur",
		},
		Variants: []catalog.Variant{{Options: map[string]string{"Taille": "Grande"}}},
	}
	d := search.NewDoc(p)
	if want := []string{"Monstera 12 cm", "12cm"}; !slices.Equal(d.Name, want) {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}
	if want := []string{"Verdure", "Plantes", "Intérieur"}; !slices.Equal(d.Labels, want) {
		t.Errorf("Labels = %q, want %q", d.Labels, want)
	}
	if want := []string{"Vert", "Grande"}; !slices.Equal(d.AttrText, want) {
		t.Errorf("AttrText = %q, want %q", d.AttrText, want)
	}
	for _, texts := range [][]string{d.Name, d.Labels, d.Description, d.AttrText, d.Fold} {
		for _, s := range texts {
			if s == "pot" || s == "Monstera en pot" {
				t.Errorf("metadata %q is searched", s)
			}
		}
	}
	if got := d.Attrs["Tags"]; !slices.Equal(got, []string{"pot"}) {
		t.Errorf("Attrs[Tags] = %q, want it kept for filters and facets", got)
	}
}
