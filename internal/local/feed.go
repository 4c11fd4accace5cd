package local

import (
	"context"
	"log/slog"
	"sync"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// DefaultOutboxLimit is how many product writes the stack's ingest makes
// before it brings the index up to date (Options.OutboxLimit).
const DefaultOutboxLimit = 5000

// feedingStore is the store the stack's ingest writes through. Every
// product write or removal also records a change in the store's outbox,
// which the feed drains into the index; an ingest of a large catalog would
// otherwise fill the outbox with a copy of every product before the index
// sees any (the store's file then holds the catalog twice). Once limit
// products were written or removed through it since the last drain, it
// drains the outbox into the index before the next write: the outbox never
// holds more than limit plus one batch of this store's changes, and the
// index follows the ingest instead of starting after it.
//
// A drain that fails is logged and the write goes on: the changes stay in
// the outbox, and the ingest's caller reports the index's failure as
// before (IngestFile: run catalogctl reindex).
type feedingStore struct {
	catalog.Store
	limit int
	drain func(context.Context) (int, error)
	log   *slog.Logger

	mu      sync.Mutex
	written int // products written or removed since the last drain
}

// before drains the outbox when n more writes would take this store past
// its limit since the last drain, and counts them.
func (f *feedingStore) before(ctx context.Context, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.written > 0 && f.written+n > f.limit {
		if _, err := f.drain(ctx); err != nil && ctx.Err() == nil {
			f.log.WarnContext(ctx, "index sync during ingest failed; the changes wait in the outbox", "err", err.Error())
		}
		f.written = 0
	}
	f.written += n
}

func (f *feedingStore) PutProducts(ctx context.Context, products []catalog.Product) ([]catalog.Product, error) {
	f.before(ctx, len(products))
	return f.Store.PutProducts(ctx, products)
}

func (f *feedingStore) DeleteProducts(ctx context.Context, ids []string) error {
	f.before(ctx, len(ids))
	return f.Store.DeleteProducts(ctx, ids)
}
