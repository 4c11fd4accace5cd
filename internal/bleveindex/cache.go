package bleveindex

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// facetCacheSize bounds the cached facet counts.
const facetCacheSize = 1024

// facetCache keeps facet counts until the next write to the index: every
// write bumps the generation and empties it, and a count computed under an
// older generation is not stored.
type facetCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string][]catalog.FacetValue
}

func (c *facetCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// invalidate forgets every count; writers call it after each write.
func (c *facetCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

func (c *facetCache) get(key string) ([]catalog.FacetValue, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return slices.Clone(v), ok
}

func (c *facetCache) put(gen uint64, key string, vals []catalog.FacetValue) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the index changed while counting
	}
	if c.entries == nil || len(c.entries) >= facetCacheSize {
		c.entries = map[string][]catalog.FacetValue{}
	}
	c.entries[key] = slices.Clone(vals)
}

// priceCurrency returns the cached currency of q's price bands (see
// putPriceCurrency) and whether it was cached.
func (c *facetCache) priceCurrency(q catalog.Query) (string, bool) {
	v, ok := c.get(facetKey(q, priceCurrencyKey))
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0].Value, true
}

// putPriceCurrency caches the currency of q's price bands next to their
// counts: a price facet answered from the cache needs it too.
func (c *facetCache) putPriceCurrency(gen uint64, q catalog.Query, currency string) {
	c.put(gen, facetKey(q, priceCurrencyKey), []catalog.FacetValue{{Value: currency}})
}

// priceCurrencyKey is the pseudo-facet under which the currency of the price
// bands is cached.
const priceCurrencyKey = "price#currency"

// facetKey identifies the counts of facet f for q: its text, filters and
// facet size (page and sort do not change counts).
func facetKey(q catalog.Query, f string) string {
	b, _ := json.Marshal(struct {
		Text    string
		Filters catalog.Filters
		Size    int
		Facet   string
	}{q.Text, q.Filters, q.FacetSize, f})
	return string(b)
}
