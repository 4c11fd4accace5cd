package contract

import (
	"strings"
	"testing"
)

func TestCheckRates(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"one rate", `[{"from": "USD", "to": "EUR", "rate": "0.9234", "date": "2026-11-30"}]`,
			`[{"from":"USD","to":"EUR","rate":"0.9234","date":"2026-11-30"}]`, ""},
		{"none", `[]`, `[]`, ""},
		{"not an array", `{"USD/EUR": 0.9}`, "", "not a JSON array"},
		{"unknown field", `[{"from": "USD", "to": "EUR", "rate": "0.9", "date": "2026-11-30", "x": 1}]`, "", "not a JSON array"},
		{"a number rate", `[{"from": "USD", "to": "EUR", "rate": 0.9, "date": "2026-11-30"}]`, "", "not a JSON array"},
		{"no date", `[{"from": "USD", "to": "EUR", "rate": "0.9"}]`, "", "entry 0"},
		{"impossible date", `[{"from": "USD", "to": "EUR", "rate": "0.9", "date": "2026-02-30"}]`, "", "entry 0"},
		{"negative rate", `[{"from": "USD", "to": "EUR", "rate": "-1", "date": "2026-11-30"}]`, "", "entry 0"},
		{"same currency", `[{"from": "EUR", "to": "EUR", "rate": "1", "date": "2026-11-30"}]`, "", "entry 0"},
		{"lower case", `[{"from": "usd", "to": "EUR", "rate": "1", "date": "2026-11-30"}]`, "", "entry 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckRates([]byte(tt.in))
			if tt.err == "" && (err != nil || got != tt.want) {
				t.Fatalf("CheckRates = %q, %v; want %q", got, err, tt.want)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("CheckRates error %v, want one saying %q", err, tt.err)
			}
		})
	}
}
