package search

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// units are the measure units a number is joined to ("500 ml" = "500ml"),
// folded. A unit is only joined when it follows a number.
var units = []string{
	"mm", "cm", "dm", "m", "km", "in", "inch", "ft",
	"ml", "cl", "dl", "l", "oz", "floz", "gal",
	"mg", "g", "kg", "t", "lb", "lbs",
	"w", "kw", "v", "mah", "ah", "hz", "mhz", "ghz",
	"kb", "mb", "gb", "tb", "ko", "mo", "go", "to",
	"pcs", "pc", "pz", "pk", "u",
}

// isNumber reports whether w is digits with at most one decimal separator
// ("12", "0,33", "0.33").
func isNumber(w string) bool {
	if w == "" {
		return false
	}
	sep := false
	for i, r := range w {
		switch {
		case r >= '0' && r <= '9':
		case (r == '.' || r == ',') && !sep && i > 0 && i < len(w)-1:
			sep = true
		default:
			return false
		}
	}
	return true
}

// numberUnit splits a word made of a number and a unit ("0,33l") into the
// two; ok is false for any other word.
func numberUnit(w string) (num, unit string, ok bool) {
	i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != ',' })
	if i <= 0 || !isNumber(w[:i]) || !slices.Contains(units, w[i:]) {
		return "", "", false
	}
	return w[:i], w[i:], true
}

// isDimension reports whether w is numbers joined by "x" ("60x60x2").
func isDimension(w string) bool {
	parts := strings.Split(w, "x")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if !isNumber(p) {
			return false
		}
	}
	return true
}

// normNumber writes a decimal comma as a dot: "0,33" -> "0.33".
func normNumber(n string) string { return strings.ReplaceAll(n, ",", ".") }

// JoinMeasures rewrites folded words so that a quantity is one word
// whichever way it was written: a number and its unit are joined
// ("500 ml" and "500ml" -> "500ml"), a decimal comma becomes a dot
// ("0,33 l" -> "0.33l"), and dimensions are joined ("60 x 60" -> "60x60").
// Index (Measures) and query (NewPlan) apply the same rule, so they meet.
func JoinMeasures(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case isNumber(w) && i+1 < len(words) && slices.Contains(units, words[i+1]):
			out = append(out, normNumber(w)+words[i+1])
			i++
		case isNumber(w) && i+2 < len(words) && (words[i+1] == "x" || words[i+1] == "×") && isNumber(words[i+2]):
			dim := normNumber(w) + "x" + normNumber(words[i+2])
			i += 2
			for i+2 < len(words) && (words[i+1] == "x" || words[i+1] == "×") && isNumber(words[i+2]) {
				dim += "x" + normNumber(words[i+2])
				i += 2
			}
			out = append(out, dim)
		default:
			if n, u, ok := numberUnit(w); ok {
				w = normNumber(n) + u
			} else if isNumber(w) {
				w = normNumber(w)
			}
			out = append(out, w)
		}
	}
	return out
}

// Measures returns the extra words a product text is indexed with so that
// quantities and model numbers meet however they are written: the joined
// forms of JoinMeasures that are not words of the text already, and every
// model number written with dots, dashes or slashes, without them
// ("DMK-003-YL" -> "dmk003yl", "AB1116.XY08" -> "ab1116xy08").
func Measures(text string) []string {
	words := Words(strings.ReplaceAll(text, "×", " x "))
	var out []string
	add := func(w string) {
		if w != "" && !slices.Contains(words, w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	joined := JoinMeasures(words)
	for i, w := range joined {
		add(w)
		if i+1 < len(joined) && isDimension(w) && slices.Contains(units, joined[i+1]) {
			add(w + joined[i+1]) // "60x60 cm" -> "60x60cm"
		}
	}
	// Every number and the unit after it, also inside a dimension
	// ("60 x 60 cm" -> "60cm").
	for i := 0; i+1 < len(words); i++ {
		if isNumber(words[i]) && slices.Contains(units, words[i+1]) {
			add(normNumber(words[i]) + words[i+1])
		}
	}
	for chunk := range strings.FieldsSeq(Fold(text)) {
		chunk = strings.TrimFunc(chunk, func(r rune) bool { return !isWordRune(r) })
		if _, _, measure := numberUnit(chunk); measure {
			continue // "3.5mm" is a quantity, not a model number
		}
		if strings.ContainsAny(chunk, "-./_") && HasDigit(chunk) && strings.IndexFunc(chunk, unicode.IsLetter) >= 0 {
			add(NormalizeIdentifier(chunk))
		}
	}
	return out
}

// Quantile returns the p-quantile (0 <= p <= 1) of the sorted values v,
// which must not be empty: the midpoint rule (Hazen), the value at rank
// p*n - 0.5 interpolated between its neighbours, which is also what a
// t-digest answers while every value is its own centroid, so both engines
// agree on small groups.
func Quantile(v []float64, p float64) float64 {
	h := p*float64(len(v)) - 0.5
	if h <= 0 {
		return v[0]
	}
	if h >= float64(len(v)-1) {
		return v[len(v)-1]
	}
	lo := int(h)
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// SortSharedOffers orders shared offers as both engines list them: most
// products first, then most partners, then by key.
func SortSharedOffers(s []catalog.SharedOffer) {
	sort.Slice(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Products != b.Products {
			return a.Products > b.Products
		}
		if a.Partners != b.Partners {
			return a.Partners > b.Partners
		}
		return a.Key < b.Key
	})
}
