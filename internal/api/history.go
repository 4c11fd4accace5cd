package api

import (
	"net/http"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// The history routes: what each upload changed (the catalog's partner
// only, like the catalog itself) and a product's prices over time
// (public, like the product). Both read what ingest recorded
// (Store.PutChanges); nothing is computed at request time.

// maxPricePoints caps the points GET /v1/products/{id}/prices returns.
const maxPricePoints = 500

// maxAfter bounds the after parameter of GET /v1/catalogs/{id}/changes: a
// product ID (partner, ':' and a key).
const maxAfter = 600

// catalogChanges is GET /v1/catalogs/{id}/changes: the catalog's product
// changes by product ID, a page at a time (after: the next value of the
// page before).
func (a *API) catalogChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", 100, 1, catalog.MaxChangesPage)
	if err != nil {
		return err
	}
	after := q.Get("after")
	if len(after) > maxAfter {
		return catalog.Errorf(catalog.CodeInvalid, "after must be at most %d characters (the next value of a page)", maxAfter)
	}
	c, err := a.partnerCatalog(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	page, err := a.deps.Store.CatalogChanges(r.Context(), c.ID, after, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"catalog_id": c.ID, "changes": page.Changes, "next": page.Next})
	return nil
}

// priceHistory is the answer of GET /v1/products/{id}/prices.
type priceHistory struct {
	ProductID string               `json:"product_id"`
	Price     *catalog.Money       `json:"price,omitempty"` // the current one
	Prices    []catalog.PricePoint `json:"prices"`
}

// productPrices is GET /v1/products/{id}/prices: the product's price
// points, newest first.
func (a *API) productPrices(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query(), "limit", 100, 1, maxPricePoints)
	if err != nil {
		return err
	}
	p, err := a.deps.Store.GetProduct(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	points, err := a.deps.Store.PriceHistory(r.Context(), p.ID, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, priceHistory{ProductID: p.ID, Price: p.Price, Prices: points})
	return nil
}
