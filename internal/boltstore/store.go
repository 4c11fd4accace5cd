// Package boltstore implements catalog.Store on a bbolt file: the embedded
// default's source of truth. Every product write also appends a
// catalog.Change to an outbox bucket in the same transaction, so the change
// feed that drives the indexer loses nothing when the process stops between
// a write and its indexing.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.Store = (*Store)(nil)

// Bucket names. Product keys are product IDs ("partner:key"), so a prefix
// scan on "partner:" lists one partner's products.
func bucketProducts() []byte { return []byte("products") }
func bucketCatalogs() []byte { return []byte("catalogs") }
func bucketOutbox() []byte   { return []byte("outbox") }

// bucketChanges holds each catalog's product changes under
// "catalogID\x00productID"; bucketPrices each product's price points
// under "productID\x00" and the change's time (sortable) and catalog.
func bucketChanges() []byte { return []byte("changes") }
func bucketPrices() []byte  { return []byte("prices") }

// bucketSessions maps a partner key's digest to its site-session
// generation (decimal).
func bucketSessions() []byte { return []byte("sessions") }

// Store is a catalog.Store on one bbolt file.
type Store struct {
	db *bolt.DB
	// releaseAfter, touched and releases bound the resident part of the
	// file's mapping (mapped.go).
	releaseAfter int64
	touched      atomic.Int64
	releases     atomic.Int64
}

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for the file lock that another process
	// (a running catalogctl serve) may hold. Zero means one second.
	LockTimeout time.Duration
	// ReleaseMappedAfter bounds the resident part of the file's memory
	// mapping: once about this many bytes were read or written through it,
	// the store drops its resident pages (see mapped.go). Zero means
	// DefaultReleaseMappedAfter; a negative value never drops them.
	ReleaseMappedAfter int64
}

// Open opens or creates the store file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, NoFreelistSync: true})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, catalog.Wrap(catalog.CodeUnavailable, err,
				fmt.Sprintf("the store %s is in use by another process (is catalogctl serve running on this data folder?)", path))
		}
		return nil, catalog.Wrap(catalog.CodeInternal, err, "open store")
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketProducts(), bucketCatalogs(), bucketOutbox(), bucketSessions(), bucketChanges(), bucketPrices(), bucketChunks()} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, catalog.Wrap(catalog.CodeInternal, err, "initialise store")
	}
	s := &Store{db: db, releaseAfter: opts.ReleaseMappedAfter}
	if s.releaseAfter == 0 {
		s.releaseAfter = DefaultReleaseMappedAfter
	}
	if s.releaseAfter > 0 {
		// Opening a file whose free pages are not recorded in it
		// (NoFreelistSync) reads every page to find them: drop them all.
		_ = db.View(func(tx *bolt.Tx) error {
			s.release(tx)
			return nil
		})
	}
	return s, nil
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

func internal(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return err
	}
	return catalog.Wrap(catalog.CodeInternal, err, what)
}

// GetProduct implements catalog.Store.
func (s *Store) GetProduct(ctx context.Context, id string) (catalog.Product, error) {
	var p catalog.Product
	err := s.get(bucketProducts(), "product", id, &p)
	return p, err
}

// get decodes the JSON record id of bucket, a what ("product",
// "catalog"), into v; CodeNotFound when there is none.
func (s *Store) get(bucket []byte, what, id string, v any) error {
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket).Get([]byte(id))
		if b == nil {
			return catalog.Errorf(catalog.CodeNotFound, "%s %q not found", what, id)
		}
		return json.Unmarshal(b, v)
	})
	return internal(err, "get "+what)
}

// PutProducts implements catalog.Store: one transaction for the batch.
func (s *Store) PutProducts(ctx context.Context, products []catalog.Product) ([]catalog.Product, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]catalog.Product, len(products))
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProducts())
		for i, p := range products {
			if p.ID == "" {
				return catalog.Errorf(catalog.CodeInvalid, "product without id")
			}
			p.Version = 1
			if old := b.Get([]byte(p.ID)); old != nil {
				var prev struct {
					Version int64 `json:"version"`
				}
				if err := json.Unmarshal(old, &prev); err != nil {
					return err
				}
				p.Version = prev.Version + 1
			}
			v, err := json.Marshal(p)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(p.ID), v); err != nil {
				return err
			}
			if err := appendChange(tx, catalog.Change{Op: catalog.OpUpsert, ID: p.ID, Product: &p}); err != nil {
				return err
			}
			s.touch(tx, s.pageCost()+2*len(v))
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, internal(err, "put products")
	}
	return out, nil
}

// DeleteProducts implements catalog.Store.
func (s *Store) DeleteProducts(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProducts())
		for _, id := range ids {
			if b.Get([]byte(id)) == nil {
				continue
			}
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
			if err := appendChange(tx, catalog.Change{Op: catalog.OpDelete, ID: id}); err != nil {
				return err
			}
			s.touch(tx, s.pageCost())
		}
		return nil
	})
	return internal(err, "delete products")
}

// Products implements catalog.Store, in key order. The caller's loop body
// runs inside a read transaction, so it must not write to this store.
func (s *Store) Products(ctx context.Context, partner string) iter.Seq2[catalog.Product, error] {
	return func(yield func(catalog.Product, error) bool) {
		var prefix []byte
		if partner != "" {
			prefix = []byte(partner + ":")
		}
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketProducts()).Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if err := ctx.Err(); err != nil {
					return err
				}
				var p catalog.Product
				if err := json.Unmarshal(v, &p); err != nil {
					return internal(err, "decode product")
				}
				s.touch(tx, len(k)+len(v))
				if !yield(p, nil) {
					return nil
				}
			}
			return nil
		})
		if err != nil {
			yield(catalog.Product{}, err)
		}
	}
}

// CreateCatalog implements catalog.Store.
func (s *Store) CreateCatalog(ctx context.Context, c catalog.Catalog) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCatalogs())
		if b.Get([]byte(c.ID)) != nil {
			return catalog.Errorf(catalog.CodeConflict, "catalog %q exists", c.ID)
		}
		return putJSON(b, c.ID, c)
	})
	return internal(err, "create catalog")
}

// PutCatalog implements catalog.Store.
func (s *Store) PutCatalog(ctx context.Context, c catalog.Catalog) error {
	if c.ID == "" {
		return catalog.Errorf(catalog.CodeInvalid, "catalog without id")
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketCatalogs()), c.ID, c)
	})
	return internal(err, "put catalog")
}

// SwapCatalog implements catalog.Store: compare and write in one
// transaction.
func (s *Store) SwapCatalog(ctx context.Context, prev, c catalog.Catalog) error {
	if c.ID == "" || prev.ID != c.ID {
		return catalog.Errorf(catalog.CodeInvalid, "swap of catalog %q for %q", prev.ID, c.ID)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCatalogs())
		v := b.Get([]byte(c.ID))
		if v == nil {
			return catalog.Errorf(catalog.CodeNotFound, "catalog %q not found", c.ID)
		}
		var cur catalog.Catalog
		if err := json.Unmarshal(v, &cur); err != nil {
			return err
		}
		if cur.Revision() != prev.Revision() {
			return catalog.Errorf(catalog.CodeConflict, "catalog %q changed since it was read", c.ID)
		}
		return putJSON(b, c.ID, c)
	})
	return internal(err, "swap catalog")
}

// GetCatalog implements catalog.Store.
func (s *Store) GetCatalog(ctx context.Context, id string) (catalog.Catalog, error) {
	var c catalog.Catalog
	err := s.get(bucketCatalogs(), "catalog", id, &c)
	if err == nil {
		err = s.withProgress(&c)
	}
	return c, err
}

// ListCatalogs implements catalog.Store.
func (s *Store) ListCatalogs(ctx context.Context, partner string, limit int) ([]catalog.Catalog, error) {
	var out []catalog.Catalog
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCatalogs()).ForEach(func(_, v []byte) error {
			var c catalog.Catalog
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			if partner == "" || c.Partner == partner {
				c.Progress = chunksProgress(tx, c)
				out = append(out, c)
			}
			return nil
		})
	})
	if err != nil {
		return nil, internal(err, "list catalogs")
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
			return out[i].ReceivedAt.After(out[j].ReceivedAt)
		}
		return out[i].ID > out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// SessionGeneration implements catalog.Store.
func (s *Store) SessionGeneration(ctx context.Context, keyID string) (int64, error) {
	if !catalog.ValidKeyID(keyID) {
		return 0, catalog.Errorf(catalog.CodeInvalid, "not a key id")
	}
	var gen int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		gen, err = sessionGeneration(tx.Bucket(bucketSessions()), keyID)
		return err
	})
	return gen, internal(err, "read session generation")
}

// EndSessions implements catalog.Store: compare and write in one
// transaction.
func (s *Store) EndSessions(ctx context.Context, keyID string, gen int64) (int64, error) {
	if !catalog.ValidKeyID(keyID) || gen < 0 {
		return 0, catalog.Errorf(catalog.CodeInvalid, "not a key id and generation")
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions())
		cur, err := sessionGeneration(b, keyID)
		if err != nil {
			return err
		}
		if cur != gen {
			return catalog.Errorf(catalog.CodeConflict, "the sessions of generation %d ended already", gen)
		}
		return b.Put([]byte(keyID), []byte(strconv.FormatInt(gen+1, 10)))
	})
	if err != nil {
		return 0, internal(err, "end sessions")
	}
	return gen + 1, nil
}

func sessionGeneration(b *bolt.Bucket, keyID string) (int64, error) {
	v := b.Get([]byte(keyID))
	if v == nil {
		return 0, nil
	}
	return strconv.ParseInt(string(v), 10, 64)
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

func appendChange(tx *bolt.Tx, c catalog.Change) error {
	b := tx.Bucket(bucketOutbox())
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.Seq = strconv.FormatUint(seq, 10)
	return putJSON(b, string(seqKey(seq)), c)
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// Changes returns up to limit pending changes of the outbox, oldest first.
// They stay pending until Ack.
func (s *Store) Changes(ctx context.Context, limit int) ([]catalog.Change, error) {
	var out []catalog.Change
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox()).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var ch catalog.Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return err
			}
			s.touch(tx, len(k)+len(v))
			out = append(out, ch)
		}
		return nil
	})
	return out, internal(err, "read change feed")
}

// Backlog returns the number of changes in the outbox: written to the
// store, not yet acknowledged by the index.
func (s *Store) Backlog(ctx context.Context) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox()).Stats().KeyN
		return nil
	})
	return n, internal(err, "count change feed")
}

// Ack removes the changes with sequence numbers up to and including seq
// (a Change.Seq) from the outbox.
func (s *Store) Ack(ctx context.Context, seq string) error {
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return catalog.Errorf(catalog.CodeInvalid, "bad change sequence %q", seq)
	}
	last := seqKey(n)
	err = s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox()).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k, last) <= 0; k, v = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
			s.touch(tx, len(k)+len(v))
		}
		return nil
	})
	return internal(err, "ack change feed")
}

// Pending returns the number of changes not yet acknowledged.
func (s *Store) Pending(ctx context.Context) (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox()).Stats().KeyN
		return nil
	})
	return n, internal(err, "count change feed")
}

// DeleteExpiredCatalogs deletes the catalog records whose
// catalog.Catalog.ExpiresAt is before now (the records of upload slots
// nobody used, a day after they expired) and returns how many it deleted:
// what DynamoDB's TTL does to the same records on AWS. The local stack
// runs it at start and then periodically.
func (s *Store) DeleteExpiredCatalogs(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCatalogs())
		var expired [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var c catalog.Catalog
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			if at := c.ExpiresAt(); !at.IsZero() && at.Before(now) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, internal(err, "delete expired catalogs")
}
