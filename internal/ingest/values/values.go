// Package values turns the cells of partners' files into clean product
// values: exact prices with an ISO 4217 currency from any common written
// form, verified GTINs, http(s) image URLs, category paths and normalised
// text. Every parser returns a stable error code on bad input and never
// panics.
package values

import (
	"math/bits"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Stable codes of the problems these parsers find; reports carry them.
const (
	CodeBadPrice = "bad_price"
	CodeBadGTIN  = "bad_gtin"
	CodeBadURL   = "bad_url"
	CodeBadInt   = "bad_number"
	// CodeAmbiguousCurrency warns of a price whose currency sign several
	// currencies write (see Ambiguity), read in its most common one.
	CodeAmbiguousCurrency = "ambiguous_currency"
)

// Error is a value problem with a stable code and a message for a person.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// MaxTextBytes caps one cleaned text value; longer values are cut at a rune
// boundary.
const MaxTextBytes = 64 << 10

// Text trims s, collapses runs of white space (including non-breaking
// spaces) into one space, removes control characters and returns Unicode
// NFC. Invalid UTF-8 bytes are dropped (callers detect encoding problems
// before they get here).
func Text(s string) string {
	if s == "" || isClean(s) {
		return s
	}
	return cleanText(s)
}

// cleanText is Text without the fast path.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' {
			space = true
			continue
		}
		if unicode.IsControl(r) || r == '\ufeff' {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		if b.Len() > MaxTextBytes {
			break
		}
	}
	out := capText(b.String())
	if isASCII(out) {
		return out
	}
	return norm.NFC.String(out)
}

// MultilineText is Text for descriptions: it keeps line breaks (collapsing
// blank-line runs to one) and normalises each line.
func MultilineText(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return Text(s)
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if t := Text(l); t != "" {
			out = append(out, t)
		}
	}
	return capText(strings.Join(out, "\n"))
}

// capText cuts s to MaxTextBytes at a rune boundary.
func capText(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	s = s[:MaxTextBytes]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// IsClean reports whether Text would return s unchanged. A clean
// string is also valid UTF-8 without U+FFFD, so callers use it as a
// one-pass check of both the encoding and the text of a cell.
func IsClean(s string) bool { return s == "" || isClean(s) }

// isClean reports whether Text would return s unchanged: no leading,
// trailing or doubled space, no other white space than ' ', no control
// characters, valid UTF-8 in NFC, and not over MaxTextBytes. Most cells
// are, and this check allocates nothing and reads s once.
func isClean(s string) bool {
	if len(s) > MaxTextBytes || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	nfc := true    // every rune so far is NFC whatever follows
	space := false // the byte before i is a space
	for i := 0; i < len(s); {
		// Up to eight bytes at a time while they are printable ASCII: no
		// byte below 0x20, no DEL, no two spaces in a row. The m bytes
		// at i are packed in x (fewer than eight at the end of s, padded
		// with letters); when one has the high bit, the n ASCII bytes
		// before it are checked the same way, and that character below.
		m := min(len(s)-i, 8)
		var x uint64
		switch {
		case m == 8:
			x = le64(s[i:])
		case len(s) >= 8: // the last eight bytes, shifted to drop those done
			x = le64(s[len(s)-8:]) >> (8 * (8 - m))
		default:
			for j := range m {
				x |= uint64(s[i+j]) << (8 * j)
			}
		}
		n := m
		if high := x & hi8; high != 0 {
			n = bits.TrailingZeros64(high) >> 3
		}
		if n > 0 {
			if n < 8 {
				keep := uint64(1)<<(8*n) - 1
				x = x&keep | lo8*'A'&^keep
			}
			// x - 0x20 per byte borrows where a byte is below 0x20 (a
			// borrow only adds to a true hit); XOR with 0x7f zeroes a DEL.
			if (x-lo8*0x20)&^x&hi8 != 0 || hasZeroByte(x^lo8*0x7f) {
				return false
			}
			// The high bit of each byte of sp is set exactly where the
			// byte is a space (an exact zero-byte test of x^' ').
			y := x ^ lo8*0x20
			sp := ^((y&low7x8 + low7x8) | y | low7x8)
			if sp&(sp>>8) != 0 || space && sp&0x80 != 0 {
				return false
			}
			space = sp&(0x80<<(8*(n-1))) != 0
			i += n
			if n == m {
				continue
			}
		}
		// s[i] starts a multi-byte character.
		size, ok, stable := cleanMultiByte(s[i:])
		if !ok {
			return false
		}
		space = false
		nfc = nfc && stable
		i += size
	}
	return nfc || norm.NFC.IsNormalString(s)
}

// Byte masks of the eight-bytes-at-a-time checks: 0x01, 0x80 and 0x7f in
// every byte.
const lo8, hi8, low7x8 = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f

// le64 reads the first eight bytes of s, little-endian.
func le64(s string) uint64 {
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// cleanMultiByte checks the character that starts s, whose first byte is
// not ASCII: its size, whether Text keeps it (valid, printable, not white
// space), and whether it stays NFC whatever follows.
func cleanMultiByte(s string) (size int, ok, stable bool) {
	// U+00A1 to U+02FF (accented Latin letters, the usual case, and
	// Latin-1 signs): two bytes, printable, in NFC whatever follows.
	if c := s[0]; len(s) > 1 && s[1]&0xC0 == 0x80 && (c >= 0xC3 && c <= 0xCB || c == 0xC2 && s[1] > 0xA0) {
		return 2, true, true
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || r == '\ufeff' || unicode.IsSpace(r) || r == '\u202f' || unicode.IsControl(r) {
		return 0, false, false
	}
	return size, true, stableNFC(r)
}

// hasZeroByte reports whether one of x's bytes is zero.
func hasZeroByte(x uint64) bool {
	return (x-lo8)&^x&hi8 != 0
}

// stableNFC reports runes that are in NFC and never compose with a
// neighbour: everything below the combining diacritics (U+0300), common
// CJK ideographs, and kana other than the combining sound marks.
func stableNFC(r rune) bool {
	return r < 0x300 || r >= 0x4E00 && r <= 0x9FFF || r >= 0x3040 && r <= 0x30FF && r != 0x3099 && r != 0x309A
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Category splits a category path on '>', '/' or '|' (whichever the value
// uses, in that order of preference) into cleaned, non-empty parts. A value
// with commas and none of these separators ("Home, iPods", as PrestaShop
// writes a list of categories) is a list: the first entry is used as a
// one-level path and the others are returned as extra.
func Category(s string) (path []string, extra []string) {
	return CleanCategory(Text(s))
}

// CleanCategory is Category of a value that is already clean text (as
// Text returns it).
func CleanCategory(s string) (path []string, extra []string) {
	return CleanCategoryOn(s, AllCategorySeparators)
}

// Category separators: the set a CleanCategoryOn call splits on.
const (
	// AllCategorySeparators splits on each separator a category path may
	// use.
	AllCategorySeparators = ">/|"
	// PathSeparator is the separator that always writes a hierarchy
	// ("Home > Garden"): the platforms' exports and Google's taxonomy.
	PathSeparator = ">"
)

// CleanCategoryOn is CleanCategory splitting only on the separators in
// seps (a subset of AllCategorySeparators; "" splits on none): a value
// whose separator is not in seps is one flat name ("Bags/Totes"). Lists
// (commas) are read as CleanCategory reads them.
func CleanCategoryOn(s, seps string) (path []string, extra []string) {
	if s == "" {
		return nil, nil
	}
	n := countSeparators(s)
	on := func(b byte) bool { return strings.IndexByte(seps, b) >= 0 }
	switch {
	case n.commas > 0 && (n.slashes > 0 && on('/') || n.gts > 0 && on('>')):
		return categoryPaths(s, seps)
	case n.gts > 0 && on('>'):
		return splitCategory(s, '>', n.gts), nil
	case n.gts > 0:
		// A path written with '>' that must not be split stays whole, '/'
		// or '|' included.
	case n.slashes > 0 && on('/'):
		return splitCategory(s, '/', n.slashes), nil
	case n.bars > 0 && on('|'):
		return splitCategory(s, '|', n.bars), nil
	case n.commas > 0:
		return categoryList(s)
	}
	return []string{s}, nil
}

// TreeSeparators returns the separators a catalog's category values (a
// sample of the cells of its category column, clean text) use to write a
// hierarchy: '>' always, and '/' or '|' only when that separator draws a
// tree. A value "A/B/C" holds the parents "A" and "A/B"; a value is part
// of a tree when one of its parents is shared (another value puts a
// different child under it: "Home/Garden/Pots" and "Home/Garden/Tools")
// or stands as a category of its own ("Bags" beside "Bags/Totes"). The
// separator draws a tree when at least two distinct values hold it and
// at least half of them are part of a tree; otherwise the values are flat
// names that happen to hold it ("Bags/Totes", "Women/Men", "Tea/Coffee").
// docs/ingest.md states the rule.
func TreeSeparators(cells []string) string {
	out := PathSeparator
	for _, sep := range []byte{'/', '|'} {
		if drawsTree(cells, sep) {
			out += string(sep)
		}
	}
	return out
}

// drawsTree applies TreeSeparators' rule to one separator.
func drawsTree(cells []string, sep byte) bool {
	values := map[string][]string{} // folded value -> its parts
	standalone := map[string]bool{} // folded values without sep
	for _, c := range cells {
		if strings.IndexByte(c, '>') >= 0 {
			continue
		}
		for _, entry := range strings.Split(c, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			k := strings.ToLower(entry)
			n := strings.Count(entry, string(sep))
			if n == 0 {
				standalone[k] = true
				continue
			}
			if parts := splitCategory(entry, sep, n); len(parts) > 1 {
				values[strings.ToLower(strings.Join(parts, "\x00"))] = parts
			}
		}
	}
	if len(values) < 2 {
		return false
	}
	children := map[string]map[string]bool{} // folded parent path -> its children
	for _, parts := range values {
		for i := 1; i < len(parts); i++ {
			parent := strings.ToLower(strings.Join(parts[:i], "\x00"))
			if children[parent] == nil {
				children[parent] = map[string]bool{}
			}
			children[parent][strings.ToLower(parts[i])] = true
		}
	}
	inTree := 0
	for _, parts := range values {
		for i := 1; i < len(parts); i++ {
			parent := strings.ToLower(strings.Join(parts[:i], "\x00"))
			_, listed := values[parent]
			if len(children[parent]) > 1 || listed || i == 1 && standalone[strings.ToLower(parts[0])] {
				inTree++
				break
			}
		}
	}
	return inTree*2 >= len(values)
}

// categorySeparators counts the separators a category value uses.
type categorySeparators struct{ commas, gts, slashes, bars int }

// countSeparators finds the separators of s in one pass.
func countSeparators(s string) categorySeparators {
	var n categorySeparators
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			n.commas++
		case '>':
			n.gts++
		case '/':
			n.slashes++
		case '|':
			n.bars++
		}
	}
	return n
}

// categoryPaths reads a list of paths (Magento: "Default Category/Gear,
// Default Category/Gear/Bags"): the deepest is the product's category
// (without the root's name), the others are extra.
func categoryPaths(s, seps string) (best []string, extra []string) {
	for p := range strings.SplitSeq(s, ",") {
		q, _ := CleanCategoryOn(Text(p), seps)
		if len(q) > 0 && (q[0] == "Default Category" || q[0] == "Root Catalog") {
			q = q[1:]
		}
		if len(q) > len(best) {
			if best != nil {
				extra = append(extra, strings.Join(best, " > "))
			}
			best = q
		} else if len(q) > 0 {
			extra = append(extra, strings.Join(q, " > "))
		}
	}
	return best, extra
}

// categoryList reads a list of categories ("Home, iPods"): the first
// non-empty entry is a one-level path, the others are extra.
func categoryList(s string) (path []string, extra []string) {
	for i, p := range strings.Split(s, ",") {
		if p = Text(p); p != "" {
			if i == 0 || path == nil {
				path = []string{p}
			} else {
				extra = append(extra, p)
			}
		}
	}
	return path, extra
}

// splitCategory splits a clean path on sep, which it holds n times, into
// its non-empty trimmed parts; nil when none.
func splitCategory(s string, sep byte, n int) []string {
	// s is clean (Text), so each part only needs trimming.
	path := make([]string, 0, n+1)
	for {
		i := strings.IndexByte(s, sep)
		p := s
		if i >= 0 {
			p = s[:i]
		}
		if p = strings.TrimSpace(p); p != "" {
			path = append(path, p)
		}
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	if len(path) == 0 {
		return nil
	}
	return path
}

// ImageURLs splits a cell holding one or more image URLs (separated by
// commas, '|', ';' or white space) and validates each with ImageURL. It
// returns the valid URLs and the first problem found.
func ImageURLs(s string) ([]string, *Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if len(s) <= 2048 && plainURL(s) && strings.IndexByte(s, ',') < 0 && strings.IndexByte(s, ';') < 0 {
		// One URL (plainURL allows no space or '|'), as ImageURL returns it.
		return []string{s}, nil
	}
	if !hasURLSeparator(s) {
		u, err := ImageURL(s)
		if err != nil {
			return nil, err
		}
		return []string{u}, nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '|' || r == ';' || unicode.IsSpace(r)
	})
	var out []string
	var first *Error
	for _, p := range parts {
		u, err := ImageURL(p)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		out = append(out, u)
	}
	return out, first
}

// hasURLSeparator reports whether s holds one of the characters that
// separate URLs in a cell: , | ; or white space.
func hasURLSeparator(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '|', ';', ' ', '\t', '\r', '\n':
			return true
		}
	}
	return false
}

// ImageURL validates one absolute http or https URL with a host.
func ImageURL(s string) (string, *Error) {
	s = strings.TrimSpace(s)
	if len(s) > 2048 {
		return "", errorf(CodeBadURL, "image URL is longer than 2048 characters")
	}
	if plainURL(s) {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", errorf(CodeBadURL, quote(s)+" is not an http(s) URL")
	}
	return u.String(), nil
}

// plainURL reports an http(s) URL that url.Parse would return unchanged:
// a lower-case scheme, a host of letters, digits, dots and dashes, and a
// path, query and fragment of printable ASCII without spaces, '%' or '\\'.
// It saves parsing the common case.
func plainURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	// The host runs to the first / ? or #.
	i := 0
	for ; i < len(rest); i++ {
		c := rest[i]
		if c == '/' || c == '?' || c == '#' {
			break
		}
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '-' {
			return false
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(rest); i++ {
		if !urlByte(rest[i]) {
			return false
		}
	}
	return true
}

// Bytes of the path, query and fragment of a plain URL: printable ASCII
// but space " % < > \ ^ ` { | } [ ], as bit sets of 0-63 and 64-127.
const (
	urlBytes0 = ^uint64(0) &^ (1<<('!') - 1) &^ (1 << '"') &^ (1 << '%') &^ (1 << '<') &^ (1 << '>')
	urlBytes1 = ^uint64(0) &^ (1 << ('\\' - 64)) &^ (1 << ('^' - 64)) &^ (1 << ('`' - 64)) &^ (1 << ('{' - 64)) &^
		(1 << ('|' - 64)) &^ (1 << ('}' - 64)) &^ (1 << ('[' - 64)) &^ (1 << (']' - 64)) &^ (1 << (0x7f - 64))
)

func urlByte(c byte) bool {
	switch {
	case c < 64:
		return urlBytes0>>c&1 != 0
	case c < 128:
		return urlBytes1>>(c-64)&1 != 0
	}
	return false
}

// GTIN verifies an EAN-8, UPC-A (12), EAN-13 or GTIN-14 code: digits only
// (spaces and dashes are removed) and a correct check digit. It returns the
// digits.
func GTIN(s string) (string, *Error) {
	if digitsOnly(s) && (len(s) == 8 || len(s) >= 12 && len(s) <= 14) {
		if gtinCheck(s) {
			return s, nil
		}
		return "", errorf(CodeBadGTIN, quote(s)+" has a wrong check digit")
	}
	s = strings.TrimSpace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", errorf(CodeBadGTIN, quote(s)+" is not a GTIN: only digits are allowed (a spreadsheet may have turned it into a number like 3.65E+11)")
		}
	}
	d := b.String()
	switch len(d) {
	case 8, 12, 13, 14:
	default:
		return "", errorf(CodeBadGTIN, quote(s)+" is not a GTIN: it must have 8, 12, 13 or 14 digits")
	}
	if !gtinCheck(d) {
		return "", errorf(CodeBadGTIN, quote(s)+" has a wrong check digit")
	}
	return d, nil
}

// gtinCheck verifies the GS1 check digit of a string of digits.
func gtinCheck(d string) bool {
	return catalog.GTINCheckDigit(d[:len(d)-1]) == d[len(d)-1]-'0'
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Int parses a whole non-negative quantity ("12", "1 000", "12 pcs",
// "12.0"). Empty is 0 with no error.
func Int(s string) (int, *Error) {
	s = Text(s)
	if s == "" {
		return 0, nil
	}
	n, digits := 0, 0
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if n > 1e9 {
				return 0, errorf(CodeBadInt, quote(s)+" is too large")
			}
			n = n*10 + int(c-'0')
			digits++
			continue
		}
		if c == ' ' && digits > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			continue // thousands separator
		}
		break
	}
	rest := strings.TrimSpace(s[i:])
	if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, ",") {
		frac := strings.TrimLeft(rest[1:], "0")
		if frac == "" || !unicode.IsDigit(rune(frac[0])) {
			rest = strings.TrimSpace(strings.TrimLeft(rest[1:], "0"))
		} else {
			return 0, errorf(CodeBadInt, quote(s)+" is not a whole number")
		}
	}
	if digits == 0 || (rest != "" && !isWordy(rest)) {
		return 0, errorf(CodeBadInt, quote(s)+" is not a whole number")
	}
	return n, nil
}

// isWordy reports whether a unit suffix ("pcs", "pièces", "days") follows a
// number: letters and spaces only.
func isWordy(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != ' ' && r != '.' {
			return false
		}
	}
	return true
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return `"` + s + `"`
}
