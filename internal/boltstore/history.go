package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// GetProducts implements catalog.Store: one read transaction.
func (s *Store) GetProducts(ctx context.Context, ids []string) ([]catalog.Product, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []catalog.Product
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProducts())
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			var p catalog.Product
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			s.touch(tx, s.pageCost())
			out = append(out, p)
		}
		return nil
	})
	return out, internal(err, "get products")
}

// PutChanges implements catalog.Store: one transaction; history is kept
// until the data folder is (no expiry locally).
func (s *Store) PutChanges(ctx context.Context, changes []catalog.ProductChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		cb, pb := tx.Bucket(bucketChanges()), tx.Bucket(bucketPrices())
		for _, c := range changes {
			if c.CatalogID == "" || c.ProductID == "" {
				return catalog.Errorf(catalog.CodeInvalid, "a change needs a catalog and a product")
			}
			v, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if err := cb.Put(changeKey(c.CatalogID, c.ProductID), v); err != nil {
				return err
			}
			s.touch(tx, s.pageCost())
			pt, ok := c.PricePoint()
			if !ok {
				continue
			}
			v, err = json.Marshal(pt)
			if err != nil {
				return err
			}
			if err := pb.Put(priceKey(c.ProductID, c.At, c.CatalogID), v); err != nil {
				return err
			}
			s.touch(tx, s.pageCost())
		}
		return nil
	})
	return internal(err, "put changes")
}

func changeKey(catalogID, productID string) []byte {
	return []byte(catalogID + "\x00" + productID)
}

// priceKey sorts a product's points by time: the time is written as
// fixed-width UTC RFC 3339 with nanoseconds.
func priceKey(productID string, at time.Time, catalogID string) []byte {
	return []byte(productID + "\x00" + at.UTC().Format(sortableTime) + "\x00" + catalogID)
}

// sortableTime is RFC 3339 with nine fraction digits always written, so
// that keys sort as times do.
const sortableTime = "2006-01-02T15:04:05.000000000Z07:00"

// CatalogChanges implements catalog.Store.
func (s *Store) CatalogChanges(ctx context.Context, catalogID, after string, limit int) (catalog.ChangesPage, error) {
	page := catalog.ChangesPage{Changes: []catalog.ProductChange{}}
	if err := ctx.Err(); err != nil {
		return page, err
	}
	limit = catalog.ChangesLimit(limit)
	prefix := []byte(catalogID + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChanges()).Cursor()
		k, v := c.Seek(prefix)
		if after != "" {
			k, v = c.Seek(changeKey(catalogID, after))
			if k != nil && bytes.Equal(k, changeKey(catalogID, after)) {
				k, v = c.Next()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(page.Changes) == limit {
				page.Next = page.Changes[limit-1].ProductID
				return nil
			}
			var ch catalog.ProductChange
			if err := json.Unmarshal(v, &ch); err != nil {
				return err
			}
			page.Changes = append(page.Changes, ch)
		}
		return nil
	})
	return page, internal(err, "catalog changes")
}

// PriceHistory implements catalog.Store.
func (s *Store) PriceHistory(ctx context.Context, id string, limit int) ([]catalog.PricePoint, error) {
	out := []catalog.PricePoint{}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	prefix := []byte(id + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPrices()).Cursor()
		// Newest first: from the last key of the prefix, backwards.
		var v []byte
		k, _ := c.Seek([]byte(id + "\x01"))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var pt catalog.PricePoint
			if err := json.Unmarshal(v, &pt); err != nil {
				return err
			}
			out = append(out, pt)
		}
		return nil
	})
	return out, internal(err, "price history")
}
