package catalog

import (
	"slices"
	"strconv"
)

// Availabilities of a product (Product.Availability), as the partner's
// file said them: a stock status or a stock quantity.
const (
	InStock    = "in_stock"
	OutOfStock = "out_of_stock"
	// Backorder: out of stock but orderable, shipped when restocked.
	Backorder = "backorder"
)

// Availabilities lists every availability, the most available first.
func Availabilities() []string { return []string{InStock, Backorder, OutOfStock} }

// ValidAvailability reports whether a is one of Availabilities.
func ValidAvailability(a string) bool { return slices.Contains(Availabilities(), a) }

// MoreAvailable returns the more available of a and b (InStock over
// Backorder over OutOfStock over ""): a product is as available as its most
// available variant.
func MoreAvailable(a, b string) string {
	rank := func(s string) int {
		if i := slices.Index(Availabilities(), s); i >= 0 {
			return len(Availabilities()) - i
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// LeadTimeBands are the "ships within N days" values of the lead-time
// facet and filter, shortest first: a product whose LeadTimeDays is d
// carries every band N >= d (a lead time beyond the last band carries
// none), so that a band's count is every product shipping within it.
func LeadTimeBands() []int { return []int{1, 3, 7, 14, 30} }

// LeadTimeValues returns the lead-time facet values ("3", "7", ...) of a
// product shipping in days: every band of at least days; none when days
// is 0 (not given).
func LeadTimeValues(days int) []string {
	if days <= 0 {
		return nil
	}
	var out []string
	for _, b := range LeadTimeBands() {
		if days <= b {
			out = append(out, strconv.Itoa(b))
		}
	}
	return out
}

// ValidLeadTime reports whether v names one of LeadTimeBands ("7").
func ValidLeadTime(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && strconv.Itoa(n) == v && slices.Contains(LeadTimeBands(), n)
}
