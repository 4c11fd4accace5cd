package osindex

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Highlight markers asked of the engine: private-use characters that
// product text does not carry (control characters would be trimmed by the
// engine at the ends of a field), turned into spans and then into
// search.Mark's markers, so that engine fragments and Bleve's are built
// alike.
const (
	engineOpen  = "\uE000"
	engineClose = "\uE001"
)

type obj = map[string]any

func termQ(field, value string, boost float64) obj {
	return obj{"term": obj{field: obj{"value": value, "boost": boost}}}
}

// textQuery builds the query of a plan, clause for clause like the Bleve
// adapter: every word must match, in one of the classes of
// search.TextFields with its weight, the stemmed text exactly, the folded
// text within its typo budget, or (the word being typed) as a prefix; or the
// whole text is an identifier. nil means match all.
func textQuery(plan search.Plan) obj {
	if plan.Empty() {
		return nil
	}
	var must []any
	for _, w := range plan.Words {
		if w.Stop {
			continue // a stop word: it constrains nothing
		}
		var alts []any
		for _, f := range search.TextFields() {
			alts = append(alts, wordQueries(plan, w, f)...)
		}
		if len(alts) == 0 {
			continue
		}
		must = append(must, obj{"bool": obj{"should": alts, "minimum_should_match": 1}})
	}
	var text obj
	if len(must) == 0 {
		text = obj{"match_all": obj{}}
	} else {
		text = obj{"bool": obj{"must": must}}
	}
	if plan.Identifier == "" {
		return text
	}
	ors := []any{text, termQ(search.FieldIDs, plan.Identifier, search.BoostIdentifier)}
	if plan.IdentifierPrefix {
		ors = append(ors, obj{"prefix": obj{search.FieldIDs: obj{"value": plan.Identifier, "boost": search.BoostIDPrefix}}})
	}
	return obj{"bool": obj{"should": ors, "minimum_should_match": 1}}
}

// wordQueries returns the clauses by which word w matches the class of
// text f, with f's weight: the word in the stemmed field (or, for a plan
// that keeps to names, in the folded field), its typos and its prefix in
// the folded field.
func wordQueries(plan search.Plan, w search.Word, f search.TextField) []any {
	var alts []any
	if plan.NameFields {
		if f.Fold == "" {
			return nil
		}
		alts = append(alts, termQ(f.Fold, w.Text, f.Weight))
	} else {
		alts = append(alts, obj{"match": obj{f.Exact: obj{"query": w.Text, "operator": "and", "boost": f.Weight}}})
	}
	if f.Fold == "" {
		return alts
	}
	if w.Fuzz > 0 {
		alts = append(alts, obj{"fuzzy": obj{f.Fold: obj{
			"value": w.Text, "fuzziness": w.Fuzz, "transpositions": true,
			"prefix_length": 0, "max_expansions": 50, "boost": f.Weight * search.BoostFuzzy,
		}}})
	}
	if w.Prefix {
		alts = append(alts, obj{"regexp": obj{f.Fold: obj{"value": search.LongerWords(w.Text), "flags": "NONE", "boost": f.Weight * search.BoostPrefix}}})
	}
	return alts
}

// filterClauses returns f's filters (search.Filters), leaving out the
// dimension skip ("" for none, or a search.FacetDimension).
func filterClauses(f catalog.Filters, skip string) []any {
	var and []any
	for _, c := range search.Filters(f, skip) {
		if c.Range {
			r := obj{}
			if c.Min != nil {
				r["gte"] = *c.Min
			}
			if c.Max != nil {
				r["lte"] = *c.Max
			}
			and = append(and, obj{"range": obj{c.Field: r}})
			continue
		}
		and = append(and, obj{"terms": obj{c.Field: c.Values}})
	}
	return and
}

func filterObj(clauses []any) obj {
	if len(clauses) == 0 {
		return obj{"match_all": obj{}}
	}
	return obj{"bool": obj{"filter": clauses}}
}

// maxCurrencies bounds the currencies among which the price facet picks
// the one of its bands.
const maxCurrencies = 200

// facetAgg is the aggregation of a facet. The price facet's bands are
// counted per currency (a terms aggregation on the currency with the bands
// inside), unless the currency filter already leaves one.
func facetAgg(name string, size int, f catalog.Filters) obj {
	if name == catalog.FacetPrice {
		ranges := []any{}
		for _, r := range search.PriceRanges() {
			rr := obj{"key": r.Label, "from": r.From}
			if r.To > 0 {
				rr["to"] = r.To
			}
			ranges = append(ranges, rr)
		}
		bands := obj{"range": obj{"field": search.FieldPrice, "ranges": ranges, "keyed": false}}
		if f.Currency != "" {
			return bands
		}
		return obj{
			"terms": obj{"field": search.FieldCurrency, "size": maxCurrencies, "order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}},
			"aggs":  obj{"r": bands},
		}
	}
	return obj{"terms": obj{"field": search.FacetField(name), "size": size, "order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}}}
}

func sortSpec(q catalog.Query, empty bool) []any {
	id := obj{fID: obj{"order": "asc"}}
	newest := obj{search.FieldUpdated: obj{"order": "desc", "missing": "_last"}}
	switch q.Sort {
	case catalog.SortPriceAsc:
		return []any{obj{search.FieldPrice: obj{"order": "asc", "missing": "_last"}}, id}
	case catalog.SortPriceDesc:
		return []any{obj{search.FieldPrice: obj{"order": "desc", "missing": "_last"}}, id}
	case catalog.SortNewest:
		return []any{newest, id}
	case catalog.SortName:
		return []any{obj{search.FieldNameSort: obj{"order": "asc", "missing": "_last"}}, id}
	}
	if empty {
		return []any{newest, id}
	}
	return []any{obj{"_score": obj{"order": "desc"}}, id}
}

type searchResp struct {
	Took int `json:"took"`
	Hits struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Hits []searchHit `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		V struct {
			Buckets []aggBucket `json:"buckets"`
			Value   float64     `json:"value"` // of the groups' cardinality
		} `json:"v"`
	} `json:"aggregations"`
	Suggest map[string][]struct {
		Options []struct {
			Text  string  `json:"text"`
			Score float64 `json:"score"`
			Freq  int     `json:"freq"`
		} `json:"options"`
	} `json:"suggest"`
}

// aggBucket is one bucket of a facet's aggregation; R holds the price bands
// of a currency bucket.
type aggBucket struct {
	Key      any `json:"key"`
	DocCount int `json:"doc_count"`
	R        struct {
		Buckets []aggBucket `json:"buckets"`
	} `json:"r"`
}

// searchHit is one hit of a search answer.
type searchHit struct {
	ID     string   `json:"_id"`
	Score  *float64 `json:"_score"`
	Source struct {
		Product catalog.Product `json:"product"`
	} `json:"_source"`
	Highlight hitHighlight `json:"highlight"`
	Sort      []any        `json:"sort"`
	InnerHits struct {
		Offers struct {
			Hits struct {
				Total struct {
					Value int `json:"value"`
				} `json:"total"`
				Hits []struct {
					Source struct {
						Product struct {
							Price *catalog.Money `json:"price"`
						} `json:"product"`
					} `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		} `json:"offers"`
	} `json:"inner_hits"`
}

// hitHighlight holds the marked fragments of the highlighted fields (the
// "fields" of the request's highlight: search.FieldName, search.FieldNameFold,
// search.FieldDescription).
type hitHighlight struct {
	Name        []string `json:"name"`
	NameFold    []string `json:"name_fold"`
	Description []string `json:"description"`
}

// trackTotal is how far totals are exact; beyond, Total is a lower bound.
const trackTotal = catalog.MaxResultDepth

// Search implements catalog.Index.
func (x *Index) Search(ctx context.Context, q catalog.Query) (catalog.Result, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return catalog.Result{}, err
	}
	syn := x.synonyms(ctx)
	plan := search.NewPlan(q.Text, syn)
	out, took, err := x.searchPlan(ctx, q, plan)
	if err != nil {
		return catalog.Result{}, err
	}
	if out.Total == 0 && len(plan.Words) > 0 {
		out.Suggestion = x.didYouMean(ctx, plan, q.Filters, syn)
		r, ok, err := search.Relax(ctx, plan, func(ctx context.Context, p search.Plan) (int, error) {
			body := obj{"size": 0, "track_total_hits": 1, "query": obj{"bool": obj{"must": []any{textQuery(p)}, "filter": filterClauses(q.Filters, "")}}}
			resp, err := x.search(ctx, body)
			if err != nil {
				return 0, err
			}
			return resp.Hits.Total.Value, nil
		})
		if err != nil {
			return catalog.Result{}, err
		}
		if ok {
			suggestion := out.Suggestion
			if out, took, err = x.searchPlan(ctx, q, r.Plan); err != nil {
				return catalog.Result{}, err
			}
			out.Relaxed, out.Dropped, out.Suggestion = true, r.Dropped, suggestion
		}
	}
	total := time.Since(start)
	out.TookMS = float64(total.Microseconds()) / 1000
	if x.cfg.Observe != nil {
		x.cfg.Observe(took, total)
	}
	return out, nil
}

// searchPlan runs q with the text plan: one _search request. It returns the
// engine's own time.
func (x *Index) searchPlan(ctx context.Context, q catalog.Query, plan search.Plan) (catalog.Result, time.Duration, error) {
	text := textQuery(plan)
	body := obj{
		"from": (q.Page - 1) * q.Size, "size": q.Size,
		"track_total_hits": trackTotal,
		"sort":             sortSpec(q, text == nil),
		"_source":          []string{fProduct},
	}
	if text != nil {
		body["query"] = text
		body["highlight"] = obj{
			"pre_tags": []string{engineOpen}, "post_tags": []string{engineClose},
			"require_field_match": false, "number_of_fragments": 0,
			"fields": obj{search.FieldName: obj{}, search.FieldNameFold: obj{}, search.FieldDescription: obj{}},
		}
	}
	if q.Sort == catalog.SortRelevance && text != nil {
		body["track_scores"] = true
	}
	if q.Cursor != "" {
		body["from"] = 0
		if q.Cursor != catalog.CursorStart {
			after, err := search.DecodeCursor(q.Cursor)
			if err != nil {
				return catalog.Result{}, 0, err
			}
			if len(after) != len(body["sort"].([]any)) {
				return catalog.Result{}, 0, catalog.Errorf(catalog.CodeInvalid, "cursor is not valid")
			}
			body["search_after"] = after
		}
	}
	// Filters apply to hits after the query (post_filter); each facet counts
	// under every filter but its own (multi-select).
	if fc := filterClauses(q.Filters, ""); len(fc) > 0 {
		body["post_filter"] = filterObj(fc)
	}
	aggs := obj{}
	for _, f := range q.Facets {
		aggs[f] = obj{"filter": filterObj(filterClauses(q.Filters, search.FacetDimension(f))), "aggs": obj{"v": facetAgg(f, q.FacetSize, q.Filters)}}
	}
	if q.Group != "" {
		collapse(body, aggs, q.Filters)
	}
	if len(aggs) > 0 {
		body["aggs"] = aggs
	}
	resp, err := x.search(ctx, body)
	if err != nil {
		return catalog.Result{}, 0, err
	}
	out := catalog.Result{
		Total: resp.Hits.Total.Value, TotalExact: resp.Hits.Total.Relation != "gte",
		Page: q.Page, Size: q.Size, Hits: make([]catalog.Hit, 0, len(resp.Hits.Hits)),
	}
	for _, h := range resp.Hits.Hits {
		hit := catalog.Hit{Product: h.Source.Product, Highlights: highlights(h.Source.Product, h.Highlight)}
		if h.Score != nil && q.Sort == catalog.SortRelevance {
			hit.Score = *h.Score
		}
		if q.Group != "" {
			hit.Group = hitGroup(h)
		}
		out.Hits = append(out.Hits, hit)
	}
	if q.Group != "" {
		// Collapse counts products in hits.total: the groups are counted
		// by their aggregation.
		n := int(resp.Aggregations[aggGroups].V.Value)
		out.Total, out.TotalExact = n, n < groupsPrecision
	}
	if len(q.Facets) > 0 {
		out.Facets = map[string][]catalog.FacetValue{}
		for _, f := range q.Facets {
			buckets := resp.Aggregations[f].V.Buckets
			if f == catalog.FacetPrice {
				buckets, out.PriceCurrency = priceBands(q.Filters.Currency, buckets)
			}
			out.Facets[f] = facetValues(f, buckets)
		}
	}
	if n := len(resp.Hits.Hits); q.Cursor != "" && n == q.Size {
		out.NextCursor = search.EncodeCursor(resp.Hits.Hits[n-1].Sort)
	}
	return out, time.Duration(resp.Took) * time.Millisecond, nil
}

// aggGroups names the aggregation that counts the groups of a grouped
// query; facet names never start with an underscore.
const aggGroups = "_groups"

// groupsPrecision is the cardinality aggregation's precision threshold: it
// counts up to this many groups exactly (beyond, the count is an estimate
// and Result.TotalExact is false). 40000 is the engine's maximum.
const groupsPrecision = 40000

// collapse makes body a query grouped by offers (catalog.GroupOffers):
// the engine's collapse on search.FieldGroup keeps the first product of
// each group in the query's order, with one inner hit, the group's
// cheapest offer under the same query and filters, whose total is the
// group's offers; aggs gains the count of the groups that pass the filters
// (aggregations see the hits before post_filter).
func collapse(body, aggs obj, f catalog.Filters) {
	body["collapse"] = obj{"field": search.FieldGroup, "inner_hits": obj{
		"name": "offers", "size": 1, "_source": []string{fProduct + ".price"},
		"sort": []any{obj{search.FieldPrice: obj{"order": "asc", "missing": "_last", "unmapped_type": "double"}}, obj{fID: obj{"order": "asc"}}},
	}}
	aggs[aggGroups] = obj{"filter": filterObj(filterClauses(f, "")), "aggs": obj{"v": obj{"cardinality": obj{
		"field": search.FieldGroup, "precision_threshold": groupsPrecision,
	}}}}
}

// hitGroup reads the group of a collapsed hit from its inner hits.
func hitGroup(h searchHit) *catalog.HitGroup {
	in := h.InnerHits.Offers.Hits
	g := &catalog.HitGroup{Offers: in.Total.Value}
	if len(in.Hits) > 0 {
		if p := in.Hits[0].Source.Product.Price; p != nil {
			if _, ok := search.PriceFloat(p); ok {
				g.MinPrice = p
			}
		}
	}
	return g
}

// search sends one _search request. Its JSON is read and written with
// encoding/json/v2 (the go-json-experiment module, its mirror for Go 1.26):
// decoding the hits is most of the adapter's own time per search, and v2
// decodes them in about half the time and allocations of encoding/json.
func (x *Index) search(ctx context.Context, body obj) (*searchResp, error) {
	b, err := jsonv2.Marshal(body)
	if err != nil {
		return nil, x.decodeErr(ctx, err)
	}
	// GET with a body: searching is a read, which is all the api Lambda's
	// role is granted (es:ESHttpGet and es:ESHttpHead).
	status, data, err := x.do(ctx, http.MethodGet, "/"+esc(x.cfg.Alias)+"/_search", b, http.StatusNotFound)
	if err != nil {
		return nil, err
	}
	var resp searchResp
	if status == http.StatusNotFound {
		if !indexNotFound(data) {
			return nil, x.engineErr(ctx, http.MethodGet, "/_search", status, data)
		}
		// No index behind the alias yet (a stage before its first deploy
		// step or catalog): nothing to find, which is not an error.
		return &resp, nil
	}
	if n, ok := body["size"].(int); ok && n > 0 {
		resp.Hits.Hits = make([]searchHit, 0, n) // filled in place, not grown hit by hit
	}
	if err := jsonv2.Unmarshal(data, &resp); err != nil {
		return nil, x.decodeErr(ctx, err)
	}
	return &resp, nil
}

// priceBands returns the bands of the price facet's currency and that
// currency: with a currency filter the buckets are its bands already;
// without, they are currencies holding their bands.
func priceBands(filter string, buckets []aggBucket) ([]aggBucket, string) {
	if filter != "" {
		return buckets, search.PriceCurrency(filter, nil)
	}
	counts := map[string]int{}
	for _, b := range buckets {
		if key, ok := b.Key.(string); ok {
			counts[key] = b.DocCount
		}
	}
	cur := search.PriceCurrency("", counts)
	for _, b := range buckets {
		if key, _ := b.Key.(string); key == cur && cur != "" {
			return b.R.Buckets, cur
		}
	}
	return nil, cur
}

func facetValues(name string, buckets []aggBucket) []catalog.FacetValue {
	out := []catalog.FacetValue{}
	for _, b := range buckets {
		if b.DocCount == 0 {
			continue
		}
		key, _ := b.Key.(string)
		out = append(out, catalog.FacetValue{Value: key, Count: b.DocCount})
	}
	if name == catalog.FacetPrice {
		return out // bucket order
	}
	search.SortFacetValues(out)
	return out
}

// spansOf recovers the marked spans of a whole-field highlight (engine
// markers) as byte offsets in the unmarked text.
func spansOf(marked string) (string, []search.Span) {
	var b strings.Builder
	var spans []search.Span
	open := -1
	for len(marked) > 0 {
		switch {
		case strings.HasPrefix(marked, engineOpen):
			open = b.Len()
			marked = marked[len(engineOpen):]
		case strings.HasPrefix(marked, engineClose):
			if open >= 0 {
				spans = append(spans, search.Span{Start: open, End: b.Len()})
				open = -1
			}
			marked = marked[len(engineClose):]
		default:
			b.WriteByte(marked[0])
			marked = marked[1:]
		}
	}
	return b.String(), spans
}

// highlights merges the engine's highlights of a field and of its folded
// sub-field into the API's form, built like the Bleve adapter's: the whole
// marked name, a fragment of the description.
func highlights(p catalog.Product, hl hitHighlight) map[string][]string {
	collect := func(text string, marked ...[]string) []search.Span {
		var spans []search.Span
		for _, frags := range marked {
			for _, frag := range frags {
				if plain, s := spansOf(frag); plain == text {
					spans = append(spans, s...)
				}
			}
		}
		return spans
	}
	var out map[string][]string
	if s := collect(p.Name, hl.Name, hl.NameFold); len(s) > 0 {
		out = map[string][]string{"name": {search.Mark(p.Name, s, 0, len(p.Name))}}
	}
	if s := collect(p.Description, hl.Description); len(s) > 0 { // descriptions are matched exactly only
		if out == nil {
			out = map[string][]string{}
		}
		out["description"] = []string{search.Fragment(p.Description, s)}
	}
	return out
}

// didYouMean asks the term suggester for the closest words of each word
// among the names, brands and categories (search.FieldSpell: within two
// edits, only for words absent from that field; a word's frequency is the
// number of products holding it), picks one with search.Correction, and
// proposes the corrected text when it has hits under the same filters.
func (x *Index) didYouMean(ctx context.Context, plan search.Plan, f catalog.Filters, syn *search.Synonyms) string {
	sugg := obj{}
	for i, w := range plan.Words {
		if !search.SuggestibleWord(w.Text) {
			continue
		}
		sugg[key(i)] = obj{"text": w.Text, "term": obj{
			"field": search.FieldSpell, "suggest_mode": "missing", "max_edits": search.MaxCorrectionEdits, "prefix_length": 0,
			"min_word_length": 4, "string_distance": "damerau_levenshtein", "size": 5, "sort": "score",
		}}
	}
	if len(sugg) == 0 {
		return ""
	}
	resp, err := x.search(ctx, obj{"size": 0, "suggest": sugg})
	if err != nil {
		return ""
	}
	text, changed := search.Corrected(plan, func(i int, w string) string {
		c := search.NewCorrection(w)
		if entries := resp.Suggest[key(i)]; len(entries) > 0 {
			for _, o := range entries[0].Options {
				c.Offer(o.Text, o.Freq)
			}
		}
		return c.Best()
	})
	if !changed {
		return ""
	}
	check := textQuery(search.NewPlan(text+" ", syn))
	body := obj{"size": 0, "track_total_hits": 1, "query": obj{"bool": obj{"must": check, "filter": filterClauses(f, "")}}}
	res, err := x.search(ctx, body)
	if err != nil || res.Hits.Total.Value == 0 {
		return ""
	}
	return text
}

func key(i int) string { return "w" + strconv.Itoa(i) }

// Suggest implements catalog.Index.
func (x *Index) Suggest(ctx context.Context, prefix string, n int) ([]catalog.Suggestion, error) {
	n = min(n, catalog.MaxSuggestSize)
	words, typing := search.SuggestWords(prefix)
	if len(words) == 0 || n <= 0 {
		return []catalog.Suggestion{}, nil
	}
	must := make([]any, 0, len(words))
	for i, w := range words {
		if typing && i == len(words)-1 {
			p := obj{"prefix": obj{search.FieldFold: obj{"value": w, "boost": search.SuggestExactBoost}}}
			if re := search.FuzzyPrefix(w); re != "" {
				// One edit from the fourth letter; exact prefixes rank first.
				fz := obj{"regexp": obj{search.FieldFold: obj{"value": re, "flags": "NONE"}}}
				must = append(must, obj{"bool": obj{"should": []any{p, fz}, "minimum_should_match": 1}})
				continue
			}
			must = append(must, p)
			continue
		}
		must = append(must, termQ(search.FieldFold, w, 1))
	}
	body := obj{
		"size": search.SuggestCandidates(n), "_source": []string{fProduct},
		"query": obj{"bool": obj{"must": must}},
		"sort":  []any{obj{"_score": obj{"order": "desc"}}, obj{fID: obj{"order": "asc"}}},
	}
	resp, err := x.search(ctx, body)
	if err != nil {
		return nil, err
	}
	products := make([]catalog.Product, 0, len(resp.Hits.Hits))
	for _, h := range resp.Hits.Hits {
		products = append(products, h.Source.Product)
	}
	return search.BuildSuggestions(prefix, products, n), nil
}
