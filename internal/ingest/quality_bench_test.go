package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// BenchmarkQualityScoring is the analysis ingest does per product
// (analysis.Summary.Add and analysis.OfferKey, see quality.go) over the
// products of BenchmarkCSVDryRun's file: compare its ns/row with the dry
// run's, in the same run (go test -bench 'CSVDryRun|QualityScoring'), for
// the share scoring adds to the pipeline. As in the pipeline, where the
// writer scores a product just assembled from a batch of 256 rows, the
// products are made 256 at a time and scored at once; only the scoring is
// timed.
func BenchmarkQualityScoring(b *testing.B) {
	const chunk = 256
	var took time.Duration
	rows := 0
	for b.Loop() {
		var sum analysis.Summary
		products := make([]catalog.Product, 0, chunk)
		score := func() {
			start := time.Now()
			for i := range products {
				q := sum.Add(&products[i])
				products[i].Quality = &q
				products[i].OfferKey = analysis.OfferKey(&products[i])
			}
			took += time.Since(start)
			rows += len(products)
			products = products[:0]
		}
		_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 42, Rows: benchRows(),
			Headers: demogen.HeadersCanonical, DefectRate: 0.01, Partner: "bench"}, func(p catalog.Product) error {
			products = append(products, p)
			if len(products) == chunk {
				score()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		score()
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(took.Nanoseconds())/float64(rows), "ns/row")
}
