package bleveindex

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// highlighter marks, in a hit's name and description, the words that
// matched the query: the field is analyzed again with the index's own
// analyzers, so a word is marked exactly when its indexed term matched
// (same term, within the word's typo budget, or starting with the word
// being typed).
type highlighter struct {
	txt, fld analysis.Analyzer
	terms    map[string]bool // analyzed (stemmed) query terms
	fuzzy    map[string]int  // folded query word -> typo budget
	prefix   string          // folded word being typed, "" if none
}

func newHighlighter(plan search.Plan, txt, fld analysis.Analyzer) *highlighter {
	h := &highlighter{txt: txt, fld: fld, terms: map[string]bool{}, fuzzy: map[string]int{}}
	for _, w := range plan.Words {
		if w.Stop {
			continue
		}
		ts := analyze(txt, w.Text)
		for _, t := range ts {
			h.terms[t] = true
		}
		if len(ts) == 0 {
			continue // a stop word
		}
		if w.Fuzz > 0 {
			h.fuzzy[w.Text] = w.Fuzz
		}
		if w.Prefix {
			h.prefix = w.Text
		}
	}
	return h
}

func (h *highlighter) spans(text string, folded bool) []search.Span {
	var out []search.Span
	if len(h.terms) > 0 {
		for _, t := range h.txt.Analyze([]byte(text)) {
			if h.terms[string(t.Term)] {
				out = append(out, search.Span{Start: t.Start, End: t.End})
			}
		}
	}
	if folded && (h.prefix != "" || len(h.fuzzy) > 0) {
		for _, t := range h.fld.Analyze([]byte(text)) {
			if h.foldMatch(string(t.Term)) {
				out = append(out, search.Span{Start: t.Start, End: t.End})
			}
		}
	}
	return out
}

// foldMatch reports whether a folded, unstemmed word of the text matched
// the query as a typo or as the prefix being typed.
func (h *highlighter) foldMatch(term string) bool {
	if h.prefix != "" && strings.HasPrefix(term, h.prefix) {
		return true
	}
	for q, fuzz := range h.fuzzy {
		if search.Levenshtein(q, term) <= fuzz {
			return true
		}
	}
	return false
}

// highlights returns the marked name and a marked fragment of the
// description, for the fields that have a match.
func (h *highlighter) highlights(p catalog.Product) map[string][]string {
	if len(h.terms) == 0 && h.prefix == "" {
		return nil
	}
	out := map[string][]string{}
	if s := h.spans(p.Name, true); len(s) > 0 {
		out["name"] = []string{search.Mark(p.Name, s, 0, len(p.Name))}
	}
	// Typos and prefixes match names, brands, categories and attributes,
	// not descriptions (search.Doc.Fold): a description shows exact words.
	if s := h.spans(p.Description, false); len(s) > 0 {
		out["description"] = []string{search.Fragment(p.Description, s)}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
