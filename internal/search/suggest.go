package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// SuggestWords reads the text of an autocomplete request: its folded words
// (no synonyms), and whether the last one is still being typed (no
// trailing space), so that it matches as a prefix.
func SuggestWords(text string) (words []string, typing bool) {
	words = Words(text)
	if len(words) > MaxWords {
		words = words[:MaxWords]
	}
	r, _ := utf8.DecodeLastRuneInString(text)
	return words, len(text) > 0 && !unicode.IsSpace(r)
}

// SuggestCandidates is how many top products an engine passes to
// BuildSuggestions for n suggestions.
func SuggestCandidates(n int) int { return max(50, 5*n) }

// BuildSuggestions turns the products an engine found for an autocomplete
// text (every word matching a word of the name, brand or category; the last
// one as a prefix while typing) into at most n suggestions: the brands and
// category paths whose own words match, most frequent first, then product
// names in the engine's order. Both engines share it, so they suggest alike.
func BuildSuggestions(text string, products []catalog.Product, n int) []catalog.Suggestion {
	words, typing := SuggestWords(text)
	if len(words) == 0 || n <= 0 {
		return []catalog.Suggestion{}
	}
	type cand struct {
		text  string
		count int
		rank  int
	}
	brands := map[string]*cand{}
	cats := map[string]*cand{}
	var names []cand
	seenName := map[string]bool{}
	for rank, p := range products {
		if p.Brand != "" && matchWords(words, typing, p.Brand) {
			k := Fold(p.Brand)
			if c, ok := brands[k]; ok {
				c.count++
			} else {
				brands[k] = &cand{p.Brand, 1, rank}
			}
		}
		for i := range p.Category {
			if !matchWords(words, typing, p.Category[i]) {
				continue
			}
			path := catalog.CategoryString(p.Category[:i+1])
			k := Fold(path)
			if c, ok := cats[k]; ok {
				c.count++
			} else {
				cats[k] = &cand{path, 1, rank}
			}
		}
		if p.Name != "" && matchWords(words, typing, p.Name) {
			k := Fold(p.Name)
			if !seenName[k] {
				seenName[k] = true
				names = append(names, cand{p.Name, 1, rank})
			}
		}
	}
	ordered := func(m map[string]*cand) []cand {
		out := make([]cand, 0, len(m))
		for _, c := range m {
			out = append(out, *c)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].count != out[j].count {
				return out[i].count > out[j].count
			}
			if out[i].rank != out[j].rank {
				return out[i].rank < out[j].rank
			}
			return out[i].text < out[j].text
		})
		return out
	}
	bs, cs := ordered(brands), ordered(cats)
	quota := (n + 3) / 4
	out := make([]catalog.Suggestion, 0, n)
	take := func(list []cand, kind string, limit int) []cand {
		for len(list) > 0 && len(out) < n && limit > 0 {
			out = append(out, catalog.Suggestion{Text: list[0].text, Kind: kind})
			list = list[1:]
			limit--
		}
		return list
	}
	bs = take(bs, catalog.SuggestBrand, quota)
	cs = take(cs, catalog.SuggestCategory, quota)
	take(names, catalog.SuggestName, n)
	take(bs, catalog.SuggestBrand, n)
	take(cs, catalog.SuggestCategory, n)
	return out
}

// matchWords reports whether every query word is a word of s, the last one
// possibly as a prefix while typing.
func matchWords(words []string, typing bool, s string) bool {
	sw := Words(s)
	for i, w := range words {
		prefix := typing && i == len(words)-1
		found := false
		for _, x := range sw {
			if x == w || (prefix && strings.HasPrefix(x, w)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Span is a byte range [Start, End) of a text.
type Span struct{ Start, End int }

// Mark wraps the spans of text (sorted or not, possibly overlapping) in
// MarkOpen and MarkClose, keeping only the part [from, to) of text. The
// text is not escaped: that is the consumer's job (see the API contract).
func Mark(text string, spans []Span, from, to int) string {
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var b strings.Builder
	cur := from
	for _, s := range spans {
		if s.Start < cur || s.End > to || s.Start >= s.End {
			continue
		}
		b.WriteString(text[cur:s.Start])
		b.WriteString(MarkOpen)
		b.WriteString(text[s.Start:s.End])
		b.WriteString(MarkClose)
		cur = s.End
	}
	b.WriteString(text[cur:to])
	return b.String()
}

// FragmentSize is the length in bytes of a highlighted fragment of a long
// field (the description).
const FragmentSize = 160

// Fragment returns the window of about FragmentSize bytes of text around
// the first span, cut at spaces, with the spans inside it marked.
func Fragment(text string, spans []Span) string {
	if len(spans) == 0 {
		return ""
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	if len(text) <= FragmentSize {
		return Mark(text, spans, 0, len(text))
	}
	from := max(0, spans[0].Start-FragmentSize/3)
	if from > 0 {
		if i := strings.IndexByte(text[from:spans[0].Start], ' '); i >= 0 {
			from += i + 1
		}
	}
	for from < spans[0].Start && !utf8.RuneStart(text[from]) {
		from++
	}
	to := min(len(text), from+FragmentSize)
	if to < len(text) {
		if i := strings.LastIndexByte(text[spans[0].End:to], ' '); i >= 0 {
			to = spans[0].End + i
		}
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	return Mark(text, spans, from, to)
}

// SuggestibleWord reports whether "did you mean" may replace the folded
// word w: at least 4 letters, no digit (identifiers are never corrected)
// and not a stop word.
func SuggestibleWord(w string) bool {
	return utf8.RuneCountInString(w) >= 4 && !HasDigit(w) && !IsFoldedStopWord(w)
}

// MaxCorrectionEdits is how far (Levenshtein) "did you mean" looks for the
// correction of a word.
const MaxCorrectionEdits = 2

// Correction picks the correction of a word among the index's terms that
// an engine offers it: the closest within MaxCorrectionEdits, then the most
// frequent, then the first in alphabetical order. Both engines choose
// their "did you mean" words with it.
type Correction struct {
	word, best string
	dist, freq int
}

// NewCorrection starts the correction of the folded word w.
func NewCorrection(w string) *Correction {
	return &Correction{word: w, best: w, dist: MaxCorrectionEdits + 1}
}

// Offer considers term, found freq times in the index.
func (c *Correction) Offer(term string, freq int) {
	d := Levenshtein(c.word, term)
	if d < c.dist || (d == c.dist && (freq > c.freq || (freq == c.freq && term < c.best))) {
		c.best, c.dist, c.freq = term, d, freq
	}
}

// Exact reports whether the word itself was offered: nothing beats it.
func (c *Correction) Exact() bool { return c.dist == 0 }

// Best returns the correction, or the word itself when no term offered was
// within MaxCorrectionEdits.
func (c *Correction) Best() string {
	if c.dist > MaxCorrectionEdits {
		return c.word
	}
	return c.best
}

// Corrected returns the text of plan's words with each word "did you mean"
// may replace (SuggestibleWord) replaced by correct(i, word), i its place
// in plan.Words, and whether any word changed.
func Corrected(plan Plan, correct func(i int, w string) string) (string, bool) {
	words := make([]string, len(plan.Words))
	changed := false
	for i, w := range plan.Words {
		words[i] = w.Text
		if SuggestibleWord(w.Text) {
			words[i] = correct(i, w.Text)
			changed = changed || words[i] != w.Text
		}
	}
	return strings.Join(words, " "), changed
}
