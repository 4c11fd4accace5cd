package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// Every CSV report of a catalog downloads the same way: the stored blob as
// "{id}-{name}.csv", not sniffable; a report the catalog does not have is
// not_found with its own message; another partner's catalog is hidden.
// The rejected rows, which grow with the file, come through a 303 to a
// short-lived download URL (read here without the key).
func TestCatalogReportDownloads(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	c := catalog.Catalog{ID: "c-reports", Partner: "acme", Status: catalog.StatusDone}
	if err := a.store.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		key      func(string) string
		missing  string
		redirect bool
	}{
		{"rejected", intake.RejectedKey, "catalog c-reports has no rejected rows", true},
		{"removals", intake.RemovalsKey, "catalog c-reports would remove no product", false},
		{"to-fix", intake.ToFixKey, "catalog c-reports has no products to fix", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/v1/catalogs/c-reports/" + tt.name + ".csv"
			rec, body := a.do(t, "GET", path, "")
			if rec.Code != http.StatusNotFound || errorCode(body) != "not_found" || !strings.Contains(rec.Body.String(), tt.missing) {
				t.Fatalf("without the report: %d %s", rec.Code, rec.Body)
			}
			content := "id,name\nacme:1,=cmd\n"
			if _, err := a.blobs.Put(ctx, tt.key(c.ID), strings.NewReader(content)); err != nil {
				t.Fatal(err)
			}
			rec, _ = a.do(t, "GET", path, "")
			if tt.redirect {
				loc := rec.Header().Get("Location")
				if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/v1/downloads/") {
					t.Fatalf("report: %d %v, want a 303 to a download URL", rec.Code, rec.Header())
				}
				rec, _ = a.doKey(t, "", "GET", loc, "")
			}
			h := rec.Header()
			if rec.Code != http.StatusOK || rec.Body.String() != content || h.Get("Content-Type") != "text/csv; charset=utf-8" ||
				h.Get("Content-Disposition") != `attachment; filename="c-reports-`+tt.name+`.csv"` || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("report: %d %v %q", rec.Code, h, rec.Body)
			}
			if rec, _ := a.doKey(t, "", "GET", path, ""); rec.Code == http.StatusOK {
				t.Fatalf("without a key: %d", rec.Code)
			}
		})
	}
}
