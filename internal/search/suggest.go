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

// SuggestEditsFrom is how many letters the word being typed needs before
// autocomplete forgives it one edit (a letter wrong, missing, extra or two
// letters swapped) against the start of a word: "hoddi" finds "Hoodie".
// Shorter, it must be the exact start of a word.
const SuggestEditsFrom = 4

// SuggestExactBoost is the weight, in a suggest request, of the exact
// prefix of the word being typed over its FuzzyPrefix: products that start
// as typed come first among the candidates.
const SuggestExactBoost = 4.0

// maxFuzzyPrefix caps the length of a word that FuzzyPrefix widens: its
// expression grows with the word, and a word this long is rarely mistyped
// at the start of what it means.
const maxFuzzyPrefix = 20

// FuzzyPrefix returns, for the folded word w being typed, the regular
// expression of the words that start within one edit of w (a letter
// replaced, left out, added or two neighbours swapped, as Levenshtein
// counts them), in the syntax Bleve's and OpenSearch's regexp queries
// share (the whole term, "." any character). It returns "" when w has
// fewer than SuggestEditsFrom or more than maxFuzzyPrefix letters, or any
// rune that is not a letter (numbers and identifiers are never fuzzy).
// Both engines match the last word of a suggest request with it besides
// its exact prefix, and BuildSuggestions keeps what PrefixWithinOneEdit
// accepts: the same words.
func FuzzyPrefix(w string) string {
	r := []rune(w)
	if len(r) < SuggestEditsFrom || len(r) > maxFuzzyPrefix {
		return ""
	}
	for _, c := range r {
		if !unicode.IsLetter(c) {
			return ""
		}
	}
	seen := map[string]bool{}
	var alts []string
	add := func(parts ...string) {
		v := strings.Join(parts, "")
		if !seen[v] {
			seen[v] = true
			alts = append(alts, v)
		}
	}
	for i := range r {
		add(string(r[:i]), ".", string(r[i+1:])) // replaced
		add(string(r[:i]), string(r[i+1:]))      // typed in excess
		add(string(r[:i]), ".", string(r[i:]))   // left out
		if i+1 < len(r) && r[i] != r[i+1] {      // swapped
			add(string(r[:i]), string(r[i+1]), string(r[i]), string(r[i+2:]))
		}
	}
	return "(" + strings.Join(alts, "|") + ").*"
}

// PrefixWithinOneEdit reports whether the word x starts within one edit of
// the typed word w, the words FuzzyPrefix(w) matches (when it is not "").
func PrefixWithinOneEdit(w, x string) bool {
	rw, rx := []rune(w), []rune(x)
	for k := len(rw) - 1; k <= len(rw)+1; k++ {
		if k >= 0 && k <= len(rx) && Levenshtein(w, string(rx[:k])) <= 1 {
			return true
		}
	}
	return false
}

// BuildSuggestions turns the products an engine found for an autocomplete
// text (every word matching a word of the name, brand or category; the last
// one as a prefix while typing, within one edit from SuggestEditsFrom
// letters) into at most n suggestions: the brands and category paths whose
// own words match, exact matches first, then most frequent, then product
// names in the engine's order, exact matches first. Both engines share it,
// so they suggest alike.
func BuildSuggestions(text string, products []catalog.Product, n int) []catalog.Suggestion {
	words, typing := SuggestWords(text)
	if len(words) == 0 || n <= 0 {
		return []catalog.Suggestion{}
	}
	type cand struct {
		text  string
		fuzzy bool
		count int
		rank  int
	}
	brands := map[string]*cand{}
	cats := map[string]*cand{}
	var names []cand
	seenName := map[string]bool{}
	count := func(m map[string]*cand, text string, fuzzy bool, rank int) {
		k := Fold(text)
		if c, ok := m[k]; ok {
			c.count++
			return
		}
		m[k] = &cand{text, fuzzy, 1, rank}
	}
	for rank, p := range products {
		if p.Brand != "" {
			if ok, fuzzy := matchWords(words, typing, p.Brand); ok {
				count(brands, p.Brand, fuzzy, rank)
			}
		}
		for i := range p.Category {
			if ok, fuzzy := matchWords(words, typing, p.Category[i]); ok {
				count(cats, catalog.CategoryString(p.Category[:i+1]), fuzzy, rank)
			}
		}
		if p.Name != "" {
			if ok, fuzzy := matchWords(words, typing, p.Name); ok && !seenName[Fold(p.Name)] {
				seenName[Fold(p.Name)] = true
				names = append(names, cand{p.Name, fuzzy, 1, rank})
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return !names[i].fuzzy && names[j].fuzzy })
	ordered := func(m map[string]*cand) []cand {
		out := make([]cand, 0, len(m))
		for _, c := range m {
			out = append(out, *c)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].fuzzy != out[j].fuzzy {
				return !out[i].fuzzy
			}
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
// possibly as a prefix while typing, and whether that prefix matched only
// within one edit (FuzzyPrefix).
func matchWords(words []string, typing bool, s string) (ok, fuzzy bool) {
	sw := Words(s)
	for i, w := range words {
		prefix := typing && i == len(words)-1
		found, near := false, false
		for _, x := range sw {
			if x == w || (prefix && strings.HasPrefix(x, w)) {
				found = true
				break
			}
			if prefix && !near && FuzzyPrefix(w) != "" && PrefixWithinOneEdit(w, x) {
				near = true
			}
		}
		if !found && !near {
			return false, false
		}
		fuzzy = fuzzy || !found
	}
	return true, fuzzy
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
// an engine offers it (the words of names, brands and categories,
// FieldSpell): the closest within MaxCorrectionEdits, then the one most
// products hold (the one the corrected query returns most of), then the
// first in alphabetical order. Both engines choose
// their "did you mean" words with it.
type Correction struct {
	word, best string
	dist, freq int
}

// NewCorrection starts the correction of the folded word w.
func NewCorrection(w string) *Correction {
	return &Correction{word: w, best: w, dist: MaxCorrectionEdits + 1}
}

// Near reports whether term is as close to the word as the best term
// offered so far, or closer: only then does its frequency matter, so an
// engine that must count a term's products apart counts only these.
func (c *Correction) Near(term string) bool {
	return Levenshtein(c.word, term) <= min(c.dist, MaxCorrectionEdits)
}

// Offer considers term, held by freq products.
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
