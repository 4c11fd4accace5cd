package api

import (
	"net/http"
	"slices"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// maxOffers caps the offers GET /v1/products/{id}/offers lists.
const maxOffers = catalog.MaxPageSize

// Offer is one partner's offer of a product.
type Offer struct {
	ProductID    string         `json:"product_id"`
	Partner      string         `json:"partner"`
	PartnerName  string         `json:"partner_name,omitempty"` // the partner's display name
	Name         string         `json:"name"`
	Price        *catalog.Money `json:"price,omitempty"`
	MOQ          int            `json:"moq,omitempty"`
	Unit         string         `json:"unit,omitempty"`
	LeadTimeDays int            `json:"lead_time_days,omitempty"`
	// Availability is the partner's stock status (catalog.InStock,
	// Backorder, OutOfStock); absent when its file did not say.
	Availability string `json:"availability,omitempty"`
}

// offers is GET /v1/products/{id}/offers: every product with the same
// offer key (the product itself included), from the index, cheapest first
// (offers without a price last).
func (a *API) offers(w http.ResponseWriter, r *http.Request) error {
	p, err := a.deps.Store.GetProduct(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []Offer{}
	if p.OfferKey == "" {
		out = append(out, offerOf(p))
	} else {
		q := catalog.Query{Filters: catalog.Filters{OfferKeys: []string{p.OfferKey}}, Sort: catalog.SortPriceAsc, Size: maxOffers}
		if err := q.Validate(); err != nil {
			return err
		}
		res, err := a.deps.Index.Search(r.Context(), q)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			out = append(out, offerOf(h.Product))
		}
		if !slices.ContainsFunc(out, func(o Offer) bool { return o.ProductID == p.ID }) {
			out = append(out, offerOf(p)) // not indexed yet
		}
	}
	for i := range out {
		out[i].PartnerName = a.partnerName(r.Context(), out[i].Partner)
	}
	writeJSON(w, http.StatusOK, map[string]any{"product_id": p.ID, "offer_key": p.OfferKey, "offers": out})
	return nil
}

func offerOf(p catalog.Product) Offer {
	return Offer{ProductID: p.ID, Partner: p.Partner, Name: p.Name, Price: p.Price, MOQ: p.MOQ, Unit: p.Unit, LeadTimeDays: p.LeadTimeDays, Availability: p.Availability}
}
