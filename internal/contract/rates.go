package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// RatesFile is the file of dated exchange rates in the local data folder;
// the AWS stage names its own (StageConfig.RatesFile). Its content goes to
// the site as EnvRates.
const RatesFile = "rates.json"

// MaxRates is the most rates a rates file may hold (web/src/Rates.php).
const MaxRates = 200

// Rate is one entry of a rates file: 1 From is Rate To, as of Date.
type Rate struct {
	From string `json:"from"` // ISO 4217
	To   string `json:"to"`   // ISO 4217
	Rate string `json:"rate"` // a positive decimal, as a string
	Date string `json:"date"` // YYYY-MM-DD: the day the rate is of
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// CheckRates checks a rates file (a JSON array of Rate, the format the
// site reads from EnvRates) and returns it compacted for the environment
// variable; an error names the first bad entry.
func CheckRates(b []byte) (string, error) {
	var rates []Rate
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rates); err != nil {
		return "", fmt.Errorf("rates: not a JSON array of {\"from\", \"to\", \"rate\", \"date\"}: %w", err)
	}
	if len(rates) > MaxRates {
		return "", fmt.Errorf("rates: %d entries, at most %d", len(rates), MaxRates)
	}
	for i, r := range rates {
		v, err := strconv.ParseFloat(r.Rate, 64)
		_, derr := time.Parse(time.DateOnly, r.Date)
		if !currencyCode.MatchString(r.From) || !currencyCode.MatchString(r.To) || r.From == r.To || err != nil || v <= 0 || derr != nil {
			return "", fmt.Errorf("rates: entry %d must be {\"from\": \"USD\", \"to\": \"EUR\", \"rate\": \"0.9234\", \"date\": \"2026-11-30\"} (ISO 4217 codes, a positive rate, an ISO date)", i)
		}
	}
	out, err := json.Marshal(rates)
	if err != nil {
		return "", fmt.Errorf("rates: %w", err)
	}
	return string(out), nil
}
