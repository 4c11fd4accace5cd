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
// valid UTF-8, no control characters. "" is valid: no display name, the
// partner id is shown. A bad name is CodeInvalid.
func CheckDisplayName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(CodeInvalid, "display_name is not valid UTF-8")
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxDisplayNameLength {
		return "", Errorf(CodeInvalid, "display_name is longer than %d characters", MaxDisplayNameLength)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", Errorf(CodeInvalid, "display_name holds a control character")
	}
	return name, nil
}
