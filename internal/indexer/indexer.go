// Package indexer applies the store's change feed to the search index. The
// same code runs behind the DynamoDB Stream on AWS (the indexer Lambda) and
// behind the bbolt outbox locally.
package indexer

import (
	"context"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Apply applies a batch of changes to idx. Within the batch the last change
// of each product wins; across batches the index's Version check keeps a
// late or replayed upsert from rolling a document back. Applying the same
// batch twice leaves the index as applying it once did.
func Apply(ctx context.Context, idx catalog.Index, changes []catalog.Change) error {
	last := make(map[string]int, len(changes))
	for i, c := range changes {
		last[c.ID] = i
	}
	var upserts []catalog.Product
	var deletes []string
	for i, c := range changes {
		if last[c.ID] != i {
			continue
		}
		switch c.Op {
		case catalog.OpUpsert:
			if c.Product == nil {
				return catalog.Errorf(catalog.CodeInvalid, "upsert change for %q carries no product", c.ID)
			}
			upserts = append(upserts, *c.Product)
		case catalog.OpDelete:
			deletes = append(deletes, c.ID)
		default:
			return catalog.Errorf(catalog.CodeInvalid, "change for %q has unknown op %q", c.ID, c.Op)
		}
	}
	if len(upserts) > 0 {
		if err := idx.Upsert(ctx, upserts); err != nil {
			return err
		}
	}
	if len(deletes) > 0 {
		if err := idx.Delete(ctx, deletes); err != nil {
			return err
		}
	}
	return nil
}
