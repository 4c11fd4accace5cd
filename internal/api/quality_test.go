package api_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

func TestCatalogQualityRoutes(t *testing.T) {
	a := newIngestAPI(t, 0)
	_, key, path := a.slot(t, "acme", "q.csv", "")
	file := "sku,name,description,brand,category,price,currency,gtin,image,Couleur\n" +
		"A,Chaise de jardin,Chaise pliante en acier,Acme,Jardin,12,EUR,4006381333931,https://img.example/a.jpg,Vert\n" +
		"B,TABLE,,,,0,EUR,,,\n"
	a.do(t, "PUT", path, file)
	c, err := a.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.Status != catalog.StatusDone {
		t.Fatalf("%+v %v", c, err)
	}
	rec, body := a.do(t, "GET", "/v1/catalogs/"+c.ID, "")
	q, _ := body["report"].(map[string]any)["quality"].(map[string]any)
	grades, _ := q["grades"].(map[string]any)
	if rec.Code != http.StatusOK || q["products"] != 2.0 || q["to_fix"] != 1.0 || grades["A"] != 1.0 || grades["E"] != 1.0 {
		t.Fatalf("report quality = %v", q)
	}
	rec, _ = a.do(t, "GET", "/v1/catalogs/"+c.ID+"/to-fix.csv", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="`+c.ID+`-to-fix.csv"` {
		t.Fatalf("to-fix.csv: %d %v", rec.Code, rec.Header())
	}
	recs, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(recs) != 2 || !slices.Equal(recs[0], analysis.ToFixHeader()) || recs[1][0] != "acme:B" || recs[1][3] != "E" {
		t.Fatalf("to-fix.csv = %q %v", recs, err)
	}
	p, err := a.store.GetProduct(context.Background(), "acme:A")
	if err != nil || p.Quality == nil || p.Quality.Grade != "A" || p.Quality.Score != 100 {
		t.Fatalf("A = %+v %v", p.Quality, err)
	}
	if rec, body := a.do(t, "GET", "/v1/catalogs/nope/to-fix.csv", ""); rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("unknown catalog: %d %v", rec.Code, body)
	}
	// The rules are public.
	rec, body = a.doKey(t, "", "GET", "/v1/quality/rules", "")
	rules, _ := body["rules"].([]any)
	if rec.Code != http.StatusOK || len(rules) != len(analysis.Rules()) || len(body["grades"].([]any)) != 5 {
		t.Fatalf("rules: %d %v", rec.Code, body)
	}
}

// TestParseQueryGrades: grades are A to E exactly, as openapi.json's enum
// says; anything else (lower case, blank, F) is refused, not guessed.
func TestParseQueryGrades(t *testing.T) {
	q, err := api.ParseQuery(url.Values{"grade": {"A", "B"}, "facets": {"grade"}})
	if err != nil || !slices.Equal(q.Filters.Grades, []string{"A", "B"}) || !slices.Equal(q.Facets, []string{"grade"}) {
		t.Fatalf("ParseQuery = %+v, %v", q.Filters, err)
	}
	for _, g := range []string{"F", "a", "", " "} {
		if _, err := api.ParseQuery(url.Values{"grade": {"B", g}}); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Fatalf("grade %q: %v", g, err)
		}
	}
}
