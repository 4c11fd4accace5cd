package analysis

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// RulesVersion names the quality rules below and the offer key
// (OfferKey); it is part of every product's content hash (see the package
// doc).
const RulesVersion = "q2"

// Rule is one quality rule: a product that fails it loses Points of its
// score of 100.
type Rule struct {
	Code    string `json:"code"`
	Points  int    `json:"points"`
	Message string `json:"message"` // what to fix, for the partner
}

// Rule codes.
const (
	IssueNameLength         = "name_length"
	IssueNameCasing         = "name_casing"
	IssueDescriptionMissing = "description_missing"
	IssueDescriptionIsName  = "description_copies_name"
	IssueBrandMissing       = "brand_missing"
	IssueCategoryMissing    = "category_missing"
	IssueImageMissing       = "image_missing"
	IssueGTINMissing        = "gtin_missing"
	IssueGTINInvalid        = "gtin_invalid"
	IssuePriceMissing       = "price_missing"
	IssuePriceImplausible   = "price_implausible"
	IssueAttributesMissing  = "attributes_missing"
)

// Limits the rules check against.
const (
	MinNameRunes = 10
	MaxNameRunes = 150
	// MaxPlausiblePrice is the highest unit price (in any currency) the
	// price rule takes as plausible; zero and negative prices are not.
	MaxPlausiblePrice = 1_000_000
)

// rules are the quality rules in the order products list their issues.
// A product fails at most one rule of each group (description, GTIN,
// price), so the points add up to 100.
var rules = [...]Rule{
	{IssueNameLength, 10, "the name should be 10 to 150 characters long"},
	{IssueNameCasing, 5, "the name should not be written all in capitals or all in lower case"},
	{IssueDescriptionMissing, 20, "add a description"},
	{IssueDescriptionIsName, 15, "the description repeats the name: describe the product"},
	{IssueBrandMissing, 10, "add the brand"},
	{IssueCategoryMissing, 10, "add a category"},
	{IssueImageMissing, 15, "add at least one image URL"},
	{IssueGTINMissing, 10, "add the GTIN/EAN barcode"},
	{IssueGTINInvalid, 10, "the GTIN/EAN has a wrong check digit"},
	{IssuePriceMissing, 15, "add a price"},
	{IssuePriceImplausible, 15, "the price should be above 0 and below 1,000,000"},
	{IssueAttributesMissing, 5, "fill in the product's attributes (columns such as colour, size or material)"},
}

const (
	ruleNameLength = iota
	ruleNameCasing
	ruleDescriptionMissing
	ruleDescriptionIsName
	ruleBrandMissing
	ruleCategoryMissing
	ruleImageMissing
	ruleGTINMissing
	ruleGTINInvalid
	rulePriceMissing
	rulePriceImplausible
	ruleAttributesMissing
	numRules
)

// Rules returns the quality rules, in the order issues are listed.
func Rules() []Rule { return slices.Clone(rules[:]) }

// RuleMessage returns the message of the rule code, or "" for an unknown
// code.
func RuleMessage(code string) string {
	for _, r := range rules {
		if r.Code == code {
			return r.Message
		}
	}
	return ""
}

// Grade thresholds: a score of at least GradeAMin is an A, and so on; below
// GradeDMin is an E.
const (
	GradeAMin = 90
	GradeBMin = 75
	GradeCMin = 60
	GradeDMin = 40
)

// GradeOf returns the grade of a score.
func GradeOf(score int) string {
	switch {
	case score >= GradeAMin:
		return catalog.GradeA
	case score >= GradeBMin:
		return catalog.GradeB
	case score >= GradeCMin:
		return catalog.GradeC
	case score >= GradeDMin:
		return catalog.GradeD
	}
	return catalog.GradeE
}

// failed is a set of rule indexes.
type failed uint32

// check runs every rule on p. Scoring runs on every product of every
// ingest and must stay a small share of the pipeline's time (make
// bench-ingest), so each text is read at most once and mostly not to its
// end: an ASCII name is measured by its length, its casing is settled by
// its first letters of both cases, and the description is compared with
// the name only until they differ (sameText). reference_test.go keeps the
// plain version the results must agree with.
func check(p *catalog.Product) failed {
	var f failed
	fail := func(rule int) { f |= 1 << rule }
	if n := nameRunes(p.Name); n < MinNameRunes || n > MaxNameRunes {
		fail(ruleNameLength)
	}
	if badCasing(p.Name) {
		fail(ruleNameCasing)
	}
	switch {
	case blank(p.Description):
		fail(ruleDescriptionMissing)
	case sameText(p.Description, p.Name):
		fail(ruleDescriptionIsName)
	}
	if blank(p.Brand) {
		fail(ruleBrandMissing)
	}
	if len(p.Category) == 0 {
		fail(ruleCategoryMissing)
	}
	if !hasImage(p) {
		fail(ruleImageMissing)
	}
	switch gtin := productGTIN(p); {
	case gtin == "":
		fail(ruleGTINMissing)
	case !ValidGTIN(gtin):
		fail(ruleGTINInvalid)
	}
	switch price := productPrice(p); {
	case price == nil:
		fail(rulePriceMissing)
	case !plausible(price.Amount):
		fail(rulePriceImplausible)
	}
	if !hasAttributes(p) {
		fail(ruleAttributesMissing)
	}
	return f
}

// nameRunes is how many runes name has once trimmed of white space.
func nameRunes(name string) int {
	s := strings.TrimSpace(name)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i + utf8.RuneCountInString(s[i:])
		}
	}
	return len(s)
}

// badCasing reports a name of at least four letters written all in
// capitals or all in lower case. It stops at the first letter that breaks
// both.
func badCasing(name string) bool {
	letters, upper, lower := 0, 0, 0
	for i := 0; i < len(name); {
		var isLetter, isUpper, isLower bool
		if c := name[i]; c < utf8.RuneSelf {
			i++
			l := c | 0x20 // lower case, for an ASCII letter
			isLetter = 'a' <= l && l <= 'z'
			isLower = isLetter && c == l
			isUpper = isLetter && c != l
		} else {
			r, size := utf8.DecodeRuneInString(name[i:])
			i += size
			isLetter = unicode.IsLetter(r)
			isUpper = isLetter && unicode.IsUpper(r)
			isLower = isLetter && !isUpper && unicode.IsLower(r)
		}
		if !isLetter {
			continue
		}
		letters++
		if isUpper {
			upper++
		} else if isLower {
			lower++
		}
		if upper != letters && lower != letters {
			return false // neither all capitals nor all lower case
		}
	}
	return letters >= 4
}

// blank reports whether s is empty or only white space, without trimming
// a long text that starts with a letter.
func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		case c < utf8.RuneSelf:
			return false
		default:
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}

// Score returns p's quality: 100 less the points of every rule it fails,
// its grade, and the codes of the failed rules.
func Score(p *catalog.Product) catalog.Quality {
	return qualityOf(check(p))
}

func qualityOf(f failed) catalog.Quality {
	q := catalog.Quality{Score: 100}
	if f != 0 {
		q.Issues = make([]string, 0, bits.OnesCount32(uint32(f)))
	}
	for i := range numRules {
		if f&(1<<i) != 0 {
			q.Score -= rules[i].Points
			q.Issues = append(q.Issues, rules[i].Code)
		}
	}
	q.Grade = GradeOf(q.Score)
	return q
}

// sameText reports whether a and b are the same words, ignoring case,
// punctuation and spacing: the words (runs of letters and digits) of both,
// compared as strings.EqualFold does, in one walk over both texts that
// stops where they first differ.
func sameText(a, b string) bool {
	wa, wb := words{s: a}, words{s: b}
	for {
		ra, startA, okA := wa.next()
		rb, startB, okB := wb.next()
		if okA != okB {
			return false
		}
		if !okA {
			return true
		}
		if startA != startB || !foldEqual(ra, rb) {
			return false
		}
	}
}

// words walks the letters and digits of s.
type words struct {
	s   string
	i   int
	gap bool // a rune other than a letter or digit since the last one
}

// next returns the next letter or digit, whether it starts a word (the
// first one, or one after anything else), and false at the end.
func (w *words) next() (r rune, starts, ok bool) {
	starts = w.i == 0
	for w.i < len(w.s) {
		if c := w.s[w.i]; c < utf8.RuneSelf {
			w.i++
			if l := c | 0x20; ('a' <= l && l <= 'z') || c-'0' <= 9 {
				starts = starts || w.gap
				w.gap = false
				return rune(c), starts, true
			}
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(w.s[w.i:])
			w.i += size
			if !notWord(r) {
				starts = starts || w.gap
				w.gap = false
				return r, starts, true
			}
		}
		w.gap = true
	}
	return 0, false, false
}

// foldEqual reports whether r and s are equal under Unicode simple case
// folding, as strings.EqualFold compares runes.
func foldEqual(r, s rune) bool {
	if r == s {
		return true
	}
	if s < r {
		r, s = s, r
	}
	if s < utf8.RuneSelf {
		return 'A' <= r && r <= 'Z' && s == r+'a'-'A'
	}
	t := unicode.SimpleFold(r)
	for t != r && t < s {
		t = unicode.SimpleFold(t)
	}
	return t == s
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func hasImage(p *catalog.Product) bool {
	if len(p.Images) > 0 {
		return true
	}
	for _, v := range p.Variants {
		if v.Image != "" {
			return true
		}
	}
	return false
}

// productGTIN is the product's GTIN, else its first variant's.
func productGTIN(p *catalog.Product) string {
	if p.GTIN != "" {
		return p.GTIN
	}
	for _, v := range p.Variants {
		if v.GTIN != "" {
			return v.GTIN
		}
	}
	return ""
}

// productPrice is the product's price, else its first priced variant's.
func productPrice(p *catalog.Product) *catalog.Money {
	if p.Price != nil {
		return p.Price
	}
	for _, v := range p.Variants {
		if v.Price != nil {
			return v.Price
		}
	}
	return nil
}

func plausible(d catalog.Decimal) bool {
	return d.Units > 0 && d.Cmp(catalog.Decimal{Units: MaxPlausiblePrice}) < 0
}

func hasAttributes(p *catalog.Product) bool {
	if len(p.Attributes) == 0 && len(p.Variants) == 0 {
		return false
	}
	for _, v := range p.Attributes {
		if !blank(v) {
			return true
		}
	}
	for _, v := range p.Variants {
		if len(v.Options) > 0 {
			return true
		}
	}
	return false
}

// ValidGTIN reports whether s is an EAN-8, UPC-A, EAN-13 or GTIN-14: 8,
// 12, 13 or 14 digits with a correct GS1 check digit.
func ValidGTIN(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		if i == len(s)-1 {
			continue
		}
		n := int(c - '0')
		if (len(s)-2-i)%2 == 0 {
			n *= 3
		}
		sum += n
	}
	return (10-sum%10)%10 == int(s[len(s)-1]-'0')
}

// Summary adds up the quality of a catalog's products. The zero value is
// ready; it is not safe for concurrent use.
type Summary struct {
	products, scores, toFix int
	grades                  [5]int
	issues                  [numRules]int
	// seen holds the quality of each set of failed rules met so far: a
	// catalog has few of them, and their products share one Issues slice.
	seen map[failed]catalog.Quality
}

// Add scores p, counts it, and returns its quality. Products that fail
// the same rules share the returned Issues slice: it must not be modified.
func (s *Summary) Add(p *catalog.Product) catalog.Quality {
	f := check(p)
	q, ok := s.seen[f]
	if !ok {
		q = qualityOf(f)
		if s.seen == nil {
			s.seen = make(map[failed]catalog.Quality)
		}
		s.seen[f] = q
	}
	s.products++
	s.scores += q.Score
	s.grades[q.Grade[0]-'A']++
	if f != 0 {
		s.toFix++
	}
	for i := range numRules {
		if f&(1<<i) != 0 {
			s.issues[i]++
		}
	}
	return q
}

// Result returns the summary of the products added so far.
func (s *Summary) Result() *catalog.QualitySummary {
	out := &catalog.QualitySummary{Products: s.products, Grades: map[string]int{}, Issues: []catalog.IssueCount{}, ToFix: s.toFix}
	if s.products > 0 {
		out.Score = s.scores / s.products
		out.Grade = GradeOf(out.Score)
	}
	for i, g := range catalog.Grades() {
		out.Grades[g] = s.grades[i]
	}
	for i, n := range s.issues {
		if n > 0 {
			out.Issues = append(out.Issues, catalog.IssueCount{Code: rules[i].Code, Message: rules[i].Message, Count: n})
		}
	}
	slices.SortStableFunc(out.Issues, func(a, b catalog.IssueCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// ToFixHeader is the header of a catalog's products-to-fix CSV.
func ToFixHeader() []string {
	return []string{"id", "sku", "name", "grade", "score", "issues", "how_to_fix"}
}

// ToFixRecord is the row of p (scored q) in the products-to-fix CSV: the
// issue codes and their messages, separated by " | ".
func ToFixRecord(p *catalog.Product, q catalog.Quality) []string {
	msgs := make([]string, len(q.Issues))
	for i, c := range q.Issues {
		msgs[i] = RuleMessage(c)
	}
	return []string{p.ID, p.SKU, p.Name, q.Grade, strconv.Itoa(q.Score), strings.Join(q.Issues, " | "), strings.Join(msgs, " | ")}
}
