package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDisplayNameLength is the longest partner display name, in characters.
const MaxDisplayNameLength = 80

// CheckDisplayName trims a partner's display name (the name buyers see
// instead of the partner id, kept in the partner's settings as
// display_name) and checks it: at most MaxDisplayNameLength characters of
// valid UTF-8, no control characters (C0, DEL, C1), both checked
// before the trim. "" is valid: no display name, the
// partner id is shown. A bad name is CodeInvalid.
func CheckDisplayName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(CodeInvalid, "display_name is not valid UTF-8")
	}
	// Checked before trimming, as the API document states them: a tab or
	// a newline at either end is refused too.
	if utf8.RuneCountInString(name) > MaxDisplayNameLength {
		return "", Errorf(CodeInvalid, "display_name is longer than %d characters", MaxDisplayNameLength)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", Errorf(CodeInvalid, "display_name holds a control character")
	}
	return strings.TrimSpace(name), nil
}

// Values of a partner's zero_price setting (kept in its settings beside
// display_name): what a price of 0 means in the partner's files.
const (
	// ZeroPriceOnRequest, the default: files write 0 for "price on
	// request"; search treats it as no price.
	ZeroPriceOnRequest = "on_request"
	// ZeroPriceFree: 0 is the price, the product costs nothing
	// (Product.Free).
	ZeroPriceFree = "free"
)

// CheckZeroPrice checks a zero_price setting: "" (the default),
// ZeroPriceOnRequest or ZeroPriceFree. Anything else is CodeInvalid.
func CheckZeroPrice(v string) error {
	if v != "" && v != ZeroPriceOnRequest && v != ZeroPriceFree {
		return Errorf(CodeInvalid, "zero_price must be %q or %q, not %q", ZeroPriceOnRequest, ZeroPriceFree, v)
	}
	return nil
}
