package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// TestGeneratedCatalogs ingests the demo generator's catalogs (every
// profile, native and canonical headers, all formats) and checks the
// report against what the generator says it wrote: the rows, the products,
// and each planted defect reported under its code.
func TestGeneratedCatalogs(t *testing.T) {
	for _, profile := range demogen.Profiles() {
		for _, headers := range []demogen.HeaderStyle{demogen.HeadersNative, demogen.HeadersCanonical} {
			for _, format := range demogen.Formats() {
				t.Run(fmt.Sprintf("%s/%s/%s", profile, headers, format), func(t *testing.T) {
					var buf bytes.Buffer
					st, err := demogen.Write(context.Background(), &buf, format, demogen.Options{
						Seed: 11, Rows: 400, Profile: profile, Headers: headers, DefectRate: 0.03})
					if err != nil {
						t.Fatal(err)
					}
					e := newEnv(t)
					c := e.ingest("gen", "catalog."+string(format), buf.String(), "")
					r := c.Report
					if c.Status != catalog.StatusDone || r.Format != string(format) || r.Rows != st.Rows {
						t.Fatalf("%s: %+v (generated %+v)", c.Status, r, st)
					}
					if r.Rejected != st.Defects.EmptyName || r.Accepted != st.Rows-st.Defects.EmptyName {
						t.Fatalf("rejected %d, want the %d rows with no name: %+v", r.Rejected, st.Defects.EmptyName, r.Errors)
					}
					badGTIN := 0
					for _, w := range r.Warnings {
						if w.Code == "bad_gtin" {
							badGTIN++
						}
					}
					if badGTIN != st.Defects.BadEAN {
						t.Fatalf("%d bad_gtin warnings, want %d", badGTIN, st.Defects.BadEAN)
					}
					// Canonical files have no parent column: a product a row.
					want := st.Products - st.Defects.EmptyName
					if headers == demogen.HeadersCanonical {
						want = st.Rows - st.Defects.EmptyName
					}
					if r.Products != want {
						t.Fatalf("%d products, want %d (%+v)", r.Products, want, st)
					}
				})
			}
		}
	}
}
