package ingest_test

import (
	"context"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// BenchmarkQualityScoring is the analysis ingest does per product
// (analysis.Summary.Add and analysis.OfferKey, see quality.go) over the
// products of BenchmarkCSVDryRun's file: compare its ns/row with the dry
// run's, in the same run (go test -bench 'CSVDryRun|QualityScoring'), for
// the share scoring adds to the pipeline.
func BenchmarkQualityScoring(b *testing.B) {
	var products []catalog.Product
	_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 42, Rows: benchRows(),
		Headers: demogen.HeadersCanonical, DefectRate: 0.01, Partner: "bench"}, func(p catalog.Product) error {
		products = append(products, p)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		var sum analysis.Summary
		for i := range products {
			q := sum.Add(&products[i])
			products[i].Quality = &q
			products[i].OfferKey = analysis.OfferKey(&products[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(products)), "ns/row")
}
