package main

import "testing"

// TestSizes: DynamoDB's size rules as the command applies them: a string
// attribute is its name and UTF-8 bytes, a number one byte per two
// significant digits plus one, and a write unit is one started KB.
func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"string", stringAttr("sk", "bench:é"), 2 + 8},
		{"number 1", numberAttr("v", "1"), 1 + 1 + 1},
		{"number with trailing zeros", numberAttr("ttl", "1767225600"), 3 + 4 + 1},
		{"number with leading zeros and a fraction", numberAttr("n", "-0012.3400"), 1 + 2 + 1},
		{"1 KB", writeUnits(1024), 1},
		{"just over 1 KB", writeUnits(1025), 2},
		{"empty item", writeUnits(0), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}
