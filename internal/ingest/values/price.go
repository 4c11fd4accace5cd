package values

import (
	"slices"
	"strings"

	"golang.org/x/text/currency"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// symbolCode maps currency signs and local words to ISO 4217 codes, or
// for a sign that several currencies write (see ambiguousSign) to false.
// Words are matched as written and in lower case ("Kč", "kč").
func symbolCode(s string) (string, bool) {
	switch s {
	case "€":
		return "EUR", true
	case "US$":
		return "USD", true
	case "£":
		return "GBP", true
	case "₣", "CHF", "SFr", "SFr.":
		return "CHF", true
	case "元", "RMB":
		return "CNY", true
	case "₹":
		return "INR", true
	case "₩":
		return "KRW", true
	case "C$", "CA$":
		return "CAD", true
	case "A$", "AU$":
		return "AUD", true
	case "R$":
		return "BRL", true
	case "₺", "TL":
		return "TRY", true
	case "₽":
		return "RUB", true
	case "₴":
		return "UAH", true
	case "₦":
		return "NGN", true
	case "₪":
		return "ILS", true
	case "฿":
		return "THB", true
	case "₫":
		return "VND", true
	}
	switch strings.ToLower(s) {
	case "zł", "zl", "pln":
		return "PLN", true
	case "kč", "kc":
		return "CZK", true
	case "ft":
		return "HUF", true
	case "tl":
		return "TRY", true
	case "chf", "sfr":
		return "CHF", true
	case "us$":
		return "USD", true
	}
	return "", false
}

// ambiguousSign lists the currencies a sign or word may mean, the most
// common reading first: the partner's currency, when it is one of them,
// picks the reading; otherwise the first is kept and the ambiguity is
// reported. nil: s is not ambiguous.
func ambiguousSign(s string) []string {
	switch s {
	case "$":
		return []string{"USD", "CAD", "AUD", "NZD", "MXN", "ARS", "CLP", "COP", "SGD", "HKD", "TWD"}
	case "¥", "￥":
		return []string{"JPY", "CNY"}
	}
	switch strings.ToLower(s) {
	case "fcfa", "cfa", "cfaf", "f.cfa", "f cfa":
		return []string{"XOF", "XAF"}
	case "kr", "kr.":
		return []string{"SEK", "NOK", "DKK", "ISK"}
	case "dh", "dhs", "dh.", "dhs.":
		return []string{"MAD", "AED"}
	case "lei", "leu":
		return []string{"RON", "MDL"}
	}
	return nil
}

// Ambiguity is a currency sign that several currencies write ("FCFA" is
// XOF or XAF, "kr" SEK, NOK, DKK or ISK, "$" alone USD or another
// dollar or peso), read without a partner currency that settles it.
type Ambiguity struct {
	Sign       string   // as written
	Candidates []string // the ISO codes it may mean
	Chosen     string   // the one the price was read in: Candidates[0]
}

// Message explains the ambiguity to the partner.
func (a *Ambiguity) Message() string {
	return quote(a.Sign) + " may be " + strings.Join(a.Candidates, ", ") + "; the price was read in " + a.Chosen +
		": set the partner's currency (or a currency column) to say which"
}

// isPriceNoise reports words that may follow a price: tax mentions.
func isPriceNoise(w string) bool {
	switch w {
	case "HT", "TTC", "HTVA", "TVAC", "EXCL", "INCL", "VAT", "TVA", "NET":
		return true
	}
	return false
}

// Price parses a price written in any common form ("12,50 €", "1 234,56",
// "1.234,56", "$12.50", "12.5 USD", "EUR 12,50", "1'234.50") into an exact
// decimal and an ISO 4217 currency. defaultCurrency (an ISO code) is used
// when the value names none. An empty value returns ok=false and no error.
// Negative prices, scientific notation and more than six decimals are
// errors with code bad_price.
func Price(s, defaultCurrency string) (m catalog.Money, ok bool, e *Error) {
	m, ok, _, e = PriceOf(s, defaultCurrency)
	return m, ok, e
}

// PriceOf is Price that also says when the price's currency sign is
// ambiguous (see Ambiguity): the amount is then kept in the sign's most
// common currency, which the caller reports. A defaultCurrency among the
// sign's candidates settles it ("15 000 FCFA" with XAF is XAF).
func PriceOf(s, defaultCurrency string) (m catalog.Money, ok bool, amb *Ambiguity, e *Error) {
	if !isUpperASCII(defaultCurrency) {
		defaultCurrency = strings.ToUpper(defaultCurrency)
	}
	if d, ok := plainDecimal(s); ok && defaultCurrency != "" {
		return catalog.Money{Amount: d, Currency: defaultCurrency}, true, nil, nil
	}
	text := Text(s)
	if text == "" {
		return catalog.Money{}, false, nil, nil
	}
	m, amb, why := parsePrice(text, defaultCurrency)
	if why != "" {
		return catalog.Money{}, false, nil, errorf(CodeBadPrice, quote(s)+" is not a price: "+why)
	}
	return m, true, amb, nil
}

// parsePrice reads a cleaned, non-empty price: the number, the words
// around it (currency, tax mentions), then the exact amount; or why not.
func parsePrice(s, defaultCurrency string) (catalog.Money, *Ambiguity, string) {
	if hasExponent(s) {
		return catalog.Money{}, nil, "scientific notation"
	}
	start, end := numberSpan(s)
	if start < 0 {
		return catalog.Money{}, nil, "no number"
	}
	numStr := strings.TrimRight(s[start:end], ".,'")
	if numStr != s[start:end] && !strings.HasPrefix(s[end:], "-") && s[start:end][len(numStr):] != "." {
		return catalog.Money{}, nil, "it ends with a separator"
	}
	prefix, suffix := strings.TrimSpace(s[:start]), strings.TrimSpace(s[end:])
	suffix = strings.TrimPrefix(suffix, "-") // "12.-"
	if strings.HasSuffix(prefix, "-") || strings.HasSuffix(prefix, "−") {
		return catalog.Money{}, nil, "a price cannot be negative"
	}
	if strings.ContainsAny(suffix, "0123456789") {
		return catalog.Money{}, nil, "it holds more than one number"
	}
	cur, amb, why := priceCurrency(priceWords(prefix+" "+suffix), defaultCurrency)
	if why != "" {
		return catalog.Money{}, nil, why
	}
	canon, why := canonicalNumber(numStr)
	if why != "" {
		return catalog.Money{}, nil, why
	}
	d, err := catalog.ParseDecimal(canon)
	if err != nil {
		return catalog.Money{}, nil, catalog.MessageOf(err)
	}
	return catalog.Money{Amount: d, Currency: cur}, amb, ""
}

// numberSpan finds the number of a price: the first run of digits and
// separators, with a leading mark (".5"); a space or a typographic
// apostrophe belongs to it only before a digit ("1 234,56", "1’234").
// start is -1 when s holds no digit.
func numberSpan(s string) (start, end int) {
	start = strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 {
		return -1, -1
	}
	if start > 0 && (s[start-1] == '.' || s[start-1] == ',') {
		start-- // ".5"
	}
	end = start
	for end < len(s) {
		n := numberRuneLen(s[end:])
		if n == 0 {
			break
		}
		end += n
	}
	return start, end
}

// numberRuneLen is the length of the character at the start of s when it
// belongs to a number, else 0.
func numberRuneLen(s string) int {
	switch c := s[0]; {
	case isDigit(c) || c == '.' || c == ',' || c == '\'':
		return 1
	case c == ' ' && len(s) > 1 && isDigit(s[1]):
		return 1
	case strings.HasPrefix(s, "’") && len(s) > 3 && isDigit(s[3]):
		return 3
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// priceCurrency is the one currency the words around a price name (tax
// mentions aside), else the default; or why there is none.
func priceCurrency(words []string, defaultCurrency string) (string, *Ambiguity, string) {
	type named struct {
		code string
		amb  *Ambiguity
	}
	var found []named
	plain := "" // a currency named without ambiguity ("kr NOK": NOK)
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) && strings.EqualFold(w, "F") && strings.EqualFold(words[i+1], "CFA") {
			w, i = w+" "+words[i+1], i+1 // "15 000 F CFA"
		}
		c, a, known := currencyOf(w, defaultCurrency)
		if !known {
			if isPriceNoise(strings.ToUpper(strings.Trim(w, "."))) {
				continue
			}
			return "", nil, quote(w) + " is not a currency"
		}
		found = append(found, named{c, a})
		if a == nil && ambiguousSign(w) == nil {
			plain = c
		}
	}
	cur := ""
	var amb *Ambiguity
	for _, n := range found {
		if n.amb != nil && slices.Contains(n.amb.Candidates, plain) {
			n = named{plain, nil}
		}
		if cur != "" && cur != n.code {
			return "", nil, "two currencies"
		}
		cur = n.code
		if n.amb != nil {
			amb = n.amb
		}
	}
	if cur == "" {
		cur = strings.ToUpper(defaultCurrency)
	}
	if cur == "" {
		return "", nil, "no currency, and the partner has no default currency"
	}
	return cur, amb, ""
}

// priceWords splits the text around a number into words, separating
// currency signs from letters ("€HT" -> "€", "HT"; "US$" stays whole).
func priceWords(s string) []string {
	var out []string
	for f := range strings.FieldsSeq(s) {
		if _, ok := symbolCode(f); ok {
			out = append(out, f)
			continue
		}
		var w strings.Builder
		for _, r := range f {
			if strings.ContainsRune("€£¥￥元₹₩₣$₺₽₴₦₪฿₫", r) {
				if w.Len() > 0 {
					out = append(out, w.String())
					w.Reset()
				}
				out = append(out, string(r))
				continue
			}
			w.WriteRune(r)
		}
		if w.Len() > 0 {
			out = append(out, w.String())
		}
	}
	return out
}

func hasExponent(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if (s[i] == 'e' || s[i] == 'E') && s[i-1] >= '0' && s[i-1] <= '9' && (s[i+1] == '+' || s[i+1] == '-' || s[i+1] >= '0' && s[i+1] <= '9') {
			return true
		}
	}
	return false
}

// Currency reads a currency as a currency column or a price writes it: an
// ISO 4217 code in any case ("eur"), a sign ("€", "R$") or a local word
// ("zł", "Kč", "Fcfa"). An ambiguous sign is settled by def when def is
// one of its candidates, else read in its most common currency and
// returned as an Ambiguity. ok is false when w names no currency.
func Currency(w, def string) (code string, amb *Ambiguity, ok bool) {
	return currencyOf(Text(w), def)
}

// currencyOf resolves a word next to a price to an ISO code, or false.
func currencyOf(w, def string) (string, *Ambiguity, bool) {
	if cands := ambiguousSign(w); cands != nil {
		d := strings.ToUpper(def)
		for _, c := range cands {
			if c == d {
				return c, nil, true
			}
		}
		return cands[0], &Ambiguity{Sign: w, Candidates: cands, Chosen: cands[0]}, true
	}
	if c, ok := symbolCode(w); ok {
		return c, nil, true
	}
	up := strings.ToUpper(w)
	if len(up) == 3 && isUpperASCII(up) {
		if u, err := currency.ParseISO(up); err == nil {
			return u.String(), nil, true
		}
	}
	if t, found := strings.CutSuffix(w, "."); found && t != "" {
		return currencyOf(t, def) // "Kč.", "Ft."
	}
	return "", nil, false
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// canonicalNumber turns "1 234,56", "1.234,56", "1,234.56", "12,5" into
// "1234.56" form, or explains why it cannot.
func canonicalNumber(s string) (string, string) {
	s = strings.ReplaceAll(s, "’", "'")
	n, why := splitNumber(s, decimalMark(s))
	if why != "" {
		return "", why
	}
	if why := n.checkGroups(); why != "" {
		return "", why
	}
	if n.intDigits == "" && n.fracDigits == "" {
		return "", "no digits"
	}
	if n.hasMark && n.fracDigits == "" {
		return n.intDigits, ""
	}
	in := strings.TrimLeft(n.intDigits, "0")
	if in == "" {
		in = "0"
	}
	if len(in) > 15 {
		return "", "too large"
	}
	if n.fracDigits == "" {
		return in, ""
	}
	return in + "." + n.fracDigits, ""
}

// decimalMark tells which character of a number is its decimal mark, or 0
// when it has none: the last of a dot and a comma when both appear; a lone
// dot or comma unless it is followed by exactly three digits after a
// plain integer part ("1,234" and "1.234" are thousands; "0,125" and
// "12,50" are decimals).
func decimalMark(s string) byte {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			return '.'
		}
		return ','
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.LastIndexByte(s, sep)
		intPart := strings.TrimSpace(s[:i])
		after := s[i+1:]
		if len(after) == 3 && allDigitsStr(after) && intPart != "0" && intPart != "" && !strings.ContainsAny(intPart, " '") {
			return 0
		}
		return sep
	}
	return 0
}

// number is a number split at its decimal mark, with the digit count of
// each group its separators delimit before the mark.
type number struct {
	intDigits, fracDigits string
	hasMark               bool
	groups                []int
}

// splitNumber reads s's digits on each side of the decimal mark (0: none),
// or says why it cannot.
func splitNumber(s string, decimal byte) (number, string) {
	var intB, fracB strings.Builder
	n := number{groups: []int{}}
	cur := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c) && n.hasMark:
			fracB.WriteByte(c)
		case isDigit(c):
			intB.WriteByte(c)
			cur++
		case c == decimal && decimal != 0:
			if n.hasMark {
				return number{}, "two decimal marks"
			}
			n.hasMark = true
			n.groups = append(n.groups, cur)
		case c == '.' || c == ',' || c == ' ' || c == '\'':
			if n.hasMark {
				return number{}, "a separator after the decimal mark"
			}
			n.groups = append(n.groups, cur)
			cur = 0
		default:
			return number{}, "unexpected character"
		}
	}
	if !n.hasMark {
		n.groups = append(n.groups, cur)
	}
	n.intDigits, n.fracDigits = intB.String(), fracB.String()
	return n, ""
}

// checkGroups: the first group holds digits (but ".5"), and thousands
// groups after it three each.
func (n number) checkGroups() string {
	for i, g := range n.groups {
		if i == 0 && g == 0 {
			if n.intDigits == "" && n.hasMark && len(n.groups) == 1 {
				return "" // ".5"
			}
			return "misplaced separator"
		}
		if i > 0 && g != 3 {
			return "digit groups must have three digits"
		}
	}
	return ""
}

func allDigitsStr(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// plainDecimal parses the common canonical form ("12", "12.5", "12.50",
// "0.125") without allocating. It declines "1.234" (a thousands separator
// by the rules of canonicalNumber) and anything else unusual.
func plainDecimal(s string) (catalog.Decimal, bool) {
	if s == "" || len(s) > 16 {
		return catalog.Decimal{}, false
	}
	dot := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && dot < 0 && i > 0:
			dot = i
		default:
			return catalog.Decimal{}, false
		}
	}
	if dot == len(s)-1 || (dot >= 0 && len(s)-dot-1 == 3 && s[:dot] != "0") || (s[0] == '0' && len(s) > 1 && dot != 1) {
		return catalog.Decimal{}, false
	}
	// What catalog.ParseDecimal returns, without its allocation: at most
	// 16 digits fit an int64.
	scale := 0
	if dot >= 0 {
		scale = len(s) - dot - 1
	}
	if scale > catalog.MaxDecimalScale {
		return catalog.Decimal{}, false
	}
	var u int64
	for i := 0; i < len(s); i++ {
		if s[i] != '.' {
			u = u*10 + int64(s[i]-'0')
		}
	}
	return catalog.Decimal{Units: u, Scale: uint8(scale)}, true //nolint:gosec // scale <= MaxDecimalScale
}
