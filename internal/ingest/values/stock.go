package values

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// CodeBadAvailability warns of a stock status that is neither a quantity
// nor one of the statuses Availability knows; it is left out.
const CodeBadAvailability = "bad_availability"

// availabilityWords are the stock statuses of exports and price lists,
// folded (foldWords): WooCommerce's "In stock?" (1, 0, "backorder"),
// schema.org and Google feeds ("in stock", "out of stock", "preorder"),
// and the usual French, German and Spanish words.
var availabilityWords = map[string]string{
	"yes": catalog.InStock, "y": catalog.InStock, "true": catalog.InStock, "oui": catalog.InStock,
	"ja": catalog.InStock, "si": catalog.InStock, "in stock": catalog.InStock, "instock": catalog.InStock,
	"en stock": catalog.InStock, "disponible": catalog.InStock, "available": catalog.InStock,
	"auf lager": catalog.InStock, "lieferbar": catalog.InStock, "sofort lieferbar": catalog.InStock,
	"verfugbar": catalog.InStock, "en existencia": catalog.InStock, "in existencia": catalog.InStock,

	"no": catalog.OutOfStock, "n": catalog.OutOfStock, "false": catalog.OutOfStock, "non": catalog.OutOfStock,
	"nein": catalog.OutOfStock, "out of stock": catalog.OutOfStock, "outofstock": catalog.OutOfStock,
	"rupture": catalog.OutOfStock, "rupture de stock": catalog.OutOfStock, "en rupture": catalog.OutOfStock,
	"en rupture de stock": catalog.OutOfStock, "epuise": catalog.OutOfStock, "indisponible": catalog.OutOfStock,
	"unavailable": catalog.OutOfStock, "not available": catalog.OutOfStock, "sold out": catalog.OutOfStock,
	"nicht lieferbar": catalog.OutOfStock, "nicht verfugbar": catalog.OutOfStock, "ausverkauft": catalog.OutOfStock,
	"agotado": catalog.OutOfStock, "sin stock": catalog.OutOfStock, "sin existencias": catalog.OutOfStock,
	"no disponible": catalog.OutOfStock,

	"backorder": catalog.Backorder, "onbackorder": catalog.Backorder, "on backorder": catalog.Backorder,
	"backordered": catalog.Backorder, "available on backorder": catalog.Backorder, "preorder": catalog.Backorder,
	"pre order": catalog.Backorder, "sur commande": catalog.Backorder, "en reapprovisionnement": catalog.Backorder,
	"precommande": catalog.Backorder, "en precommande": catalog.Backorder, "nachbestellbar": catalog.Backorder,
	"vorbestellbar": catalog.Backorder, "bajo pedido": catalog.Backorder, "en reposicion": catalog.Backorder,
}

// Availability reads a stock status or a stock quantity as one of
// catalog.Availabilities: a quantity above 0 is in stock, 0 or below out
// of stock (WooCommerce writes its "In stock?" as 1 or 0); a status word
// is looked up folded ("En stock", "out_of_stock", "Rupture de stock").
// An empty cell says nothing (""); anything else is CodeBadAvailability.
func Availability(s string) (string, *Error) {
	s = Text(s)
	if s == "" {
		return "", nil
	}
	if n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64); err == nil {
		if n > 0 {
			return catalog.InStock, nil
		}
		return catalog.OutOfStock, nil
	}
	if a, ok := availabilityWords[foldWords(s)]; ok {
		return a, nil
	}
	return "", errorf(CodeBadAvailability, quote(s)+" is not a stock status (in stock, out of stock, backorder) or a quantity")
}

// foldWords lower-cases s, removes accents and makes every run of
// punctuation and spaces one space.
func foldWords(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// leadTimeUnits are the unit words of a lead time, folded, in days (0:
// hours).
var leadTimeUnits = map[string]int{
	"d": 1, "day": 1, "days": 1, "business days": 1, "working days": 1, "j": 1, "jour": 1, "jours": 1,
	"jours ouvres": 1, "jours ouvrables": 1, "tag": 1, "tage": 1, "werktage": 1, "arbeitstage": 1,
	"dia": 1, "dias": 1, "dias habiles": 1, "dias laborables": 1,
	"w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7, "sem": 7, "semaine": 7, "semaines": 7,
	"woche": 7, "wochen": 7, "semana": 7, "semanas": 7,
	"h": 0, "hr": 0, "hrs": 0, "hour": 0, "hours": 0, "heure": 0, "heures": 0, "std": 0, "stunden": 0, "horas": 0,
}

// LeadTimeDays reads a lead time in days: a number, or a range (the longer
// end: "2-3 days" is 3, "2 à 3 jours", "2 bis 3 Tage"), with an optional
// unit of days, weeks ("2 semaines" is 14) or hours ("48h" is 2, rounded
// up), and optional leading words ("sous 5 jours", "within 5 days").
// An empty cell is 0; anything else is CodeBadInt.
func LeadTimeDays(s string) (int, *Error) {
	s = Text(s)
	if s == "" {
		return 0, nil
	}
	bad := errorf(CodeBadInt, quote(s)+" is not a lead time (a number of days or weeks)")
	words := strings.Fields(splitDigits(foldWords(s)))
	i := 0
	for i < len(words) && !isNumber(words[i]) {
		i++
	}
	if i == len(words) || i > 2 {
		return 0, bad
	}
	n, _ := strconv.Atoi(words[i])
	rest := words[i+1:]
	if len(rest) >= 2 && (rest[0] == "to" || rest[0] == "a" || rest[0] == "bis" || rest[0] == "y" || rest[0] == "or" || rest[0] == "ou") && isNumber(rest[1]) {
		rest = rest[1:]
	}
	if len(rest) > 0 && isNumber(rest[0]) {
		n, _ = strconv.Atoi(rest[0]) // the longer end of a range
		rest = rest[1:]
	}
	perDay := 1
	if len(rest) > 0 {
		u, ok := leadTimeUnits[strings.Join(rest, " ")]
		if !ok {
			return 0, bad
		}
		perDay = u
	}
	if n > 3650*24 {
		return 0, bad
	}
	if perDay == 0 {
		return (n + 23) / 24, nil
	}
	return n * perDay, nil
}

// splitDigits puts a space between digits and letters ("48h", "3j").
func splitDigits(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if prev != 0 && prev != ' ' && r != ' ' && unicode.IsDigit(prev) != unicode.IsDigit(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func isNumber(w string) bool {
	if w == "" || len(w) > 9 {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
