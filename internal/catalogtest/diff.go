package catalogtest

import (
	"encoding/json"
	"fmt"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// diffProduct compares two products by value (decimals by value, times by
// instant) and describes the first difference, or returns "".
func diffProduct(want, got catalog.Product) string {
	if !want.UpdatedAt.Equal(got.UpdatedAt) {
		return fmt.Sprintf("UpdatedAt %v != %v", got.UpdatedAt, want.UpdatedAt)
	}
	want.UpdatedAt = got.UpdatedAt
	if (want.Price == nil) != (got.Price == nil) ||
		(want.Price != nil && (want.Price.Amount.Cmp(got.Price.Amount) != 0 || want.Price.Currency != got.Price.Currency)) {
		return fmt.Sprintf("Price %v != %v", got.Price, want.Price)
	}
	want.Price = got.Price
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		return fmt.Sprintf("\n got  %s\n want %s", b, a)
	}
	return ""
}
