package catalog

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxDecimalScale is the most digits after the point a Decimal keeps.
const MaxDecimalScale = 6

// Decimal is an exact decimal number: Units × 10^-Scale. Prices are Decimals,
// never floats. The zero value is 0. Decimals are compared with Cmp, not ==,
// since 1.5 and 1.50 differ in Scale.
type Decimal struct {
	Units int64
	Scale uint8
}

// ParseDecimal parses a plain decimal in canonical form: an optional minus,
// digits, and optionally a point and up to MaxDecimalScale digits
// ("12", "-0.5", "1234.56"). Locale forms ("12,50 €") are the ingest
// package's job; this is the wire and storage form.
func ParseDecimal(s string) (Decimal, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" || (hasPoint && frac == "") || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, Errorf(CodeInvalid, "%q is not a decimal number", orig)
	}
	if len(frac) > MaxDecimalScale {
		return Decimal{}, Errorf(CodeInvalid, "%q has more than %d decimals", orig, MaxDecimalScale)
	}
	u, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return Decimal{}, Errorf(CodeInvalid, "%q is out of range", orig)
	}
	if neg {
		u = -u
	}
	return Decimal{Units: u, Scale: uint8(len(frac))}, nil //nolint:gosec // len(frac) <= MaxDecimalScale, checked above
}

// MustDecimal is ParseDecimal for constants in tests and generators; it
// panics on a malformed literal, which is a programming error.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the canonical form, keeping the scale ("12.50").
func (d Decimal) String() string {
	u := d.Units
	neg := u < 0
	var digits string
	if neg {
		digits = strconv.FormatUint(uint64(-u), 10)
	} else {
		digits = strconv.FormatInt(u, 10)
	}
	if d.Scale > 0 {
		for len(digits) <= int(d.Scale) {
			digits = "0" + digits
		}
		cut := len(digits) - int(d.Scale)
		digits = digits[:cut] + "." + digits[cut:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// rescale returns Units at a larger scale, and false on overflow.
func (d Decimal) rescale(scale uint8) (int64, bool) {
	u := d.Units
	for s := d.Scale; s < scale; s++ {
		if u > math.MaxInt64/10 || u < math.MinInt64/10 {
			return 0, false
		}
		u *= 10
	}
	return u, true
}

// Cmp compares d and e by value: -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	scale := max(d.Scale, e.Scale)
	a, okA := d.rescale(scale)
	b, okB := e.rescale(scale)
	if !okA || !okB { // astronomically large; fall back to floats
		return cmp.Compare(d.Float64(), e.Float64()) // never NaN: Scale is at most 255
	}
	return cmp.Compare(a, b)
}

// Float64 returns an approximation for search engines' numeric range fields.
// Never use it for money arithmetic.
func (d Decimal) Float64() float64 {
	return float64(d.Units) / math.Pow10(int(d.Scale))
}

// MarshalJSON writes the canonical form as a JSON string, so that no JSON
// reader turns a price into a binary float.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a JSON string or number in canonical form.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseDecimal(s)
	if err != nil {
		return fmt.Errorf("decimal: %w", err)
	}
	*d = v
	return nil
}

// Money is an exact amount in an ISO 4217 currency.
type Money struct {
	Amount   Decimal `json:"amount"`
	Currency string  `json:"currency"`
}

// String formats m as "12.50 EUR".
func (m Money) String() string { return m.Amount.String() + " " + m.Currency }
