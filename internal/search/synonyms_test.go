package search_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestSynonymsFromSolrRoundTrip: the rules an OpenSearch index keeps
// (SolrRules) read back into the same rules, for the built-in file and for
// files mixing both forms, accents, elisions and multi-word entries.
func TestSynonymsFromSolrRoundTrip(t *testing.T) {
	files := map[string]string{
		"default":  search.DefaultSynonyms,
		"explicit": "sofa, couch, settee => canapé\nl'ordinateur portable, laptop => notebook\n",
		"mixed":    "# comment\nt shirt, t-shirt, tshirt\nbarre de son, soundbar\nporte-clé, porte cle => porteclef\n",
		"empty":    "# nothing but a comment\n\n",
	}
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			want, err := search.ParseSynonyms(strings.NewReader(text))
			if err != nil {
				t.Fatal(err)
			}
			got, err := search.SynonymsFromSolr(want.SolrRules())
			if err != nil {
				t.Fatalf("SynonymsFromSolr(%q): %v", want.SolrRules(), err)
			}
			if !reflect.DeepEqual(got.Rules(), want.Rules()) || got.MaxLen() != want.MaxLen() {
				t.Fatalf("rules %v (max %d), want %v (max %d)", got.Rules(), got.MaxLen(), want.Rules(), want.MaxLen())
			}
			words := []string{"t", "shirt", "barre", "de", "son", "porte", "cle", "laptop"}
			if g, w := got.Rewrite(words), want.Rewrite(words); !reflect.DeepEqual(g, w) {
				t.Errorf("Rewrite = %v, want %v", g, w)
			}
		})
	}
}

func TestSynonymsFromSolrRefusesOtherForms(t *testing.T) {
	tests := []struct {
		name  string
		rules []string
	}{
		{"equivalence form", []string{"a b => ab", "sofa, couch"}},
		{"two words on the right", []string{"a b => a b"}},
		{"empty left side", []string{" => ab"}},
		{"line break inside", []string{"a b => ab\nc d => cd"}},
		{"comment", []string{"a b => ab # c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := search.SynonymsFromSolr(tt.rules)
			if catalog.CodeOf(err) != catalog.CodeInvalid {
				t.Fatalf("error %v, want invalid", err)
			}
		})
	}
	if _, err := search.SynonymsFromSolr([]string{"a b => ab", "x"}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v does not name line 2", err)
	}
}
