package boltstore

import (
	"context"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.ChunkLedger = (*Store)(nil)

// bucketChunks holds one nested bucket per catalog whose chunks are
// recorded (catalog.ChunkLedger), keyed by chunk number. The embedded
// default writes every catalog in one pass and never records chunks; the
// ledger is here so that the ingest's chunked path runs on both stores.
func bucketChunks() []byte { return []byte("chunks") }

// ResetChunks implements catalog.ChunkLedger.
func (s *Store) ResetChunks(ctx context.Context, catalogID string) error {
	if catalogID == "" {
		return catalog.Errorf(catalog.CodeInvalid, "catalog without id")
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		chunks := tx.Bucket(bucketChunks())
		if chunks.Bucket([]byte(catalogID)) == nil {
			return nil
		}
		return chunks.DeleteBucket([]byte(catalogID))
	})
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "reset chunks")
	}
	return nil
}

// ChunkDone implements catalog.ChunkLedger.
func (s *Store) ChunkDone(ctx context.Context, catalogID string, n int) (int, error) {
	if catalogID == "" || n < 0 {
		return 0, catalog.Errorf(catalog.CodeInvalid, "chunk %d of catalog %q", n, catalogID)
	}
	done := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketChunks()).CreateBucketIfNotExists([]byte(catalogID))
		if err != nil {
			return err
		}
		if err := b.Put([]byte(strconv.Itoa(n)), nil); err != nil {
			return err
		}
		done = countKeys(b)
		return nil
	})
	if err != nil {
		return 0, catalog.Wrap(catalog.CodeInternal, err, "record chunk")
	}
	return done, nil
}

// withProgress fills the chunks done of a catalog whose chunks are being
// written.
func (s *Store) withProgress(c *catalog.Catalog) error {
	if c.Status != catalog.StatusProcessing || c.Progress == nil {
		return nil
	}
	return s.db.View(func(tx *bolt.Tx) error {
		c.Progress = chunksProgress(tx, *c)
		return nil
	})
}

// chunksProgress is c's progress with the chunks done that tx holds.
func chunksProgress(tx *bolt.Tx, c catalog.Catalog) *catalog.Progress {
	if c.Status != catalog.StatusProcessing || c.Progress == nil {
		return c.Progress
	}
	p := *c.Progress
	p.ChunksDone = 0
	if b := tx.Bucket(bucketChunks()).Bucket([]byte(c.ID)); b != nil {
		p.ChunksDone = min(countKeys(b), p.ChunksTotal)
	}
	return &p
}

func countKeys(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}
