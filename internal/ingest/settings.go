package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"io"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// DefaultRemovalGuard is the share of a partner's products a full catalog
// may remove without confirmation.
const DefaultRemovalGuard = 0.20

// DefaultCurrency is used for prices that name no currency when the
// partner has no default.
const DefaultCurrency = "EUR"

// Settings are a partner's ingest settings, the JSON document
// partners/{partner}/settings.json in Blobs. Every field is optional.
type Settings struct {
	// Encoding, when set, is used instead of detection.
	Encoding string `json:"encoding,omitempty"`
	// Currency is the ISO 4217 code of prices that name none.
	Currency string `json:"currency,omitempty"`
	// Mode is the default mode of the partner's files (full or partial).
	Mode catalog.Mode `json:"mode,omitempty"`
	// RemovalGuard is the share (0 to 1) of the partner's products a full
	// catalog may remove without confirmation.
	RemovalGuard *float64 `json:"removal_guard,omitempty"`
	// Sheet names the XLSX sheet to read (default: the first non-empty).
	Sheet string `json:"sheet,omitempty"`
	// ZeroPrice says what a price of zero means in the partner's files:
	// ZeroOnRequest (the default: "price on request", listed without a
	// price) or ZeroFree (the product costs nothing: Product.Free).
	ZeroPrice string `json:"zero_price,omitempty"`
	// CategorySeparators, when set, are the separators that write a
	// category hierarchy in the partner's files, instead of detection
	// (values.TreeSeparators): any of ">", "/" and "|" (">/" splits on
	// both), or "none" (every category value is one flat name).
	CategorySeparators string `json:"category_separators,omitempty"`
	// Mapping maps a column header to a field (sku, name, price, ...,
	// "attribute" or "ignore"); it wins over the built-in synonyms.
	Mapping map[string]string `json:"mapping,omitempty"`
}

// SettingsKey and MappingKey are where a partner's settings live; the
// mapping file is a plain {"header": "field"} object merged under
// Settings.Mapping.
func SettingsKey(partner string) string {
	return contract.PartnersPrefix + partner + "/settings.json"
}

// MappingKey is the blob key of a partner's mapping file.
func MappingKey(partner string) string {
	return contract.PartnersPrefix + partner + "/mapping.json"
}

const maxSettingsBytes = 1 << 20

// loadSettings reads a partner's settings; absent files mean defaults. A
// malformed document is a *catalog.Error with CodeInvalid (the file is
// refused with that reason); a storage failure is returned as is.
func loadSettings(ctx context.Context, blobs catalog.Blobs, partner string) (Settings, error) {
	var s Settings
	if err := readJSONBlob(ctx, blobs, SettingsKey(partner), &s); err != nil {
		return s, err
	}
	var m map[string]string
	if err := readJSONBlob(ctx, blobs, MappingKey(partner), &m); err != nil {
		return s, err
	}
	if len(m) > 0 {
		if s.Mapping == nil {
			s.Mapping = map[string]string{}
		}
		for k, v := range m {
			if _, ok := s.Mapping[k]; !ok {
				s.Mapping[k] = v
			}
		}
	}
	return s, s.validate()
}

func readJSONBlob(ctx context.Context, blobs catalog.Blobs, key string, v any) error {
	rc, _, err := blobs.Open(ctx, key)
	if catalog.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSettingsBytes+1))
	if err != nil {
		return catalog.Wrap(catalog.CodeUnavailable, err, "read "+key)
	}
	if len(b) > maxSettingsBytes {
		return catalog.Errorf(catalog.CodeInvalid, "%s is larger than 1 MiB", key)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return catalog.Errorf(catalog.CodeInvalid, "%s is not valid JSON: %v", key, err)
	}
	return nil
}

func (s *Settings) validate() error {
	if err := s.Mode.Check(); err != nil {
		return catalog.Errorf(catalog.CodeInvalid, "settings: %s", catalog.MessageOf(err))
	}
	if g := s.RemovalGuard; g != nil && (*g < 0 || *g > 1) {
		return catalog.Errorf(catalog.CodeInvalid, "settings: removal_guard must be between 0 and 1")
	}
	if c := s.Currency; c != "" && (len(c) != 3 || strings.ToUpper(c) != c) {
		return catalog.Errorf(catalog.CodeInvalid, "settings: currency must be an ISO 4217 code like EUR, not %q", c)
	}
	if err := catalog.CheckZeroPrice(s.ZeroPrice); err != nil {
		return catalog.Errorf(catalog.CodeInvalid, "settings: %s", catalog.MessageOf(err))
	}
	if c := s.CategorySeparators; c != "" && c != CategoryNoSeparator && !validSeparators(c) {
		return catalog.Errorf(catalog.CodeInvalid, "settings: category_separators must be %q or some of %q, not %q",
			CategoryNoSeparator, values.AllCategorySeparators, c)
	}
	known := map[mapping.Field]bool{}
	for _, f := range mapping.Fields() {
		known[f] = true
	}
	for h, f := range s.Mapping {
		if !known[mapping.Field(f)] {
			return catalog.Errorf(catalog.CodeInvalid, "mapping: column %q maps to %q, which is not a field (one of %s)", h, f, fieldList())
		}
	}
	return nil
}

// Values of the zero_price setting.
const (
	ZeroOnRequest = catalog.ZeroPriceOnRequest // a zero price is "price on request" (the default)
	ZeroFree      = catalog.ZeroPriceFree      // a zero price is the price: the product is free
)

// CategoryNoSeparator is the category_separators setting of a partner
// whose category values are all flat names.
const CategoryNoSeparator = "none"

// validSeparators reports whether c is a set of category separators: each
// of values.AllCategorySeparators at most once, nothing else.
func validSeparators(c string) bool {
	for i := 0; i < len(c); i++ {
		if strings.IndexByte(values.AllCategorySeparators, c[i]) < 0 || strings.IndexByte(c[i+1:], c[i]) >= 0 {
			return false
		}
	}
	return true
}

// categorySeparators returns the separators the partner's settings fix,
// and whether they fix any (else the file's values decide).
func (s *Settings) categorySeparators() (string, bool) {
	switch s.CategorySeparators {
	case "":
		return "", false
	case CategoryNoSeparator:
		return "", true
	}
	return s.CategorySeparators, true
}

func fieldList() string {
	var b strings.Builder
	for i, f := range mapping.Fields() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(f))
	}
	return b.String()
}

// pipelineVersion changes whenever the same file and settings could give
// different products (new synonyms, value rules): it is part of the
// settings fingerprint, so an identical re-upload is read again.
const pipelineVersion = "2026-12-02.3" // .3: price tiers

// fingerprint identifies how a file is read: these settings and this
// pipeline version.
func (s *Settings) fingerprint() string {
	b, _ := json.Marshal(s) // maps marshal in key order
	h := sha256.Sum256(append([]byte(pipelineVersion+"\x00"), b...))
	return hex.EncodeToString(h[:8])
}

func (s *Settings) guard() float64 {
	if s.RemovalGuard != nil {
		return *s.RemovalGuard
	}
	return DefaultRemovalGuard
}

func (s *Settings) currency() string {
	if s.Currency != "" {
		return s.Currency
	}
	return DefaultCurrency
}

func (s *Settings) overrides() map[string]mapping.Field {
	if len(s.Mapping) == 0 {
		return nil
	}
	o := make(map[string]mapping.Field, len(s.Mapping))
	for h, f := range s.Mapping {
		o[h] = mapping.Field(f)
	}
	return o
}
