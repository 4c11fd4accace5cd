package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// TestHistoryRoutes: a catalog's changes a page at a time, and a
// product's price history, newest first, from two uploads.
func TestHistoryRoutes(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	upload := func(name, file string) catalog.Catalog {
		t.Helper()
		_, key, path := a.slot(t, "acme", name, "partial")
		a.do(t, "PUT", path, file)
		c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
		if err != nil || c.Status != catalog.StatusDone {
			t.Fatalf("%+v %v", c, err)
		}
		return c
	}
	upload("v1.csv", "sku,name,price,currency\nA,Chaise,10.00,EUR\nB,Table,20.00,EUR\nC,Lampe,5.00,EUR\n")
	*a.now = a.now.Add(24 * 60 * 60 * 1e9)
	v2 := upload("v2.csv", "sku,name,price,currency\nA,Chaise,12.00,EUR\nB,Table basse,20.00,EUR\nC,Lampe,4.50,EUR\n")

	rec, body := a.do(t, "GET", "/v1/catalogs/"+v2.ID+"/changes?limit=2", "")
	list, _ := body["changes"].([]any)
	if rec.Code != http.StatusOK || len(list) != 2 || body["next"] != "acme:B" {
		t.Fatalf("first page: %d %v", rec.Code, body)
	}
	first := list[0].(map[string]any)
	before, _ := first["price_before"].(map[string]any)
	after, _ := first["price_after"].(map[string]any)
	if first["product_id"] != "acme:A" || first["kind"] != "changed" || before["amount"] != "10.00" || after["amount"] != "12.00" {
		t.Fatalf("change of A: %v", first)
	}
	rec, body = a.do(t, "GET", "/v1/catalogs/"+v2.ID+"/changes?limit=2&after=acme:B", "")
	if list, _ := body["changes"].([]any); rec.Code != http.StatusOK || len(list) != 1 || body["next"] != "" {
		t.Fatalf("second page: %d %v", rec.Code, body)
	}
	if rec, _ := a.do(t, "GET", "/v1/catalogs/"+v2.ID+"/changes?limit=0", ""); rec.Code != http.StatusBadRequest {
		t.Fatalf("limit=0: %d", rec.Code)
	}

	// Prices are public, like the product.
	rec, body = a.doKey(t, "", "GET", "/v1/products/acme:C/prices", "")
	points, _ := body["prices"].([]any)
	if rec.Code != http.StatusOK || len(points) != 2 || body["product_id"] != "acme:C" {
		t.Fatalf("prices of C: %d %v", rec.Code, body)
	}
	newest := points[0].(map[string]any)["price"].(map[string]any)
	oldest := points[1].(map[string]any)["price"].(map[string]any)
	if newest["amount"] != "4.50" || oldest["amount"] != "5.00" || points[0].(map[string]any)["catalog_id"] != v2.ID {
		t.Fatalf("prices of C, newest first: %v", points)
	}
	if _, body := a.doKey(t, "", "GET", "/v1/products/acme:B/prices", ""); len(body["prices"].([]any)) != 1 {
		t.Fatalf("B's price never changed: %v", body)
	}
	if rec, body := a.doKey(t, "", "GET", "/v1/products/acme:nope/prices", ""); rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("unknown product: %d %v", rec.Code, body)
	}
}
