package ingest

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// Price tiers (quantity price breaks) come in two shapes in partners'
// exports, both read from the columns the mapping left as attributes:
//
//   - numbered pairs of columns, one quantity and one price per tier:
//     "qty_2"/"price_2", "Tier 1 Qty"/"Tier 1 Price", "Staffelmenge 1"/
//     "Staffelpreis 1", "Quantité palier 1"/"Prix palier 1",
//     "qty_break_1"/"price_break_1";
//   - one column ("tiers", "price tiers", "tier prices", "Staffelpreise",
//     "prix dégressifs", "quantity breaks") of "qty:price" pairs separated
//     by "|" or ";" ("10:9.50|50:8.90", "10=9,50; 50=8,90").
//
// A product's tiers are taken out of its attributes only when every one
// of them reads (a whole quantity above 0 and a price), sorted by
// quantity with no quantity twice; otherwise the columns stay attributes,
// as the partner wrote them. Prices without a currency take the product
// price's (else the partner's default).

// maxTiers caps the tiers of one product.
const maxTiers = 20

// tierWord classifies the words of a tier column's header.
var tierWords = map[string]string{ //nolint:gochecknoglobals // read-only table
	"qty": "qty", "quantity": "qty", "quantities": "qty", "menge": "qty", "staffelmenge": "qty",
	"quantite": "qty", "qte": "qty", "minqty": "qty", "min": "", "minimum": "", "from": "", "ab": "", //nolint:misspell // French "quantité" without its accent
	"price": "price", "preis": "price", "staffelpreis": "price", "prix": "price", "tierprice": "price",
	"tier": "", "break": "", "palier": "", "staffel": "", "level": "", "unit": "",
}

// tierListHeaders name the single-column form.
var tierListHeaders = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"tiers": true, "price tiers": true, "tier prices": true, "tier price": true, "price breaks": true,
	"quantity breaks": true, "staffelpreise": true, "prix degressifs": true, "tarifs degressifs": true,
}

// tierHeader reads a header of the numbered form: its kind ("qty" or
// "price") and number, ok=false for any other header.
func tierHeader(h string) (kind string, n int, ok bool) {
	words := headerWords(h)
	for _, w := range words {
		if d, err := strconv.Atoi(w); err == nil {
			if n != 0 || d < 1 || d > maxTiers {
				return "", 0, false
			}
			n = d
			continue
		}
		k, known := tierWords[w]
		if !known || (k != "" && kind != "" && k != kind) {
			return "", 0, false
		}
		if k != "" {
			kind = k
		}
	}
	return kind, n, kind != "" && n > 0
}

// headerWords lowercases h, drops accents of Latin letters, and splits it
// into words and numbers ("Prix_palier2" -> prix, palier, 2).
func headerWords(h string) []string {
	var words []string
	var cur strings.Builder
	digit := false
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(h) {
		r = unaccent(r)
		switch {
		case unicode.IsDigit(r):
			if !digit {
				flush()
			}
			digit = true
			cur.WriteRune(r)
		case unicode.IsLetter(r):
			if digit {
				flush()
			}
			digit = false
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return words
}

func unaccent(r rune) rune {
	switch r {
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'à', 'â', 'ä':
		return 'a'
	case 'ô', 'ö':
		return 'o'
	case 'û', 'ü', 'ù':
		return 'u'
	case 'î', 'ï':
		return 'i'
	}
	return r
}

// takeTiers reads the tiers of a product's attributes, removes the
// columns they came from and returns them; nil (attributes untouched)
// when there are none or one does not read.
func takeTiers(attrs map[string]string, currency string) []catalog.PriceTier {
	if len(attrs) == 0 {
		return nil
	}
	type pair struct{ qty, price, qtyKey, priceKey string }
	pairs := map[int]*pair{}
	var list []string // single-column headers
	for h, v := range attrs {
		if tierListHeaders[strings.Join(headerWords(h), " ")] {
			list = append(list, h)
			continue
		}
		kind, n, ok := tierHeader(h)
		if !ok {
			continue
		}
		p := pairs[n]
		if p == nil {
			p = &pair{}
			pairs[n] = p
		}
		if kind == "qty" {
			p.qty, p.qtyKey = v, h
		} else {
			p.price, p.priceKey = v, h
		}
	}
	var tiers []catalog.PriceTier
	var used []string
	for _, p := range pairs {
		if p.qtyKey == "" || p.priceKey == "" {
			continue // a lone "price 2" is not a tier
		}
		t, ok := readTier(p.qty, p.price, currency)
		if !ok {
			return nil
		}
		tiers = append(tiers, t)
		used = append(used, p.qtyKey, p.priceKey)
	}
	for _, h := range list {
		for _, item := range strings.FieldsFunc(attrs[h], func(r rune) bool { return r == '|' || r == ';' || r == '\n' }) {
			if strings.TrimSpace(item) == "" {
				continue
			}
			qty, price, ok := strings.Cut(item, ":")
			if !ok {
				qty, price, ok = strings.Cut(item, "=")
			}
			t, tok := readTier(qty, price, currency)
			if !ok || !tok {
				return nil
			}
			tiers = append(tiers, t)
		}
		used = append(used, h)
	}
	if len(tiers) == 0 || len(tiers) > maxTiers {
		return nil
	}
	slices.SortFunc(tiers, func(a, b catalog.PriceTier) int { return a.MinQty - b.MinQty })
	for i := 1; i < len(tiers); i++ {
		if tiers[i].MinQty == tiers[i-1].MinQty {
			return nil
		}
	}
	for _, h := range used {
		delete(attrs, h)
	}
	return tiers
}

// readTier reads one tier: a whole quantity above 0 and a price.
func readTier(qty, price, currency string) (catalog.PriceTier, bool) {
	q, err := strconv.Atoi(strings.TrimSpace(qty))
	if err != nil || q < 1 {
		return catalog.PriceTier{}, false
	}
	m, ok, perr := values.Price(strings.TrimSpace(price), currency)
	if !ok || perr != nil {
		return catalog.PriceTier{}, false
	}
	return catalog.PriceTier{MinQty: q, Price: m}, true
}
