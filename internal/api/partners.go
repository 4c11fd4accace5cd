package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Partner display names: a partner's settings
// (partners/{partner}/settings.json in Blobs, the file ingest reads) may
// carry display_name, the name buyers see instead of the partner id. The
// API puts it on every product it answers with (partner_name) and on the
// partner facet's values (label); the partner edits it with PUT
// /v1/partner/settings. Names are kept for namesTTL, so an edit made
// through another instance (another Lambda) shows within that time.

// namesTTL is how long a partner's display name is kept before it is read again.
const namesTTL = time.Minute

// maxSettingsBytes caps the settings document read or written.
const maxSettingsBytes = 1 << 20

type nameEntry struct {
	name string
	at   time.Time
}

// partnerNames caches display names by partner id.
type partnerNames struct {
	mu      sync.Mutex
	entries map[string]nameEntry
}

func settingsKey(partner string) string {
	return contract.PartnersPrefix + partner + "/settings.json"
}

// readSettings returns the partner's settings document as fields (none
// when it has none).
func (a *API) readSettings(ctx context.Context, partner string) (map[string]json.RawMessage, error) {
	doc := map[string]json.RawMessage{}
	rc, _, err := a.deps.Blobs.Open(ctx, settingsKey(partner))
	if catalog.IsNotFound(err) {
		return doc, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSettingsBytes+1))
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeUnavailable, err, "read the partner's settings")
	}
	if len(b) > maxSettingsBytes {
		return nil, catalog.Errorf(catalog.CodeInvalid, "the partner's settings are larger than 1 MiB")
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc == nil {
		return nil, catalog.Errorf(catalog.CodeInvalid, "the partner's settings are not a JSON object")
	}
	return doc, nil
}

// displayName reads the display name of a settings document; a missing,
// malformed or invalid one is "" (the partner id is shown).
func displayName(doc map[string]json.RawMessage) string {
	var name string
	if raw, ok := doc["display_name"]; !ok || json.Unmarshal(raw, &name) != nil {
		return ""
	}
	name, err := catalog.CheckDisplayName(name)
	if err != nil {
		return ""
	}
	return name
}

// partnerName returns the partner's display name, "" when it has none or
// its settings cannot be read (a buyer's page never fails for a name).
func (a *API) partnerName(ctx context.Context, partner string) string {
	if a.deps.Blobs == nil {
		return ""
	}
	now := a.deps.Clock()
	a.names.mu.Lock()
	e, ok := a.names.entries[partner]
	a.names.mu.Unlock()
	if ok && now.Sub(e.at) < namesTTL {
		return e.name
	}
	doc, err := a.readSettings(ctx, partner)
	if err != nil {
		a.log.Warn("partner display name unreadable", "partner", partner, "err", err.Error())
		return ""
	}
	name := displayName(doc)
	a.remember(partner, name, now)
	return name
}

func (a *API) remember(partner, name string, at time.Time) {
	a.names.mu.Lock()
	defer a.names.mu.Unlock()
	if a.names.entries == nil {
		a.names.entries = map[string]nameEntry{}
	}
	a.names.entries[partner] = nameEntry{name: name, at: at}
}

// nameProducts sets PartnerName on products.
func (a *API) nameProducts(ctx context.Context, products ...*catalog.Product) {
	for _, p := range products {
		p.PartnerName = a.partnerName(ctx, p.Partner)
	}
}

// nameResult sets the display names of a search result: its hits'
// products and the partner facet's labels.
func (a *API) nameResult(ctx context.Context, res *catalog.Result) {
	for i := range res.Hits {
		a.nameProducts(ctx, &res.Hits[i].Product)
	}
	for i, v := range res.Facets[catalog.FacetPartner] {
		res.Facets[catalog.FacetPartner][i].Label = a.partnerName(ctx, v.Value)
	}
}

// partnerSettingsBody is what GET and PUT /v1/partner/settings answer.
type partnerSettingsBody struct {
	Partner     string `json:"partner"`
	DisplayName string `json:"display_name"`
	// ZeroPrice is what a price of 0 means in the partner's files
	// (catalog.CheckZeroPrice), catalog.ZeroPriceOnRequest when unset.
	ZeroPrice string `json:"zero_price"`
}

// zeroPrice reads the zero_price setting of a settings document; missing
// or invalid is the default, catalog.ZeroPriceOnRequest.
func zeroPrice(doc map[string]json.RawMessage) string {
	var v string
	if raw, ok := doc["zero_price"]; !ok || json.Unmarshal(raw, &v) != nil || v == "" || catalog.CheckZeroPrice(v) != nil {
		return catalog.ZeroPriceOnRequest
	}
	return v
}

// getPartnerSettings is GET /v1/partner/settings: the key's partner's
// display name ("" when it has none).
func (a *API) getPartnerSettings(w http.ResponseWriter, r *http.Request) error {
	partner, err := a.partner(r)
	if err != nil {
		return err
	}
	doc, err := a.readSettings(r.Context(), partner)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, partnerSettingsBody{Partner: partner, DisplayName: displayName(doc), ZeroPrice: zeroPrice(doc)})
	return nil
}

// putPartnerSettings is PUT /v1/partner/settings {"display_name": "...",
// "zero_price": "..."} (either or both): it checks the name
// (catalog.CheckDisplayName; "" removes it) and the zero price setting
// (catalog.CheckZeroPrice; "" removes it: the default) and writes them into
// the partner's settings, every other setting kept as it was. Ingest reads
// zero_price from the next file on.
func (a *API) putPartnerSettings(w http.ResponseWriter, r *http.Request) error {
	partner, err := a.partner(r)
	if err != nil {
		return err
	}
	var body struct {
		DisplayName *string `json:"display_name"`
		ZeroPrice   *string `json:"zero_price"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.DisplayName == nil && body.ZeroPrice == nil {
		return catalog.Errorf(catalog.CodeInvalid, "the body must be JSON {\"display_name\": \"...\", \"zero_price\": \"on_request\" or \"free\"} (either or both)")
	}
	var name string
	if body.DisplayName != nil {
		if name, err = catalog.CheckDisplayName(*body.DisplayName); err != nil {
			return err
		}
	}
	if body.ZeroPrice != nil {
		if err := catalog.CheckZeroPrice(*body.ZeroPrice); err != nil {
			return err
		}
	}
	doc, err := a.readSettings(r.Context(), partner)
	if err != nil {
		return err
	}
	set := func(key, value string) error {
		if value == "" {
			delete(doc, key)
			return nil
		}
		raw, err := json.Marshal(value)
		if err != nil {
			return catalog.Wrap(catalog.CodeInternal, err, "encode "+key)
		}
		doc[key] = raw
		return nil
	}
	if body.DisplayName != nil {
		if err := set("display_name", name); err != nil {
			return err
		}
	}
	if body.ZeroPrice != nil {
		if err := set("zero_price", *body.ZeroPrice); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "encode the partner's settings")
	}
	if _, err := a.deps.Blobs.Put(r.Context(), settingsKey(partner), bytes.NewReader(append(b, '\n'))); err != nil {
		return err
	}
	name = displayName(doc)
	a.remember(partner, name, a.deps.Clock())
	writeJSON(w, http.StatusOK, partnerSettingsBody{Partner: partner, DisplayName: name, ZeroPrice: zeroPrice(doc)})
	return nil
}
