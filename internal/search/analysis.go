package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Highlight markers: fragments are raw product text with every match
// wrapped in these literal strings (see the HTTP API contract).
const (
	MarkOpen  = "<mark>"
	MarkClose = "</mark>"
)

// stopWords are the words a query does not need to match, per language,
// written as buyers type them (lowercase, with their accents): a word is
// recognised before accent folding, so the French "thé" (tea) is a word
// even though it folds to the English "the". The lists are short on
// purpose: words like "sans" or "without" change what a buyer means. The
// engines index every word; the query plan (NewPlan) leaves stop words out
// of what must match, unless the query has nothing else.
var stopWords = map[string][]string{
	"fr": {"à", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et",
		"la", "le", "les", "leur", "ou", "par", "pour", "sur", "un", "une"},
	"en": {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it",
		"of", "on", "or", "the", "to", "with"},
}

// elisionArticles are the French articles removed with their apostrophe at
// the start of a word: l'été -> été, qu'il -> il.
var elisionArticles = []string{
	"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "quoiqu", "lorsqu", "puisqu",
}

// StopWords returns the stop words of every language, as typed (lowercase,
// with accents), sorted.
func StopWords() []string {
	var out []string
	for _, ws := range stopWords {
		out = append(out, ws...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ElisionArticles returns the elided French articles (lowercase).
func ElisionArticles() []string { return append([]string(nil), elisionArticles...) }

// IsStopWord reports whether w, a lowercase word as typed (accents kept), is
// a stop word of one of the languages.
func IsStopWord(w string) bool {
	for _, ws := range stopWords {
		if slices.Contains(ws, w) {
			return true
		}
	}
	return false
}

// IsFoldedStopWord reports whether the folded word w is the folded form of
// a stop word (for vocabularies that only hold folded words).
func IsFoldedStopWord(w string) bool {
	for _, ws := range stopWords {
		for _, s := range ws {
			if Fold(s) == w {
				return true
			}
		}
	}
	return false
}

// Fold lowercases s and removes accents and other combining marks, and
// spells out the ligatures that NFD keeps (œ, æ, ß): "Événement" -> "evenement".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	if asciiOnly(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r == '’' || r == 'ʼ' || r == '‘':
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Elide removes a leading French article and its apostrophe from a folded
// word: "l'evenement" -> "evenement". Other words are returned unchanged.
func Elide(w string) string {
	i := strings.IndexAny(w, "'’")
	if i <= 0 {
		return w
	}
	head := w[:i]
	if slices.Contains(elisionArticles, head) {
		_, size := utf8.DecodeRuneInString(w[i:])
		return w[i+size:]
	}
	return w
}

// Words splits text into folded words the way the engines' Unicode word
// tokenizers (UAX #29) do for catalog text: runs of letters and digits,
// where an apostrophe or a dot joins two letters ("aujourd'hui", "l'ete")
// and a dot or comma joins two digits ("12.5"); then French articles are
// elided. "T-shirt l'Été 12,5 cm" -> [t shirt ete 12,5 cm].
func Words(text string) []string { return splitWords(Fold(text)) }

// typedWords splits text like Words, lowercased but with its accents kept.
func typedWords(text string) []string {
	return splitWords(strings.NewReplacer("’", "'", "ʼ", "'", "‘", "'").Replace(strings.ToLower(text)))
}

func splitWords(folded string) []string {
	rs := []rune(folded)
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			if w := Elide(string(rs[start:end])); w != "" {
				words = append(words, w)
			}
			start = -1
		}
	}
	for i, r := range rs {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i > 0 && i+1 < len(rs) && joins(rs[i-1], r, rs[i+1]) {
			continue
		}
		flush(i)
	}
	flush(len(rs))
	return words
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// joins reports whether the separator mid keeps prev and next in one word.
func joins(prev, mid, next rune) bool {
	switch {
	case unicode.IsLetter(prev) && unicode.IsLetter(next):
		return mid == '\'' || mid == '.' || mid == ':' || mid == '·'
	case unicode.IsDigit(prev) && unicode.IsDigit(next):
		return mid == '.' || mid == ',' || mid == '\'' || mid == ';'
	}
	return false
}

// Transpositions returns w with each pair of adjacent letters swapped
// (distinct, without w itself): the words one transposition away, which a
// Levenshtein automaton counts as two edits.
func Transpositions(w string) []string {
	rs := []rune(w)
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		if rs[i] == rs[i+1] {
			continue
		}
		rs[i], rs[i+1] = rs[i+1], rs[i]
		if t := string(rs); !slices.Contains(out, t) {
			out = append(out, t)
		}
		rs[i], rs[i+1] = rs[i+1], rs[i]
	}
	return out
}

// HasDigit reports whether w contains a digit: such words (part numbers,
// sizes, quantities) are never matched fuzzily.
func HasDigit(w string) bool {
	for _, r := range w {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Fuzziness is the typo budget of a word: no edit below 5 letters, one edit
// from 5 letters, two from 9, and none for a word with a digit.
func Fuzziness(w string) int {
	if HasDigit(w) {
		return 0
	}
	switch n := utf8.RuneCountInString(w); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// NormalizeIdentifier is the form in which SKUs, GTINs and supplier
// references are indexed and looked up: folded, lowercase, without spaces,
// dashes, dots, underscores or slashes. "BC-10.10" and "bc 1010" are both
// "bc1010".
func NormalizeIdentifier(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	for _, r := range f {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' || r == '_' || r == '/' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Levenshtein returns the edit distance between a and b counting
// insertions, deletions, substitutions and transpositions of two adjacent
// letters (optimal string alignment): the measure of both engines' typo
// tolerance (Bleve's automata and OpenSearch's fuzzy_transpositions).
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(ra)][len(rb)]
}

// maxAnalyticsQuery bounds the runes of a query kept by search analytics.
const maxAnalyticsQuery = 100

// AnalyticsQuery is text as search analytics keep it: folded (lower case,
// no accents), its words separated by one space, at most 100 runes, and
// with every word that looks like an e-mail address replaced by "<email>"
// (a buyer who types one into the search box does not give it to the
// statistics).
func AnalyticsQuery(text string) string {
	words := strings.Fields(Fold(text))
	for i, w := range words {
		if at := strings.IndexByte(w, '@'); at > 0 && strings.Contains(w[at:], ".") {
			words[i] = "<email>"
		}
	}
	out := strings.Join(words, " ")
	if utf8.RuneCountInString(out) > maxAnalyticsQuery {
		out = strings.TrimSpace(string([]rune(out)[:maxAnalyticsQuery]))
	}
	return out
}
