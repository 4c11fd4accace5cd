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
	terms    map[string]int // analyzed query term -> typo budget
	prefix   string         // folded word being typed, "" if none
}

func newHighlighter(plan search.Plan, txt, fld analysis.Analyzer) *highlighter {
	h := &highlighter{txt: txt, fld: fld, terms: map[string]int{}}
	for _, w := range plan.Words {
		for _, t := range analyze(txt, w.Text) {
			h.terms[t] = max(h.terms[t], w.Fuzz)
		}
		if w.Prefix {
			h.prefix = w.Text
		}
	}
	return h
}

func (h *highlighter) spans(text string) []search.Span {
	var out []search.Span
	if len(h.terms) > 0 {
		for _, t := range h.txt.Analyze([]byte(text)) {
			if h.matches(string(t.Term)) {
				out = append(out, search.Span{Start: t.Start, End: t.End})
			}
		}
	}
	if h.prefix != "" {
		for _, t := range h.fld.Analyze([]byte(text)) {
			if strings.HasPrefix(string(t.Term), h.prefix) {
				out = append(out, search.Span{Start: t.Start, End: t.End})
			}
		}
	}
	return out
}

func (h *highlighter) matches(term string) bool {
	if _, ok := h.terms[term]; ok {
		return true
	}
	for q, fuzz := range h.terms {
		if fuzz > 0 && search.Levenshtein(q, term) <= fuzz {
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
	if s := h.spans(p.Name); len(s) > 0 {
		out["name"] = []string{search.Mark(p.Name, s, 0, len(p.Name))}
	}
	if s := h.spans(p.Description); len(s) > 0 {
		out["description"] = []string{search.Fragment(p.Description, s)}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
