package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runSearch(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "search")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the API's search result JSON")
	limit := fs.Int("limit", catalog.DefaultSize, "hits per page (1-100)")
	page := fs.Int("page", 1, "page number")
	sort := fs.String("sort", "", "relevance, price_asc, price_desc, newest or name")
	facets := fs.String("facets", "", "facets to count, comma-separated (brand,category,partner,price,attr.NAME)")
	priceMin := fs.String("price-min", "", "lowest price")
	priceMax := fs.String("price-max", "", "highest price")
	currency := fs.String("currency", "", "currency of the price range (ISO 4217)")
	facetSize := fs.Int("facet-size", catalog.DefaultFacetSize, "values per facet (1-100)")
	cursor := fs.String("cursor", "", "deep paging: '*' starts, then the next_cursor printed by --json")
	var partners, brands, categories, attrs multiFlag
	fs.Var(&partners, "partner", "only this partner (repeatable)")
	fs.Var(&brands, "brand", "only this brand (repeatable)")
	fs.Var(&categories, "category", "only this category path 'A > B' and below (repeatable)")
	fs.Var(&attrs, "attr", "attribute filter NAME=VALUE (repeatable)")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	// The API's parameters, parsed by the API's own parser.
	v := url.Values{}
	v.Set("q", strings.Join(fs.Args(), " "))
	v.Set("size", strconv.Itoa(*limit))
	v.Set("page", strconv.Itoa(*page))
	v.Set("facet_size", strconv.Itoa(*facetSize))
	for k, s := range map[string]string{"sort": *sort, "price_min": *priceMin, "price_max": *priceMax, "currency": *currency, "cursor": *cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if *facets != "" {
		v.Set("facets", *facets)
	}
	v["partner"], v["brand"], v["category"] = partners, brands, categories
	for _, a := range attrs {
		name, val, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(e.stderr, "catalogctl search: --attr wants NAME=VALUE, not %q\n", a)
			return exitUsage
		}
		v.Add(catalog.FacetAttrPrefix+name, val)
	}
	q, err := api.ParseQuery(v)
	if err != nil {
		return fail(e, "search", err)
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		return fail(e, "search", err)
	}
	defer stack.Close()
	res, err := stack.Index.Search(ctx, q)
	if err != nil {
		return fail(e, "search", err)
	}
	if *asJSON {
		if res.Hits == nil {
			res.Hits = []catalog.Hit{}
		}
		if err := json.NewEncoder(e.stdout).Encode(res); err != nil {
			return fail(e, "search", err)
		}
		return exitOK
	}
	more := ""
	if !res.TotalExact {
		more = "+"
	}
	fmt.Fprintf(e.stdout, "%d%s products (%.1f ms)\n", res.Total, more, res.TookMS)
	for _, h := range res.Hits {
		p := h.Product
		price := ""
		if p.Price != nil {
			price = p.Price.String()
		}
		fmt.Fprintf(e.stdout, "  %-32s %-40s %-16s %s\n", p.ID, truncate(p.Name, 40), truncate(p.Brand, 16), price)
	}
	if res.NextCursor != "" {
		fmt.Fprintf(e.stdout, "next page: --cursor %s\n", res.NextCursor)
	}
	for _, f := range q.Facets {
		vals := res.Facets[f]
		if len(vals) == 0 {
			continue
		}
		parts := make([]string, 0, len(vals))
		for _, fv := range vals {
			parts = append(parts, fmt.Sprintf("%s (%d)", fv.Value, fv.Count))
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", f, strings.Join(parts, ", "))
	}
	return exitOK
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
