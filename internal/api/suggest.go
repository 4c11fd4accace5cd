package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// DefaultSuggestSize is how many suggestions /v1/suggest returns by default.
const DefaultSuggestSize = 8

// suggest serves GET /v1/suggest?q=&size=: autocomplete over brands,
// categories and product names (catalog.Index.Suggest).
func (a *API) suggest(w http.ResponseWriter, r *http.Request) error {
	v, err := queryValues(r)
	if err != nil {
		return err
	}
	// The length limit is on the text as sent, before any trimming: a
	// long q is an invalid parameter (400), as documented.
	raw := v.Get("q")
	if !utf8.ValidString(raw) {
		return catalog.Errorf(catalog.CodeInvalid, "q is not valid UTF-8")
	}
	if utf8.RuneCountInString(raw) > catalog.MaxQueryLength {
		return catalog.Errorf(catalog.CodeInvalid, "q is longer than %d characters", catalog.MaxQueryLength)
	}
	text := strings.TrimLeft(raw, " \t")
	size, err := intParam(v, "size", DefaultSuggestSize, 1, catalog.MaxSuggestSize)
	if err != nil {
		return err
	}
	out, err := a.deps.Index.Suggest(r.Context(), text, size)
	if err != nil {
		return err
	}
	if out == nil {
		out = []catalog.Suggestion{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": out})
	return nil
}
