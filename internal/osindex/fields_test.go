package osindex_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// TestFieldsAddedToAnExistingIndex: an index made before the grade,
// offer key and group fields existed (its mapping is not dynamic) gets the field when the adapter
// starts, so products written afterwards filter by grade before any
// reindex.
func TestFieldsAddedToAnExistingIndex(t *testing.T) {
	url := nodeURL(t)
	ctx := context.Background()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	alias := "ctest-old-" + hex.EncodeToString(b)
	body := `{"mappings":{"dynamic":false,"properties":{"id":{"type":"keyword"},"partner":{"type":"keyword"},"updated":{"type":"long"}}},` +
		`"aliases":{"` + alias + `":{}}}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, url+"/"+alias+"-1", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create the old index: %s", resp.Status)
	}
	x, err := osindex.New(ctx, osindex.Config{URL: url, Alias: alias})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Drop(context.Background()) })
	p := catalog.Product{ID: "q:1", Partner: "q", Key: "1", Name: "Stylo", Version: 1,
		Quality: &catalog.Quality{Score: 95, Grade: catalog.GradeA}, OfferKey: "gtin:04006381333931"}
	if err := x.Upsert(ctx, []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	if err := x.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(ctx, catalog.Query{Filters: catalog.Filters{Grades: []string{catalog.GradeA}}, Facets: []string{"grade"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Facets["grade"]) != 1 || res.Facets["grade"][0].Count != 1 {
		t.Fatalf("grade A on the old index: total %d, facet %v", res.Total, res.Facets["grade"])
	}
	res, err = x.Search(ctx, catalog.Query{Filters: catalog.Filters{OfferKeys: []string{p.OfferKey}}})
	if err != nil || res.Total != 1 {
		t.Fatalf("offer key on the old index: total %d, %v", res.Total, err)
	}
	res, err = x.Search(ctx, catalog.Query{Group: catalog.GroupOffers})
	if err != nil || res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Group == nil || res.Hits[0].Group.Offers != 1 {
		t.Fatalf("grouped by offers on the old index: total %d, hits %v, %v", res.Total, res.Hits, err)
	}
}
