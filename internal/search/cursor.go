package search

import (
	"encoding/base64"
	"encoding/json"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// EncodeCursor turns the sort values of a page's last hit into an opaque
// cursor (catalog.Result.NextCursor).
func EncodeCursor(values []any) string {
	b, err := json.Marshal(values)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor, or returns CodeInvalid.
func DecodeCursor(s string) ([]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var values []any
	if err == nil {
		err = json.Unmarshal(b, &values)
	}
	if err != nil || len(values) == 0 {
		return nil, catalog.Errorf(catalog.CodeInvalid, "cursor is not valid")
	}
	return values, nil
}
