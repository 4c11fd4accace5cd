package search_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

func TestWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"T-shirt l'Été 12,5 cm", []string{"t", "shirt", "ete", "12,5", "cm"}},
		{"aujourd'hui", []string{"aujourd'hui"}},
		{"L’événement", []string{"evenement"}},
		{"Œuf  STRAßE", []string{"oeuf", "strasse"}},
		{"name:chaise", []string{"name:chaise"}},
		{"BC-1010 3.5mm", []string{"bc", "1010", "3.5mm"}},
		{`"chaise" AND (bois)`, []string{"chaise", "and", "bois"}},
		{")( * -", nil},
		{"qu'il", []string{"il"}},
	}
	for _, c := range cases {
		if got := search.Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFuzziness(t *testing.T) {
	cases := map[string]int{"lamp": 0, "lampe": 1, "ordinate": 1, "ordinateur": 2, "bc1010": 0, "evenement": 2, "été": 0}
	for w, want := range cases {
		if got := search.Fuzziness(w); got != want {
			t.Errorf("Fuzziness(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestNormalizeIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"BC-10.10": "bc1010", "bc 1010": "bc1010", "PX 18.V-02": "px18v02", "4 006381 333931": "4006381333931",
		"ab_c/d": "abcd", "Réf–12": "ref12",
	} {
		if got := search.NormalizeIdentifier(in); got != want {
			t.Errorf("NormalizeIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{{"chaise", "chaise", 0}, {"chaise", "chiase", 1}, {"chaise", "chauze", 2}, {"", "abc", 3}, {"été", "ete", 2}}
	for _, c := range cases {
		if got := search.Levenshtein(c.a, c.b); got != c.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestSynonyms(t *testing.T) {
	syn, err := search.ParseSynonyms(strings.NewReader("# c\nt shirt, t-shirt, tshirt\nsofa, couch => canapé\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := syn.Rewrite(search.Words("un T-Shirt et un tee")), []string{"un", "tshirt", "et", "un", "tee"}; !slices.Equal(got, want) {
		t.Errorf("Rewrite = %q, want %q", got, want)
	}
	if got, want := syn.Rewrite([]string{"couch"}), []string{"canape"}; !slices.Equal(got, want) {
		t.Errorf("Rewrite(couch) = %q, want %q", got, want)
	}
	if got, want := syn.SolrRules(), []string{"t shirt => tshirt", "sofa => canape", "couch => canape"}; !slices.Equal(got, want) {
		t.Errorf("SolrRules = %q, want %q", got, want)
	}
	for _, bad := range []string{"a, b => c d", " , => x", "=>"} {
		if _, err := search.ParseSynonyms(strings.NewReader(bad)); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("ParseSynonyms(%q) error %v, want invalid", bad, err)
		}
	}
	if search.MustDefaultSynonyms().MaxLen() < 2 {
		t.Error("default synonyms lack multi-word rules")
	}
}

func TestPlan(t *testing.T) {
	p := search.NewPlan("Chaise pli", search.MustDefaultSynonyms())
	if len(p.Words) != 2 || p.Words[0] != (search.Word{Text: "chaise", Fuzz: 1}) || p.Words[1] != (search.Word{Text: "pli", Prefix: true}) {
		t.Errorf("plan words %+v", p.Words)
	}
	if p := search.NewPlan("chaise ", nil); p.Words[0].Prefix {
		t.Error("a trailing space still types the last word")
	}
	if p := search.NewPlan("BC-1010", nil); p.Identifier != "bc1010" || !p.IdentifierPrefix {
		t.Errorf("identifier plan %+v", p)
	}
	if p := search.NewPlan("*", nil); !p.Empty() {
		t.Errorf("punctuation plan %+v not empty", p)
	}
}

func TestMarkAndFragment(t *testing.T) {
	text := "Sel & poivre <b>moulin</b>"
	i := strings.Index(text, "moulin")
	if got, want := search.Mark(text, []search.Span{{Start: i, End: i + 6}, {Start: 0, End: 3}}, 0, len(text)),
		"<mark>Sel</mark> & poivre <b><mark>moulin</mark></b>"; got != want {
		t.Errorf("Mark = %q, want %q", got, want)
	}
	long := strings.Repeat("mot ", 100) + "cible " + strings.Repeat("fin ", 100)
	j := strings.Index(long, "cible")
	frag := search.Fragment(long, []search.Span{{Start: j, End: j + 5}})
	if !strings.Contains(frag, "<mark>cible</mark>") || len(frag) > search.FragmentSize+20 || strings.HasPrefix(frag, " ") {
		t.Errorf("Fragment = %q", frag)
	}
}

func TestBuildSuggestions(t *testing.T) {
	ps := []catalog.Product{
		{Name: "Chaise pliante", Brand: "Chaises & Co", Category: []string{"Maison", "Chaises"}},
		{Name: "Chaise bureau", Brand: "Chaises & Co", Category: []string{"Bureau"}},
		{Name: "Table", Brand: "Acme", Category: []string{"Maison"}},
	}
	got := search.BuildSuggestions("chai", ps, 4)
	want := []catalog.Suggestion{
		{Text: "Chaises & Co", Kind: catalog.SuggestBrand},
		{Text: "Maison > Chaises", Kind: catalog.SuggestCategory},
		{Text: "Chaise pliante", Kind: catalog.SuggestName},
		{Text: "Chaise bureau", Kind: catalog.SuggestName},
	}
	if !slices.Equal(got, want) {
		t.Errorf("BuildSuggestions = %v, want %v", got, want)
	}
	if got := search.BuildSuggestions("chai ", ps, 4); len(got) != 0 {
		t.Errorf("a finished word that no text has: %v", got)
	}
}

func TestMeasures(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Eau minérale 500 ml", []string{"500ml"}},
		{"Soda 0,33l", []string{"0.33l"}},
		{"Soda 0,33 L", []string{"0.33l"}},
		{"Carrelage 60 x 60 cm", []string{"60x60", "60x60cm", "60cm"}},
		{"Carrelage 60x60 cm", []string{"60x60cm"}},
		{"Carrelage 60×60", []string{"60x60"}},
		{"Robinet DMK-003-YL chromé", []string{"dmk003yl"}},
		{"Pièce AB1116.XY08", []string{"ab1116xy08"}},
		{"Foret 3.5mm", nil},
		{"T-shirt 12,5 cm", []string{"12.5cm"}},
		{"Chaise pliante", nil},
	}
	for _, c := range cases {
		if got := search.Measures(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Measures(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPlanWords(t *testing.T) {
	cases := []struct {
		in    string
		words []string
		stop  []bool
	}{
		{"500 ml ", []string{"500ml"}, []bool{false}},
		{"0,33 l ", []string{"0.33l"}, []bool{false}},
		{"60 x 60 ", []string{"60x60"}, []bool{false}},
		{"thé ", []string{"the"}, []bool{false}},
		{"thé the ", []string{"the", "the"}, []bool{false, false}},
		{"chaise de bureau ", []string{"chaise", "de", "bureau"}, []bool{false, true, false}},
		{"the tea ", []string{"the", "tea"}, []bool{true, false}},
		{"de la ", []string{"de", "la"}, []bool{false, false}},
		{"écran 24 in ", []string{"ecran", "24in"}, []bool{false, false}},
	}
	for _, c := range cases {
		p := search.NewPlan(c.in, nil)
		var words []string
		var stop []bool
		for _, w := range p.Words {
			words = append(words, w.Text)
			stop = append(stop, w.Stop)
		}
		if !slices.Equal(words, c.words) || !slices.Equal(stop, c.stop) {
			t.Errorf("NewPlan(%q) words %q stop %v, want %q %v", c.in, words, stop, c.words, c.stop)
		}
	}
}
