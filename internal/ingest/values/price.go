package values

import (
	"strings"

	"golang.org/x/text/currency"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// symbolCode maps currency signs and words to ISO 4217 codes. "¥" is
// resolved by the partner's default currency (CNY or JPY), JPY otherwise.
func symbolCode(s string) (string, bool) {
	switch s {
	case "€":
		return "EUR", true
	case "$", "US$":
		return "USD", true
	case "£":
		return "GBP", true
	case "₣", "CHF":
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
	case "zł":
		return "PLN", true
	case "kr":
		return "SEK", true
	}
	return "", false
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
	if !isUpperASCII(defaultCurrency) {
		defaultCurrency = strings.ToUpper(defaultCurrency)
	}
	if d, ok := plainDecimal(s); ok && defaultCurrency != "" {
		return catalog.Money{Amount: d, Currency: defaultCurrency}, true, nil
	}
	orig := s
	s = Text(s)
	if s == "" {
		return catalog.Money{}, false, nil
	}
	bad := func(why string) (catalog.Money, bool, *Error) {
		return catalog.Money{}, false, errorf(CodeBadPrice, quote(orig)+" is not a price: "+why)
	}
	if hasExponent(s) {
		return bad("scientific notation")
	}
	// The number is the first run of digits and separators; a space
	// belongs to it only between digits ("1 234,56").
	start := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 {
		return bad("no number")
	}
	if start > 0 && (s[start-1] == '.' || s[start-1] == ',') {
		start-- // ".5"
	}
	end := start
	for end < len(s) {
		c := s[end]
		if c >= '0' && c <= '9' || c == '.' || c == ',' || c == '\'' {
			end++
			continue
		}
		if c == ' ' && end+1 < len(s) && s[end+1] >= '0' && s[end+1] <= '9' {
			end++
			continue
		}
		if strings.HasPrefix(s[end:], "’") && end+3 < len(s) && s[end+3] >= '0' && s[end+3] <= '9' {
			end += 3
			continue
		}
		break
	}
	numStr := strings.TrimRight(s[start:end], ".,'")
	if numStr != s[start:end] && !strings.HasPrefix(s[end:], "-") && s[start:end][len(numStr):] != "." {
		return bad("it ends with a separator")
	}
	prefix, suffix := strings.TrimSpace(s[:start]), strings.TrimSpace(s[end:])
	suffix = strings.TrimPrefix(suffix, "-") // "12.-"
	if strings.HasSuffix(prefix, "-") || strings.HasSuffix(prefix, "−") {
		return bad("a price cannot be negative")
	}
	if strings.ContainsAny(suffix, "0123456789") {
		return bad("it holds more than one number")
	}
	cur := ""
	for _, w := range priceWords(prefix + " " + suffix) {
		c, known := currencyOf(w, defaultCurrency)
		if !known {
			if isPriceNoise(strings.ToUpper(strings.Trim(w, "."))) {
				continue
			}
			return bad(quote(w) + " is not a currency")
		}
		if cur != "" && cur != c {
			return bad("two currencies")
		}
		cur = c
	}
	if cur == "" {
		cur = strings.ToUpper(defaultCurrency)
	}
	if cur == "" {
		return bad("no currency, and the partner has no default currency")
	}
	canon, why := canonicalNumber(numStr)
	if why != "" {
		return bad(why)
	}
	d, err := catalog.ParseDecimal(canon)
	if err != nil {
		return bad(catalog.MessageOf(err))
	}
	return catalog.Money{Amount: d, Currency: cur}, true, nil
}

// priceWords splits the text around a number into words, separating
// currency signs from letters ("€HT" -> "€", "HT"; "US$" stays whole).
func priceWords(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if _, ok := symbolCode(f); ok {
			out = append(out, f)
			continue
		}
		var w strings.Builder
		for _, r := range f {
			if strings.ContainsRune("€£¥￥元₹₩₣$", r) {
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

// currencyOf resolves a word next to a price to an ISO code, or false.
func currencyOf(w, def string) (string, bool) {
	up := strings.ToUpper(w)
	if up == "¥" || up == "￥" {
		if d := strings.ToUpper(def); d == "CNY" || d == "JPY" {
			return d, true
		}
		return "JPY", true
	}
	if c, ok := symbolCode(w); ok {
		return c, true
	}
	if c, ok := symbolCode(up); ok {
		return c, true
	}
	if len(up) == 3 && isUpperASCII(up) {
		if u, err := currency.ParseISO(up); err == nil {
			return u.String(), true
		}
	}
	return "", false
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
	// Which characters separate groups, and which is the decimal mark?
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	decimal := byte(0)
	switch {
	case dots > 0 && commas > 0:
		if lastDot > lastComma {
			decimal = '.'
		} else {
			decimal = ','
		}
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.LastIndexByte(s, sep)
		intPart := strings.TrimSpace(s[:i])
		after := s[i+1:]
		// "1,234" and "1.234" are thousands; "0,125" and "12,50" are decimals.
		if len(after) == 3 && allDigitsStr(after) && intPart != "0" && intPart != "" && !strings.ContainsAny(intPart, " '") {
			decimal = 0
		} else {
			decimal = sep
		}
	}
	var intB, fracB strings.Builder
	seenDecimal := false
	groups := []int{}
	cur := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if seenDecimal {
				fracB.WriteByte(c)
			} else {
				intB.WriteByte(c)
				cur++
			}
		case c == decimal && decimal != 0:
			if seenDecimal {
				return "", "two decimal marks"
			}
			seenDecimal = true
			groups = append(groups, cur)
		case c == '.' || c == ',' || c == ' ' || c == '\'':
			if seenDecimal {
				return "", "a separator after the decimal mark"
			}
			groups = append(groups, cur)
			cur = 0
		default:
			return "", "unexpected character"
		}
	}
	if !seenDecimal {
		groups = append(groups, cur)
	}
	// Thousands groups after the first must have three digits.
	for i, g := range groups {
		if i == 0 && g == 0 {
			if intB.Len() == 0 && seenDecimal && len(groups) == 1 {
				break // ".5"
			}
			return "", "misplaced separator"
		}
		if i > 0 && g != 3 {
			return "", "digit groups must have three digits"
		}
	}
	if intB.Len() == 0 && fracB.Len() == 0 {
		return "", "no digits"
	}
	if seenDecimal && fracB.Len() == 0 {
		return intB.String(), ""
	}
	in := strings.TrimLeft(intB.String(), "0")
	if in == "" {
		in = "0"
	}
	if len(in) > 15 {
		return "", "too large"
	}
	if fracB.Len() == 0 {
		return in, ""
	}
	return in + "." + fracB.String(), ""
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
