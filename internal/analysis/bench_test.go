package analysis_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
)

func BenchmarkSummaryAdd(b *testing.B) {
	p := complete()
	p.Images = nil
	var s analysis.Summary
	for b.Loop() {
		s.Add(&p)
	}
}

func BenchmarkOfferKey(b *testing.B) {
	p := complete()
	for b.Loop() {
		analysis.OfferKey(&p)
	}
}
