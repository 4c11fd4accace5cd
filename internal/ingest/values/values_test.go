package values

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestPrice(t *testing.T) {
	tests := []struct {
		in, def  string
		amount   string
		currency string
		ok       bool
		code     string
	}{
		{"12,50 €", "", "12.50", "EUR", true, ""},
		{"1 234,56", "EUR", "1234.56", "EUR", true, ""},
		{"1\u00a0234,56 €", "", "1234.56", "EUR", true, ""},
		{"1.234,56", "EUR", "1234.56", "EUR", true, ""},
		{"1,234.56", "USD", "1234.56", "USD", true, ""},
		{"$12.50", "EUR", "12.50", "USD", true, ""},
		{"12.5 USD", "", "12.5", "USD", true, ""},
		{"EUR 12,50", "", "12.50", "EUR", true, ""},
		{"12,50 € HT", "", "12.50", "EUR", true, ""},
		{"€12", "", "12", "EUR", true, ""},
		{"12", "cny", "12", "CNY", true, ""},
		{"¥1200", "CNY", "1200", "CNY", true, ""},
		{"0,125", "EUR", "0.125", "EUR", true, ""},
		{"1,234", "EUR", "1234", "EUR", true, ""},
		{"1'234.50 CHF", "", "1234.50", "CHF", true, ""},
		{"12.-", "CHF", "12", "CHF", true, ""},
		{".5", "EUR", "0.5", "EUR", true, ""},
		{"US$ 3.99", "", "3.99", "USD", true, ""},
		{"15 000 Fcfa", "XAF", "15000", "XAF", true, ""},
		{"99 kr", "NOK", "99", "NOK", true, ""},
		{"$12.50", "CAD", "12.50", "CAD", true, ""},
		{"1 290 Kč", "EUR", "1290", "CZK", true, ""},
		{"4 990 Ft", "EUR", "4990", "HUF", true, ""},
		{"249,90 TL", "EUR", "249.90", "TRY", true, ""},
		{"120 Dhs", "MAD", "120", "MAD", true, ""},
		{"", "EUR", "", "", false, ""},
		{"   ", "EUR", "", "", false, ""},
		{"abc", "EUR", "", "", false, CodeBadPrice},
		{"-12", "EUR", "", "", false, CodeBadPrice},
		{"12 EUR USD", "", "", "", false, CodeBadPrice},
		{"US$ 12 CAD", "", "", "", false, CodeBadPrice},
		{"99 kr EUR", "", "", "", false, CodeBadPrice},
		{"3.65275E+11", "EUR", "", "", false, CodeBadPrice},
		{"12 34", "EUR", "", "", false, CodeBadPrice},
		{"12 XYZ", "EUR", "", "", false, CodeBadPrice},
		{"12", "", "", "", false, CodeBadPrice},
		{"1.2.3,4,5", "EUR", "", "", false, CodeBadPrice},
		{"0.1234567", "EUR", "", "", false, CodeBadPrice},
		{"99999999999999999999", "EUR", "", "", false, CodeBadPrice},
		{"12 - 15", "EUR", "", "", false, CodeBadPrice},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, ok, err := Price(tt.in, tt.def)
			if tt.code != "" {
				if err == nil || err.Code != tt.code {
					t.Fatalf("Price(%q) = %v, %v, %v; want error %s", tt.in, m, ok, err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Price(%q): %v", tt.in, err)
			}
			if ok != tt.ok {
				t.Fatalf("Price(%q) ok = %v", tt.in, ok)
			}
			if ok && (m.Amount.String() != tt.amount || m.Currency != tt.currency) {
				t.Fatalf("Price(%q) = %s %s; want %s %s", tt.in, m.Amount, m.Currency, tt.amount, tt.currency)
			}
		})
	}
}

// TestPriceLocalCurrency reads prices written with local currency signs
// and words; an ambiguous sign takes the default currency when it is one
// of its readings, else is kept in its most common one and reported.
func TestPriceLocalCurrency(t *testing.T) {
	tests := []struct {
		in, def   string
		amount    string
		currency  string
		ambiguous []string // the candidates reported, nil: none
	}{
		{"15 000 Fcfa", "XAF", "15000", "XAF", nil},
		{"15 000 FCFA", "XOF", "15000", "XOF", nil},
		{"15 000 F CFA", "XAF", "15000", "XAF", nil},
		{"15 000 Fcfa", "EUR", "15000", "XOF", []string{"XOF", "XAF"}},
		{"2 500 CFA", "", "2500", "XOF", []string{"XOF", "XAF"}},
		{"CHF 12.50", "EUR", "12.50", "CHF", nil},
		{"SFr. 12.50", "EUR", "12.50", "CHF", nil},
		{"12,50 zł", "EUR", "12.50", "PLN", nil},
		{"12,50 Zł", "EUR", "12.50", "PLN", nil},
		{"99 kr", "NOK", "99", "NOK", nil},
		{"99 kr.", "DKK", "99", "DKK", nil},
		{"99 kr", "EUR", "99", "SEK", []string{"SEK", "NOK", "DKK", "ISK"}},
		{"R$ 15,90", "EUR", "15.90", "BRL", nil},
		{"120 MAD", "EUR", "120", "MAD", nil},
		{"120 Dhs", "MAD", "120", "MAD", nil},
		{"120 Dhs", "AED", "120", "AED", nil},
		{"120 DH", "EUR", "120", "MAD", []string{"MAD", "AED"}},
		{"249,90 TL", "EUR", "249.90", "TRY", nil},
		{"₺249,90", "EUR", "249.90", "TRY", nil},
		{"₹ 1,299", "EUR", "1299", "INR", nil},
		{"49,99 lei", "RON", "49.99", "RON", nil},
		{"49,99 lei", "EUR", "49.99", "RON", []string{"RON", "MDL"}},
		{"1 290 Kč", "EUR", "1290", "CZK", nil},
		{"1 290 Kč.", "EUR", "1290", "CZK", nil},
		{"4 990 Ft", "EUR", "4990", "HUF", nil},
		{"$12.50", "CAD", "12.50", "CAD", nil},
		{"$12.50", "EUR", "12.50", "USD", []string{"USD", "CAD", "AUD", "NZD", "MXN", "ARS", "CLP", "COP", "SGD", "HKD", "TWD"}},
		{"US$ 3.99", "CAD", "3.99", "USD", nil},
		{"¥1200", "EUR", "1200", "JPY", []string{"JPY", "CNY"}},
		{"99 kr NOK", "EUR", "99", "NOK", nil},
		{"$ 12 CAD", "EUR", "12", "CAD", nil},
		{"15 000 F CFA XAF", "", "15000", "XAF", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.def, func(t *testing.T) {
			m, ok, amb, err := PriceOf(tt.in, tt.def)
			if err != nil || !ok {
				t.Fatalf("PriceOf(%q, %q) = %v, %v, %v", tt.in, tt.def, ok, amb, err)
			}
			if m.Amount.String() != tt.amount || m.Currency != tt.currency {
				t.Fatalf("PriceOf(%q, %q) = %s %s; want %s %s", tt.in, tt.def, m.Amount, m.Currency, tt.amount, tt.currency)
			}
			var got []string
			if amb != nil {
				got = amb.Candidates
				if amb.Chosen != m.Currency || !strings.Contains(amb.Message(), m.Currency) {
					t.Fatalf("ambiguity %+v (%s) does not name the currency kept, %s", amb, amb.Message(), m.Currency)
				}
			}
			if !reflect.DeepEqual(got, tt.ambiguous) {
				t.Fatalf("PriceOf(%q, %q) ambiguous %v; want %v", tt.in, tt.def, got, tt.ambiguous)
			}
		})
	}
}

func TestCurrency(t *testing.T) {
	tests := []struct {
		in, def, want string
		ambiguous     bool
		ok            bool
	}{
		{"eur", "", "EUR", false, true},
		{"€", "", "EUR", false, true},
		{"zł", "", "PLN", false, true},
		{" FCFA ", "XAF", "XAF", false, true},
		{"FCFA", "EUR", "XOF", true, true},
		{"kr", "ISK", "ISK", false, true},
		{"XYZ", "EUR", "", false, false},
		{"pieces", "EUR", "", false, false},
	}
	for _, tt := range tests {
		code, amb, ok := Currency(tt.in, tt.def)
		if code != tt.want || (amb != nil) != tt.ambiguous || ok != tt.ok {
			t.Errorf("Currency(%q, %q) = %q, %v, %v; want %q, ambiguous %v, %v", tt.in, tt.def, code, amb, ok, tt.want, tt.ambiguous, tt.ok)
		}
	}
}

func TestGTIN(t *testing.T) {
	good := map[string]string{
		"4006381333931":     "4006381333931",
		"400-6381-333931":   "4006381333931",
		"96385074":          "96385074",
		"036000291452":      "036000291452",
		"10614141000415":    "10614141000415",
		" 4006381333931 \t": "4006381333931",
	}
	for in, want := range good {
		got, err := GTIN(in)
		if err != nil || got != want {
			t.Errorf("GTIN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"4006381333932", "3.65275E+11", "12345", "", "abcdefghijklm", "40063813339311111"} {
		if _, err := GTIN(in); err == nil || err.Code != CodeBadGTIN {
			t.Errorf("GTIN(%q) = %v; want bad_gtin", in, err)
		}
	}
}

func TestImageURLs(t *testing.T) {
	got, err := ImageURLs("http://a.example/1.jpg, https://b.example/2.jpg|javascript:alert(1) ftp://c/3.jpg")
	want := []string{"http://a.example/1.jpg", "https://b.example/2.jpg"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ImageURLs = %v; want %v", got, want)
	}
	if err == nil || err.Code != CodeBadURL {
		t.Fatalf("err = %v; want bad_url", err)
	}
	if _, err := ImageURL("/relative.jpg"); err == nil {
		t.Fatal("relative URL accepted")
	}
}

func TestCategory(t *testing.T) {
	tests := []struct {
		in    string
		path  []string
		extra []string
	}{
		{"Maison > Cuisine > Couteaux", []string{"Maison", "Cuisine", "Couteaux"}, nil},
		{"Maison/Cuisine", []string{"Maison", "Cuisine"}, nil},
		{"A | B", []string{"A", "B"}, nil},
		{"Home, iPods", []string{"Home"}, []string{"iPods"}},
		{"  Jardin  ", []string{"Jardin"}, nil},
		{"> >", nil, nil},
		{"", nil, nil},
	}
	for _, tt := range tests {
		p, e := Category(tt.in)
		if !reflect.DeepEqual(p, tt.path) || !reflect.DeepEqual(e, tt.extra) {
			t.Errorf("Category(%q) = %q, %q; want %q, %q", tt.in, p, e, tt.path, tt.extra)
		}
	}
}

func TestTreeSeparators(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  string
	}{
		{"a tree: shared parents", []string{"Home/Garden/Pots", "Home/Garden/Tools", "Home/Kitchen", "Home/Garden/Pots", ""}, ">/"},
		{"a tree: parents listed alone", []string{"Bags", "Bags/Totes", "Shoes", "Shoes/Boots"}, ">/"},
		{"a tree with spaces", []string{"Maison / Cuisine", "Maison / Salon"}, ">/"},
		{"a tree of bars", []string{"Epicerie | Thé", "Epicerie | Café"}, ">|"},
		{"a Magento list of paths", []string{"Default Category/Gear,Default Category/Gear/Bags", "Default Category/Gear/Bags"}, ">/"},
		{"flat names holding /", []string{"Bags/Totes", "Women/Men", "Shoes", "Tea/Coffee", "Bags/Totes"}, ">"},
		{"one value", []string{"Women/Men", "Women/Men"}, ">"},
		{"mostly flat, one coincidence", []string{"Bags/Totes", "Bags/Clutches", "Women/Men", "Hats/Caps", "Tea/Coffee"}, ">"},
		{"> paths only", []string{"Clothing > Hoodies", "Clothing > Tshirts/Polos"}, ">"},
		{"nothing", nil, ">"},
	}
	for _, tt := range tests {
		if got := TreeSeparators(tt.cells); got != tt.want {
			t.Errorf("%s: TreeSeparators(%q) = %q, want %q", tt.name, tt.cells, got, tt.want)
		}
	}
}

func TestCleanCategoryOn(t *testing.T) {
	tests := []struct {
		in, seps string
		path     []string
		extra    []string
	}{
		{"Bags/Totes", ">", []string{"Bags/Totes"}, nil},
		{"Bags/Totes", ">/", []string{"Bags", "Totes"}, nil},
		{"Home > Bags/Totes", ">/", []string{"Home", "Bags/Totes"}, nil},
		{"Home > Garden", "", []string{"Home > Garden"}, nil},
		{"Home > Garden", "/", []string{"Home > Garden"}, nil},
		{"A | B", ">", []string{"A | B"}, nil},
		{"Home, iPods", ">", []string{"Home"}, []string{"iPods"}},
		{"Default Category/Gear,Default Category/Gear/Bags", ">/", []string{"Gear", "Bags"}, []string{"Gear"}},
	}
	for _, tt := range tests {
		p, e := CleanCategoryOn(tt.in, tt.seps)
		if !reflect.DeepEqual(p, tt.path) || !reflect.DeepEqual(e, tt.extra) {
			t.Errorf("CleanCategoryOn(%q, %q) = %q, %q; want %q, %q", tt.in, tt.seps, p, e, tt.path, tt.extra)
		}
	}
}

func TestText(t *testing.T) {
	tests := map[string]string{
		"  Chaise\u00a0 pliante\t": "Chaise pliante",
		"Cafe\u0301":               "Café", // NFD -> NFC
		"a\x00b":                   "ab",
		"\ufeffRéférence":          "Référence",
		"":                         "",
	}
	for in, want := range tests {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q; want %q", in, got, want)
		}
	}
	if got := MultilineText("line 1\r\n\r\n  line 2 "); got != "line 1\nline 2" {
		t.Errorf("MultilineText = %q", got)
	}
}

func TestInt(t *testing.T) {
	good := map[string]int{"12": 12, "1 000": 1000, "12 pcs": 12, "12.0": 12, "": 0, "5 pièces": 5}
	for in, want := range good {
		if got, err := Int(in); err != nil || got != want {
			t.Errorf("Int(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "1.5", "-3", "99999999999999"} {
		if _, err := Int(in); err == nil {
			t.Errorf("Int(%q) accepted", in)
		}
	}
}

func FuzzPrice(f *testing.F) {
	for _, s := range []string{"12,50 €", "1 234,56", "$12.50", "EUR 12,50", "1'234.-", "¥", ".,", "1e5", "15 000 F CFA", "99 kr.", "1 290 Kč"} {
		f.Add(s, "EUR")
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		m, ok, amb, err := PriceOf(s, def)
		if err != nil && (ok || err.Code != CodeBadPrice) {
			t.Fatalf("PriceOf(%q) = %v, %v, %v", s, m, ok, err)
		}
		if ok && (m.Amount.Units < 0 || m.Currency == "") {
			t.Fatalf("PriceOf(%q) = %v", s, m)
		}
		if amb != nil && (!ok || amb.Chosen != m.Currency || len(amb.Candidates) < 2) {
			t.Fatalf("PriceOf(%q, %q) = %v with ambiguity %+v", s, def, m, amb)
		}
	})
}

func FuzzGTIN(f *testing.F) {
	f.Add("4006381333931")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := GTIN(s)
		if err == nil {
			if _, err2 := GTIN(d); err2 != nil {
				t.Fatalf("GTIN(%q) = %q, not stable", s, d)
			}
		}
	})
}

func TestCleanFastPath(t *testing.T) {
	for _, s := range []string{"abcdefgh\x01ijk", "abcdefghijklmno\x7f", "abcdefgh  ijklmnop", "abcdefgh\u00a0ijkl",
		"abcdefg\tijklmnop", "Cafe\u0301 au lait!", "plain text here, ok", "é", "\u3099",
		// doubled spaces inside, across and around 8-byte blocks
		"abcdefg  hijklmnop", "abcdefgh  ijklmnop", "abcdefghijklmno  p", "a b c d e f g h i j", "ab  é cdefghijk",
		"abcdefg é  ijklmnopq", "abcdefghi jklmnop qrstuvw xyz", "a  b", "Prix dégressifs à partir de 100 unités.",
		// short cells and the tail after the last full block
		"ab\x01", "5.89", "EUR", "abcdefghi  j", "abcdefghijk\x7f", "abcdefghé  j", "m²", "a\u00a0b", "a\u00adb", "a\u0085b",
		"abcdefghij\u00a0k", "abcdefgh²",
		// Latin-1 letters inside blocks, across their ends, broken
		"ééééééé", "abcdefgé", "abcdefg\xc3", "\xc3\xa9\xa9abcdefgh", "\xc3\xc3abcdefgh", "aé  bcdefghij", "abcdéfgh  é",
		"Très apprécié des écoles, à partir de 100 unités", "ÉÉÉÉÉÉÉÉÉ", "abcdefgÃ", "abc\xc3", "é\x01bcdefgh", "éé éé  éé",
		"abcdefgh\xc3\x80", "abcdef\xc3\x80\xc3", "ab\xc3\xbf\xc3\x80cdefghi"} {
		if got, want := isClean(s), cleanText(s) == s; got != want {
			t.Errorf("isClean(%q) = %v, cleanText gives %q", s, got, cleanText(s))
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("Café > Maison | x")
	f.Add("abcdefgh\x01ijklmnop")
	f.Add("Très apprécié des écoles, à partir de 100 unités")
	f.Add("abcdefg\xc3\xa9  ÉÉ")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if Text(out) != out {
			t.Fatalf("Text not idempotent on %q", s)
		}
		if s != "" && isClean(s) && cleanText(s) != s {
			t.Fatalf("isClean(%q) but cleanText gives %q", s, cleanText(s))
		}
		Category(s)
		_, _ = ImageURLs(s)
		_, _ = Int(s)
	})
}

// TestPlainDecimal: the fast path gives what catalog.ParseDecimal gives.
func TestPlainDecimal(t *testing.T) {
	for _, s := range []string{"0", "5", "5.89", "12.50", "0.125", "1234567890123456", "99.000001", "0.1234567", "1.", ".5", "1.234", "007", "12a"} {
		d, ok := plainDecimal(s)
		if !ok {
			continue
		}
		want, err := catalog.ParseDecimal(s)
		if err != nil || d != want {
			t.Errorf("plainDecimal(%q) = %+v, ParseDecimal gives %+v, %v", s, d, want, err)
		}
	}
	if d, ok := plainDecimal("5.89"); !ok || d.Units != 589 || d.Scale != 2 {
		t.Errorf("plainDecimal(5.89) = %+v %v", d, ok)
	}
}

// TestURLByte: the bit sets say what the plain-URL rule says.
func TestURLByte(t *testing.T) {
	for c := range 256 {
		b := byte(c)
		bad := b <= ' ' || b >= 0x7f || b == '%' || b == '\\' || b == '"' || b == '<' || b == '>' || b == '`' ||
			b == '{' || b == '}' || b == '|' || b == '^' || b == '[' || b == ']'
		if urlByte(b) == bad {
			t.Errorf("urlByte(%q) = %v", b, bad)
		}
	}
}

// TestPlainURL: what the fast path accepts, url.Parse returns unchanged.
func TestPlainURL(t *testing.T) {
	for _, s := range []string{"https://media.example/images/a.jpg", "http://a.b/c?d=e#f", "https://x.example", "https://x.example?q=1",
		"https://x.example#top", "https:///nohost", "https://Upper.example/a", "https://a.example/a b", "https://a.example/%41",
		"https://a_b.example/", "https://a.example:8080/x", "ftp://a.example/x", "https://a.example/é", "https://", "http://?"} {
		if !plainURL(s) {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || u.String() != s || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Errorf("plainURL(%q) but url.Parse gives %v, %v", s, u, err)
		}
	}
	if !plainURL("https://media.example/images/a.jpg") || plainURL("https:///nohost") || plainURL("http://?") {
		t.Error("plainURL misjudges the obvious cases")
	}
}
