package bleveindex

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// analyze returns the distinct terms analyzer a gives for text.
func analyze(a analysis.Analyzer, text string) []string {
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		term := string(t.Term)
		dup := false
		for _, o := range out {
			dup = dup || o == term
		}
		if !dup {
			out = append(out, term)
		}
	}
	return out
}

func term(field, t string, boost float64) query.Query {
	q := query.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// textQuery builds the query of a plan: every word must match the product's
// text (exactly, within its typo budget, or as a prefix for the word being
// typed) in one of the classes of search.TextFields, each with its weight,
// or the whole text is one of its identifiers. It returns nil for an empty
// plan (match everything).
func textQuery(plan search.Plan, txt analysis.Analyzer) query.Query {
	return buildTextQuery(plan, txt, false)
}

// textQuery is the query of plan in the shape the index is set to
// (SetLegacyTextQuery).
func (x *Index) textQuery(plan search.Plan) query.Query {
	return buildTextQuery(plan, x.txt, x.legacyText.Load())
}

// SetLegacyTextQuery makes the index build its text queries as it did
// before typoQuery (legacy): Bleve's fuzzy query, which also matches the
// word itself, and transpositions as term clauses of their own. It is for
// benchmarks, which compare both shapes on the same index in the same run
// (bench/searchbench).
func (x *Index) SetLegacyTextQuery(legacy bool) { x.legacyText.Store(legacy) }

func buildTextQuery(plan search.Plan, txt analysis.Analyzer, legacy bool) query.Query {
	if plan.Empty() {
		return nil
	}
	var must []query.Query
	for i, w := range plan.Words {
		if w.Stop {
			continue // a stop word: it constrains nothing
		}
		if !legacy && slices.Contains(plan.Words[:i], w) {
			// A word typed twice ("table table"): its clause again
			// would match the same products, each scoring twice as much,
			// which changes no order but doubles the postings read.
			continue
		}
		terms := analyze(txt, w.Text)
		if len(terms) == 0 {
			continue // nothing to match, as in OpenSearch
		}
		var alts []query.Query
		for _, f := range search.TextFields() {
			alts = append(alts, wordQueries(plan, w, terms, f, legacy)...)
		}
		if len(alts) == 0 {
			continue
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	var text query.Query
	if len(must) == 0 {
		text = query.NewMatchAllQuery()
	} else {
		text = query.NewBooleanQuery(must, nil, nil)
	}
	if plan.Identifier == "" {
		return text
	}
	ors := []query.Query{text, term(search.FieldIDs, plan.Identifier, search.BoostIdentifier)}
	if plan.IdentifierPrefix {
		p := query.NewPrefixQuery(plan.Identifier)
		p.SetField(search.FieldIDs)
		p.SetBoost(search.BoostIDPrefix)
		ors = append(ors, p)
	}
	return query.NewDisjunctionQuery(ors)
}

// wordQueries returns the clauses by which word w (analyzed into terms)
// matches the class of text f, with f's weight: its terms in the stemmed
// field (or, for a plan that keeps to names, the folded word in the folded
// field), its typos (typoClauses) and its prefix in the folded field.
func wordQueries(plan search.Plan, w search.Word, terms []string, f search.TextField, legacy bool) []query.Query {
	var alts []query.Query
	if plan.NameFields {
		if f.Fold == "" {
			return nil
		}
		alts = append(alts, term(f.Fold, w.Text, f.Weight))
	} else {
		for _, t := range terms {
			alts = append(alts, term(f.Exact, t, f.Weight))
		}
	}
	if f.Fold == "" {
		return alts
	}
	if w.Fuzz > 0 {
		alts = append(alts, typoClauses(w, f, legacy)...)
	}
	if w.Prefix {
		p := query.NewRegexpQuery(search.LongerWords(w.Text))
		p.SetField(f.Fold)
		p.SetBoost(f.Weight * search.BoostPrefix)
		alts = append(alts, p)
	}
	return alts
}

// typoClauses match the typos of w in f's folded field: one typoQuery,
// which leaves out the word itself (the exact clauses match it) and
// weighs a swap of two letters as one edit. The legacy shape
// (SetLegacyTextQuery) is Bleve's fuzzy query, which also matches the word
// itself, and each transposition as a term clause of its own.
func typoClauses(w search.Word, f search.TextField, legacy bool) []query.Query {
	if !legacy {
		tq := &typoQuery{field: f.Fold, word: w.Text, fuzz: w.Fuzz, boost: f.Weight * search.BoostFuzzy}
		if w.Fuzz == 1 {
			tq.swaps = search.Transpositions(w.Text)
		}
		return []query.Query{tq}
	}
	fz := query.NewFuzzyQuery(w.Text)
	fz.SetField(f.Fold)
	fz.SetFuzziness(w.Fuzz)
	fz.SetBoost(f.Weight * search.BoostFuzzy)
	alts := []query.Query{fz}
	if w.Fuzz == 1 {
		// A transposition is one edit, as in OpenSearch's fuzzy query;
		// Bleve's automaton counts it as two.
		for _, t := range search.Transpositions(w.Text) {
			alts = append(alts, term(f.Fold, t, f.Weight*search.BoostFuzzy))
		}
	}
	return alts
}

// filterQuery returns the conjunction of f's filters (search.Filters),
// leaving out the dimension skip; nil when nothing filters.
func filterQuery(f catalog.Filters, skip string) query.Query {
	var and []query.Query
	for _, c := range search.Filters(f, skip) {
		if c.Range {
			yes := true
			and = append(and, numRange(c.Min, c.Max, &yes, &yes))
			continue
		}
		ors := make([]query.Query, 0, len(c.Values))
		for _, v := range c.Values {
			ors = append(ors, term(c.Field, v, 1))
		}
		and = append(and, query.NewDisjunctionQuery(ors))
	}
	if len(and) == 0 {
		return nil
	}
	return query.NewConjunctionQuery(and)
}

func numRange(lo, hi *float64, loIncl, hiIncl *bool) query.Query {
	q := query.NewNumericRangeInclusiveQuery(lo, hi, loIncl, hiIncl)
	q.SetField(search.FieldPrice)
	return q
}

// combine puts the scoring text query and the non-scoring filter together.
func combine(text, filter query.Query) query.Query {
	if filter == nil {
		if text == nil {
			return query.NewMatchAllQuery()
		}
		return text
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if text != nil {
		b.AddMust(text)
	}
	b.AddFilter(filter)
	return b
}

// sortOrder is the order of hits. Ties keep Bleve's index order (stable
// for a given index state); an _id tie-break would cost an ID lookup per
// matching document.
func sortOrder(q catalog.Query, empty bool) bsearch.SortOrder {
	newest := &bsearch.SortField{Field: search.FieldUpdated, Desc: true, Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast}
	switch q.Sort {
	case catalog.SortPriceAsc, catalog.SortPriceDesc:
		return bsearch.SortOrder{&bsearch.SortField{
			Field: fPriceKey, Desc: q.Sort == catalog.SortPriceDesc,
			Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast,
		}}
	case catalog.SortNewest:
		return bsearch.SortOrder{newest}
	case catalog.SortName:
		return bsearch.SortOrder{&bsearch.SortField{Field: search.FieldNameSort, Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast}}
	}
	if empty { // relevance without text: newest first
		return bsearch.SortOrder{newest}
	}
	return bsearch.SortOrder{&bsearch.SortScore{Desc: true}}
}

// facetRequest returns Bleve's request for the facet name: the category
// facet counts the leaf paths (facetValues adds them up to their
// ancestors), the price facet counts the bands of search.PriceRanges.
func facetRequest(name string, size int) *bleve.FacetRequest {
	switch name {
	case catalog.FacetCategory:
		return bleve.NewFacetRequest(fCategoryLeaf, maxCategoryLeaves)
	case catalog.FacetPrice:
		fr := bleve.NewFacetRequest(search.FieldPrice, len(search.PriceRanges()))
		for _, r := range search.PriceRanges() {
			from := r.From
			var to *float64
			if r.To > 0 {
				t := r.To
				to = &t
			}
			fr.AddNumericRange(r.Label, &from, to)
		}
		return fr
	}
	return bleve.NewFacetRequest(search.FacetField(name), size)
}

// Search implements catalog.Index.
func (x *Index) Search(ctx context.Context, q catalog.Query) (_ catalog.Result, err error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return catalog.Result{}, err
	}
	idx, release, err := x.reader()
	if err != nil {
		return catalog.Result{}, err
	}
	defer release()
	defer x.recoverPanic(&err, "search")
	plan := search.NewPlan(q.Text, x.syn)
	text := x.textQuery(plan)
	out, err := x.searchPath(ctx, idx, q, text)
	if err != nil {
		return catalog.Result{}, err
	}
	hl := newHighlighter(plan, x.txt, x.fld)
	for i := range out.Hits {
		out.Hits[i].Highlights = hl.highlights(out.Hits[i].Product)
	}
	if out.Total == 0 && len(plan.Words) > 0 {
		out.Suggestion = x.didYouMean(ctx, idx, plan, q.Filters)
		if out, plan, err = x.relax(ctx, idx, q, plan, out); err != nil {
			return catalog.Result{}, err
		}
		for i := range out.Hits {
			out.Hits[i].Highlights = newHighlighter(plan, x.txt, x.fld).highlights(out.Hits[i].Product)
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// searchPath runs q with the text query on the in-memory columns when
// they can answer it (fastPath) and are built for the current snapshot or
// a newer one (waiting for a small build in flight), else on Bleve's own
// collector: a search never waits for a large build (columnCache).
func (x *Index) searchPath(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) (catalog.Result, error) {
	if q.Group != "" {
		return x.searchGrouped(ctx, idx, q, text)
	}
	if fastPath(q) {
		// The generation is read before the snapshot is taken: a write
		// landing between the two then makes the counts of the older
		// snapshot uncacheable, instead of cached as current.
		gen := x.facets.generation()
		cols, err := x.cols.acquire(ctx, idx)
		if err != nil {
			return catalog.Result{}, x.searchErr(ctx, err)
		}
		if cols != nil {
			defer x.cols.release(cols)
			x.cols.runAcquired()
			return x.searchColumns(ctx, idx, cols, gen, q, text)
		}
	}
	return x.searchCollector(ctx, idx, q, text)
}

// relax runs the relaxed pass of a query whose strict pass found nothing
// (search.Relax): the result of the relaxed plan, marked Relaxed, or strict
// unchanged.
func (x *Index) relax(ctx context.Context, idx bleve.Index, q catalog.Query, plan search.Plan, strict catalog.Result) (catalog.Result, search.Plan, error) {
	r, ok, err := x.relaxedPlan(ctx, idx, q, plan)
	if err != nil || !ok {
		return strict, plan, err
	}
	out, err := x.searchPath(ctx, idx, relaxedQuery(q), x.textQuery(r.Plan))
	if err != nil {
		return catalog.Result{}, plan, err
	}
	out.Relaxed, out.Dropped, out.Suggestion = true, r.Dropped, strict.Suggestion
	return out, r.Plan, nil
}

// relaxedPlan finds the relaxed plan of q under its filters; ok is false
// when there is none.
func (x *Index) relaxedPlan(ctx context.Context, idx bleve.Index, q catalog.Query, plan search.Plan) (search.Relaxed, bool, error) {
	filter := filterQuery(q.Filters, "")
	return search.Relax(ctx, plan, func(ctx context.Context, p search.Plan) (int, error) {
		req := bleve.NewSearchRequestOptions(combine(x.textQuery(p), filter), 0, 0, false)
		req.Score = bleve.ScoreNone
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return 0, x.searchErr(ctx, err)
		}
		return clampInt(res.Total), nil
	})
}

// relaxedQuery is q for its relaxed pass. Facet counts are cached by the
// query's text: the relaxed pass has its own.
func relaxedQuery(q catalog.Query) catalog.Query {
	q.Text = "\x00relaxed:" + q.Text
	return q
}

// searchCollector runs q on Bleve's own collector and facets: cursor pages
// and attribute facets.
func (x *Index) searchCollector(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) (catalog.Result, error) {
	req := bleve.NewSearchRequestOptions(combine(text, filterQuery(q.Filters, "")), q.Size, (q.Page-1)*q.Size, false)
	req.Fields = []string{fSource}
	req.Sort = sortOrder(q, text == nil)
	if q.Cursor != "" {
		// Cursor paging needs a total order: ties broken by id.
		req.Sort = append(req.Sort, &bsearch.SortDocID{})
		if q.Cursor != catalog.CursorStart {
			after, err := cursorValues(q.Cursor, len(req.Sort))
			if err != nil {
				return catalog.Result{}, err
			}
			req.SearchAfter = after
		}
	}
	if q.Sort != catalog.SortRelevance {
		req.Score = bleve.ScoreNone
	}
	// Facets whose dimension is filtered are counted by a separate request
	// without that filter (multi-select); the others ride along here.
	var separate []string
	for _, f := range q.Facets {
		if f == catalog.FacetPrice || search.Filtered(q.Filters, search.FacetDimension(f)) {
			separate = append(separate, f)
			continue
		}
		fr := facetRequest(f, q.FacetSize)
		req.AddFacet(f, fr)
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return catalog.Result{}, x.searchErr(ctx, err)
	}
	out := catalog.Result{
		Total: clampInt(res.Total), TotalExact: true, Page: q.Page, Size: q.Size,
		Hits: make([]catalog.Hit, 0, len(res.Hits)),
	}
	if len(q.Facets) > 0 {
		out.Facets = map[string][]catalog.FacetValue{}
	}
	for name, fr := range res.Facets {
		out.Facets[name] = facetValues(name, fr, q.FacetSize)
	}
	for _, f := range separate {
		if f == catalog.FacetPrice {
			if out.Facets[f], out.PriceCurrency, err = x.priceFacet(ctx, idx, q, text); err != nil {
				return catalog.Result{}, err
			}
			continue
		}
		vals, err := x.facetWithout(ctx, idx, q, text, f)
		if err != nil {
			return catalog.Result{}, err
		}
		out.Facets[f] = vals
	}
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		p, err := decodeProduct(x, h.ID, []byte(src))
		if err != nil {
			return catalog.Result{}, err
		}
		out.Hits = append(out.Hits, catalog.Hit{Product: p, Score: h.Score})
	}
	if q.Cursor != "" && len(res.Hits) == q.Size {
		last := res.Hits[len(res.Hits)-1]
		values := make([]any, len(last.Sort))
		for i, v := range last.Sort {
			if _, ok := req.Sort[i].(*bsearch.SortScore); ok {
				v = strconv.FormatFloat(last.Score, 'g', -1, 64)
			}
			// Sort values are raw index terms (with bytes like the
			// missing-value markers): carried in base64.
			values[i] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		out.NextCursor = search.EncodeCursor(values)
	}
	return out, nil
}

// decodeProduct reads a stored product.
func decodeProduct(x *Index, id string, src []byte) (catalog.Product, error) {
	var p catalog.Product
	if err := json.Unmarshal(src, &p); err != nil {
		return catalog.Product{}, x.internal(err, "decode stored product "+id)
	}
	return p, nil
}

// cursorValues decodes a cursor of this engine: n sort values, strings.
func cursorValues(cursor string, n int) ([]string, error) {
	values, err := search.DecodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	if len(values) != n {
		return nil, catalog.Errorf(catalog.CodeInvalid, "cursor is not valid")
	}
	out := make([]string, n)
	for i, v := range values {
		s, ok := v.(string)
		raw, err := base64.StdEncoding.DecodeString(s)
		if !ok || err != nil {
			return nil, catalog.Errorf(catalog.CodeInvalid, "cursor is not valid")
		}
		out[i] = string(raw)
	}
	return out, nil
}

// facetWithout counts facet f over the hits of q without f's own filter
// (multi-select). These counts repeat across queries (every category page
// without text counts categories over the same set), so they are cached
// until the next write.
func (x *Index) facetWithout(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query, f string) ([]catalog.FacetValue, error) {
	key := facetKey(q, f)
	if vals, ok := x.facets.get(key); ok {
		return vals, nil
	}
	gen := x.facets.generation()
	fq := bleve.NewSearchRequestOptions(combine(text, filterQuery(q.Filters, search.FacetDimension(f))), 0, 0, false)
	fq.Score = bleve.ScoreNone
	fr := facetRequest(f, q.FacetSize)
	fq.AddFacet(f, fr)
	fres, err := idx.SearchInContext(ctx, fq)
	if err != nil {
		return nil, x.searchErr(ctx, err)
	}
	vals := facetValues(f, fres.Facets[f], q.FacetSize)
	x.facets.put(gen, key, vals)
	return vals, nil
}

// priceFacet counts the price bands of q's hits without its price range,
// in one currency (search.PriceCurrency): the currency filter's, or else the
// one most of those hits are priced in, which a first request counts.
func (x *Index) priceFacet(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) ([]catalog.FacetValue, string, error) {
	key := facetKey(q, catalog.FacetPrice)
	if vals, ok := x.facets.get(key); ok {
		if cur, ok := x.facets.priceCurrency(q); ok {
			return vals, cur, nil
		}
	}
	gen := x.facets.generation()
	f := q.Filters
	if f.Currency == "" {
		cq := q
		cq.Filters.PriceMin, cq.Filters.PriceMax = nil, nil
		counts, err := x.facetWithout(ctx, idx, cq, text, catalog.FacetCurrency)
		if err != nil {
			return nil, "", err
		}
		perCurrency := map[string]int{}
		for _, c := range counts {
			perCurrency[c.Value] = c.Count
		}
		f.Currency = search.PriceCurrency("", perCurrency)
	}
	cur := search.PriceCurrency(f.Currency, nil)
	vals := []catalog.FacetValue{}
	if cur != "" {
		req := bleve.NewSearchRequestOptions(combine(text, filterQuery(f, search.FacetDimension(catalog.FacetPrice))), 0, 0, false)
		req.Score = bleve.ScoreNone
		fr := facetRequest(catalog.FacetPrice, q.FacetSize)
		req.AddFacet(catalog.FacetPrice, fr)
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, "", x.searchErr(ctx, err)
		}
		vals = facetValues(catalog.FacetPrice, res.Facets[catalog.FacetPrice], q.FacetSize)
	}
	x.facets.put(gen, key, vals)
	x.facets.putPriceCurrency(gen, q, cur)
	return vals, cur, nil
}

func (x *Index) searchErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return catalog.Wrap(catalog.CodeUnavailable, err, "search cancelled")
	}
	return x.internal(err, "search")
}

// maxCategoryLeaves bounds the distinct leaf categories whose counts add up
// to the category facet.
const maxCategoryLeaves = 10000

// facetValues converts a Bleve facet result, keeping empty price ranges
// out and the engine-neutral order: count descending, then value; at most
// size values.
func facetValues(name string, fr *bsearch.FacetResult, size int) []catalog.FacetValue {
	out := []catalog.FacetValue{}
	if fr == nil {
		return out
	}
	if name == catalog.FacetPrice {
		counts := map[string]int{}
		for _, r := range fr.NumericRanges {
			counts[r.Name] = r.Count
		}
		for _, r := range search.PriceRanges() { // bucket order, not count order
			if counts[r.Label] > 0 {
				out = append(out, catalog.FacetValue{Value: r.Label, Count: counts[r.Label]})
			}
		}
		return out
	}
	if fr.Terms != nil && name == catalog.FacetCategory {
		// Leaf paths: add every leaf's count to each of its ancestors.
		counts := map[string]int{}
		for _, t := range fr.Terms.Terms() {
			for _, p := range search.CategoryPaths(strings.Split(t.Term, " > ")) {
				counts[p] += t.Count
			}
		}
		for v, c := range counts {
			out = append(out, catalog.FacetValue{Value: v, Count: c})
		}
	} else if fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			out = append(out, catalog.FacetValue{Value: t.Term, Count: t.Count})
		}
	}
	search.SortFacetValues(out)
	if len(out) > size {
		out = out[:size]
	}
	return out
}

// didYouMean proposes, for a query without hits, the query with each word
// replaced by the closest word of the names, brands and categories (within
// two edits, the one most products hold among the closest; search.FieldSpell),
// when that query has hits under the same filters.
func (x *Index) didYouMean(ctx context.Context, idx bleve.Index, plan search.Plan, f catalog.Filters) string {
	adv, err := idx.Advanced()
	if err != nil {
		return ""
	}
	r, err := adv.Reader()
	if err != nil {
		return ""
	}
	defer func() { _ = r.Close() }()
	fz, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return ""
	}
	text, changed := search.Corrected(plan, func(_ int, w string) string { return closestTerm(ctx, r, fz, w) })
	if !changed {
		return ""
	}
	check := search.NewPlan(text+" ", x.syn)
	req := bleve.NewSearchRequestOptions(combine(x.textQuery(check), filterQuery(f, "")), 0, 0, false)
	req.Score = bleve.ScoreNone
	res, err := idx.SearchInContext(ctx, req)
	if err != nil || res.Total == 0 {
		return ""
	}
	return text
}

// closestTerm returns the correction of w among the terms of the spell
// field (search.Correction), or w. A term's weight is the number of
// products holding it: the fuzzy dictionary does not count them, so each
// term as close as the best one so far is counted from its postings.
func closestTerm(ctx context.Context, r index.IndexReader, fz index.IndexReaderFuzzy, w string) string {
	dict, err := fz.FieldDictFuzzy(search.FieldSpell, w, search.MaxCorrectionEdits, "")
	if err != nil {
		return w
	}
	defer func() { _ = dict.Close() }()
	c := search.NewCorrection(w)
	for !c.Exact() {
		e, err := dict.Next()
		if err != nil || e == nil {
			break
		}
		if !c.Near(e.Term) {
			continue
		}
		n := e.Count
		if n == 0 {
			tfr, err := r.TermFieldReader(ctx, []byte(e.Term), search.FieldSpell, false, false, false)
			if err != nil {
				continue
			}
			n = tfr.Count()
			_ = tfr.Close()
		}
		c.Offer(e.Term, int(min(n, math.MaxInt)))
	}
	return c.Best()
}

// Suggest implements catalog.Index.
func (x *Index) Suggest(ctx context.Context, prefix string, n int) (_ []catalog.Suggestion, err error) {
	n = min(n, catalog.MaxSuggestSize)
	words, typing := search.SuggestWords(prefix)
	if len(words) == 0 || n <= 0 {
		return []catalog.Suggestion{}, nil
	}
	idx, release, err := x.reader()
	if err != nil {
		return nil, err
	}
	defer release()
	defer x.recoverPanic(&err, "suggest")
	must := make([]query.Query, 0, len(words))
	for i, w := range words {
		if typing && i == len(words)-1 {
			p := query.NewPrefixQuery(w)
			p.SetField(search.FieldFold)
			p.SetBoost(search.SuggestExactBoost)
			if re := search.FuzzyPrefix(w); re != "" {
				// One edit from the fourth letter; exact prefixes rank first.
				f := query.NewRegexpQuery(re)
				f.SetField(search.FieldFold)
				must = append(must, query.NewDisjunctionQuery([]query.Query{p, f}))
				continue
			}
			must = append(must, p)
			continue
		}
		must = append(must, term(search.FieldFold, w, 1))
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(must), search.SuggestCandidates(n), 0, false)
	req.Fields = []string{fSource}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, x.searchErr(ctx, err)
	}
	products := make([]catalog.Product, 0, len(res.Hits))
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		var p catalog.Product
		if err := json.Unmarshal([]byte(src), &p); err != nil {
			return nil, x.internal(errors.Join(err), "decode stored product "+h.ID)
		}
		products = append(products, p)
	}
	return search.BuildSuggestions(prefix, products, n), nil
}
