package catalog

// GTINCheckDigit returns the GS1 check digit (0-9) of digits: the digits
// ('0' to '9' only) of an EAN-8, UPC-A, EAN-13 or GTIN-14 without its last
// one. Ingest checks partners' GTINs with it; demo catalogs are made with it.
func GTINCheckDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte((10 - sum%10) % 10)
}
