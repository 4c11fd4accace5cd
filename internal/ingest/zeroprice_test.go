package ingest_test

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// A zero price is "price on request" unless the partner's zero_price
// setting says it is the price (a free product).
func TestZeroPrice(t *testing.T) {
	file := "sku;name;price\nS1;Sample pack;0\nS2;Catalogue papier;0,00\nP1;Pot;12\n"
	tests := []struct {
		name, settings string
		free           bool
		warned         int
	}{
		{"default: price on request", "", false, 2},
		{"on_request", `{"zero_price":"on_request"}`, false, 2},
		{"free", `{"zero_price":"free"}`, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.settings != "" {
				e.put(ingest.SettingsKey("acme"), tt.settings)
			}
			c := e.ingest("acme", "zero.csv", file, "")
			if c.Status != catalog.StatusDone || c.Report.Accepted != 3 {
				t.Fatalf("%s %+v", c.Status, c.Report)
			}
			ps := e.products("acme")
			for _, k := range []string{"S1", "S2"} {
				p := ps[k]
				if p.Price == nil || p.Price.Amount.Float64() != 0 || p.Free != tt.free {
					t.Errorf("%s: price %v free %v, want 0 (kept for display) free %v", k, p.Price, p.Free, tt.free)
				}
			}
			if ps["P1"].Free {
				t.Error("P1 (12) is marked free")
			}
			warned := 0
			for _, w := range c.Report.Warnings {
				if w.Code == ingest.CodeMissingPrice && strings.Contains(w.Message, "price of 0") {
					warned++
				}
			}
			if warned != tt.warned {
				t.Errorf("%d zero-price warnings, want %d: %+v", warned, tt.warned, c.Report.Warnings)
			}
		})
	}
	e := newEnv(t)
	e.put(ingest.SettingsKey("acme"), `{"zero_price":"gratis"}`)
	if c := e.ingest("acme", "zero.csv", file, ""); c.Status != catalog.StatusRefused || !strings.Contains(c.Report.Reason, "zero_price") {
		t.Errorf("zero_price gratis: %s %q", c.Status, c.Report.Reason)
	}
}
