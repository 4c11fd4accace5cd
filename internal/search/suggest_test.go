package search_test

import (
	"regexp"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestFuzzyPrefixMatchesWhatBuildSuggestionsKeeps: the expression the
// engines search with and the check BuildSuggestions applies accept the
// same words, and both allow exactly one edit from the fourth letter.
func TestFuzzyPrefixMatchesWhatBuildSuggestionsKeeps(t *testing.T) {
	words := []string{"hoodie", "hoodies", "hood", "hook", "hoop", "body", "shirt", "short", "ohodie",
		"hodie", "hoddie", "hodidie", "hudie", "chaise", "cafetiere", "h", "ho", "hoo", "hoodei", "zip"}
	cases := []struct {
		typed string
		want  map[string]bool // words that start within one edit
	}{
		{"hoddi", map[string]bool{"hoodie": true, "hoodies": true, "hoddie": true, "hodidie": true, "hodie": true}},
		{"hodie", map[string]bool{"hoodie": true, "hoodies": true, "hodie": true, "hoddie": true, "hodidie": true, "ohodie": true, "hudie": true, "hoodei": false}},
		{"hood", map[string]bool{"hoodie": true, "hoodies": true, "hood": true, "hook": true, "hoop": true, "hoo": true, "hodie": true, "hoddie": true, "hodidie": true, "hoodei": true, "ohodie": true}},
	}
	for _, c := range cases {
		re := regexp.MustCompile("^" + search.FuzzyPrefix(c.typed) + "$")
		for _, w := range words {
			got, check := re.MatchString(w), search.PrefixWithinOneEdit(c.typed, w)
			if got != check {
				t.Errorf("%q vs %q: expression %v, check %v", c.typed, w, got, check)
			}
			if got != c.want[w] {
				t.Errorf("%q vs %q: matches %v, want %v", c.typed, w, got, c.want[w])
			}
		}
	}
	for _, w := range []string{"hod", "ab12", "500ml", "t-sh", "aaaaaaaaaaaaaaaaaaaaa"} {
		if re := search.FuzzyPrefix(w); re != "" {
			t.Errorf("FuzzyPrefix(%q) = %q, want none (short, digits, not letters or too long)", w, re)
		}
	}
}
