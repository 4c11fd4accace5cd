package tabular

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// textEncoding is the encoding a text file is read with.
type textEncoding struct {
	name string
	enc  encoding.Encoding // nil for UTF-8 (read as is)
	bom  int               // bytes of byte-order mark to skip
	// declared is true when the partner declared the encoding: no
	// per-cell fallback then.
	declared bool
}

func (t textEncoding) reader(r io.Reader) io.Reader {
	return transform.NewReader(r, t.enc.NewDecoder())
}

// decodeSample decodes the start of a file, tolerating a character cut at
// the end of the sample.
func (t textEncoding) decodeSample(b []byte) string {
	if t.enc == nil {
		return string(b)
	}
	out, _ := t.enc.NewDecoder().Bytes(b)
	return string(out)
}

// Byte-order marks.
const (
	bomUTF8    = "\xEF\xBB\xBF"
	bomUTF16LE = "\xFF\xFE"
	bomUTF16BE = "\xFE\xFF"
)

// detectEncoding picks the encoding of a text file from its first bytes:
// the declared one if any, else a byte-order mark, else UTF-8 when the
// sample is valid UTF-8, else the likeliest of Windows-1252, GB18030 and
// Shift-JIS.
func detectEncoding(sample []byte, declared string) (textEncoding, error) {
	if declared != "" {
		e, err := htmlindex.Get(declared)
		if err != nil {
			return textEncoding{}, refuse(CodeEncoding, "the declared encoding %q is not one we know", declared)
		}
		name, _ := htmlindex.Name(e)
		name = strings.ToLower(name)
		t := textEncoding{name: name, enc: e, declared: true}
		switch name {
		case "utf-8":
			t.enc = nil
			if bytes.HasPrefix(sample, []byte(bomUTF8)) {
				t.bom = 3
			}
		case "utf-16le":
			if bytes.HasPrefix(sample, []byte(bomUTF16LE)) {
				t.bom = 2
			}
		case "utf-16be":
			if bytes.HasPrefix(sample, []byte(bomUTF16BE)) {
				t.bom = 2
			}
		}
		return t, nil
	}
	switch {
	case bytes.HasPrefix(sample, []byte(bomUTF8)):
		return textEncoding{name: "utf-8", bom: 3}, nil
	case bytes.HasPrefix(sample, []byte(bomUTF16LE)):
		return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), bom: 2}, nil
	case bytes.HasPrefix(sample, []byte(bomUTF16BE)):
		return textEncoding{name: "utf-16be", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), bom: 2}, nil
	}
	if le, be := nulPattern(sample); le {
		return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}, nil
	} else if be {
		return textEncoding{name: "utf-16be", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}, nil
	}
	if validUTF8Prefix(sample) {
		return textEncoding{name: "utf-8"}, nil
	}
	best := textEncoding{name: "windows-1252", enc: charmap.Windows1252}
	bestScore := latinScore(best.decodeSample(sample))
	for _, c := range []textEncoding{
		{name: "gb18030", enc: simplifiedchinese.GB18030},
		{name: "shift_jis", enc: japanese.ShiftJIS},
	} {
		if s := cjkScore(c.decodeSample(trimPartial(sample))); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, nil
}

// nulPattern reports UTF-16 text without a BOM: ASCII characters leave a
// NUL in every other byte.
func nulPattern(b []byte) (le, be bool) {
	if len(b) < 8 {
		return false, false
	}
	n := min(len(b), 4096) &^ 1
	evenNul, oddNul := 0, 0
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			evenNul++
		}
		if b[i+1] == 0 {
			oddNul++
		}
	}
	half := n / 2
	return oddNul*10 > half*7 && evenNul*10 < half, evenNul*10 > half*7 && oddNul*10 < half
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a character
// cut by the end of the sample.
func validUTF8Prefix(b []byte) bool {
	return utf8.Valid(trimPartial(b))
}

// trimPartial drops an incomplete multi-byte sequence at the end of b.
func trimPartial(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // a lead byte: is its sequence complete?
			need := 2
			if c >= 0xE0 {
				need = 3
			}
			if c >= 0xF0 {
				need = 4
			}
			if need > i {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// latinScore rates text decoded as Windows-1252: accented letters standing
// alone among ASCII are typical; runs of non-ASCII characters are what
// CJK bytes look like through a Latin code page.
func latinScore(s string) int {
	score := 0
	rs := []rune(s)
	for i, r := range rs {
		if r < 0x80 {
			continue
		}
		alone := (i == 0 || rs[i-1] < 0x80) && (i == len(rs)-1 || rs[i+1] < 0x80)
		switch {
		case r == utf8.RuneError || r < 0xA0:
			score -= 3
		case alone:
			score += 2
		default:
			score--
		}
	}
	return score
}

// cjkScore rates text decoded as GB18030 or Shift-JIS: kana and common
// ideographs in runs are typical; half-width katakana, rare blocks and
// ideographs stuck between ASCII letters are what Latin text looks like
// through a CJK code page.
func cjkScore(s string) int {
	score := 0
	rs := []rune(s)
	for i, r := range rs {
		if r < 0x80 {
			continue
		}
		switch {
		case r == utf8.RuneError:
			score -= 5
		case r >= 0x3040 && r <= 0x30FF: // hiragana, katakana
			score += 3
		case r >= 0x4E00 && r <= 0x9FFF:
			score += 2
		case r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E:
			score++
		case r >= 0xFF61 && r <= 0xFF9F:
			score -= 2
		default:
			score -= 3
		}
		if i > 0 && i < len(rs)-1 && isASCIILetter(rs[i-1]) && isASCIILetter(rs[i+1]) {
			score -= 4
		}
	}
	return score
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// fixCell handles a cell of a file read as UTF-8 (not declared) that is
// not valid UTF-8: it is read as Windows-1252 (files assembled from
// several sources mix encodings). It reports whether it did so.
func fixCell(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return s, false
	}
	return out, true
}
