package awslambda

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Reindexer is the part of osindex.Index the reindex handler uses.
type Reindexer interface {
	catalog.Index
	Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error)
	// Ensure creates the index template, and the first index behind the
	// alias when there is none (idempotent).
	Ensure(ctx context.Context) error
}

// Invoke is the reindex function's entry point: a CloudFormation custom
// resource event (contract.SearchIndexSetupType, which the Pipeline stack
// points at this function) (it has RequestType and ResponseURL) runs the index
// setup and answers CloudFormation at the event's ResponseURL (the
// aws-lambda-go cfn package does); anything else is a ReindexRequest.
func (h *ReindexHandler) Invoke(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		RequestType string `json:"RequestType"`
		ResponseURL string `json:"ResponseURL"`
	}
	if err := json.Unmarshal(raw, &probe); err == nil && probe.RequestType != "" && probe.ResponseURL != "" {
		var ev cfn.Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalid, err, "reindex: custom resource event")
		}
		return cfn.LambdaWrap(h.setup)(ctx, ev)
	}
	var req ReindexRequest
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalid, err, "reindex: the event is not a reindex request")
		}
	}
	return h.Handle(ctx, req)
}

// setup answers the SearchIndexSetup custom resource: Create and Update
// ensure the index; Delete keeps it (its data lives with the domain, which
// the Data stack owns).
func (h *ReindexHandler) setup(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	log := orDiscard(h.Logger)
	id := "search-index-setup"
	if ev.RequestType == cfn.RequestDelete {
		log.InfoContext(ctx, "index setup: delete, the index is kept")
		return id, nil, nil
	}
	if err := h.Index.Ensure(ctx); err != nil {
		log.ErrorContext(ctx, "index setup failed", "err", err.Error())
		return id, nil, err
	}
	docs, err := h.Index.Count(ctx)
	if err != nil {
		return id, nil, err
	}
	log.InfoContext(ctx, "index setup done", "request", string(ev.RequestType), "documents", docs)
	return id, map[string]any{"Documents": docs}, nil
}

// catchUpBatch is how many products the catch-up pass upserts at a time.
const catchUpBatch = 500

// ReindexRequest is the reindex Lambda's (optional) event.
type ReindexRequest struct {
	// CatchUpMinutes is how far before the start the catch-up pass looks
	// for products written during the rebuild (default 5).
	CatchUpMinutes int `json:"catch_up_minutes,omitempty"`
}

// ReindexResult is the reindex Lambda's answer.
type ReindexResult struct {
	Indexed   int     `json:"indexed"`   // products bulked into the new index
	CaughtUp  int     `json:"caught_up"` // products re-applied after the alias swap
	Documents int     `json:"documents"` // documents behind the alias at the end
	TookMS    float64 `json:"took_ms"`   // whole run
}

// ReindexHandler rebuilds the index from the store: a parallel scan of the
// table bulked into a new versioned index, an atomic alias swap, then a
// catch-up pass that upserts again every product written since the run
// started (writes that went to the old index during the build; external
// versions make the extra upserts harmless).
type ReindexHandler struct {
	Store  catalog.Store
	Index  Reindexer
	Logger *slog.Logger
	Clock  func() time.Time
}

// Handle runs one rebuild.
func (h *ReindexHandler) Handle(ctx context.Context, req ReindexRequest) (ReindexResult, error) {
	log := orDiscard(h.Logger)
	now := orNow(h.Clock)
	margin := time.Duration(req.CatchUpMinutes) * time.Minute
	if margin <= 0 {
		margin = 5 * time.Minute
	}
	start := now()
	since := start.Add(-margin)
	n, err := h.Index.Reindex(ctx, h.Store.Products(ctx, ""), func(done int) {
		if done%10000 == 0 {
			log.InfoContext(ctx, "reindex progress", "done", done)
		}
	})
	if err != nil {
		log.ErrorContext(ctx, "reindex failed; the alias still points to the old index", "err", err.Error())
		return ReindexResult{}, err
	}
	// Catch up on the products written while the new index was built.
	recent := func(yield func(catalog.Product, error) bool) {
		for p, err := range h.Store.Products(ctx, "") {
			if err == nil && p.UpdatedAt.Before(since) {
				continue
			}
			if !yield(p, err) {
				return
			}
		}
	}
	caught, err := search.Batches(recent, catchUpBatch, func(batch []catalog.Product) error {
		return h.Index.Upsert(ctx, batch)
	}, nil)
	if err != nil {
		log.ErrorContext(ctx, "reindex catch-up failed; run the reindex again", "err", err.Error())
		return ReindexResult{}, err
	}
	docs, err := h.Index.Count(ctx)
	if err != nil {
		return ReindexResult{}, err
	}
	res := ReindexResult{Indexed: n, CaughtUp: caught, Documents: docs, TookMS: float64(now().Sub(start).Microseconds()) / 1000}
	log.InfoContext(ctx, "reindex done", "indexed", n, "caught_up", caught, "documents", docs, "took_ms", res.TookMS)
	return res, nil
}
