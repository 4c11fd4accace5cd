package dynamostore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// History items (see the package doc): a catalog's changes under
// changePKPrefix + catalog ID + # + the product's shard (changePK), by
// product ID; a product's price points
// under pricePKPrefix + product ID, by time and catalog.
const (
	changePKPrefix = "H#"
	pricePKPrefix  = "R#"
	// sortableTime is RFC 3339 with nine fraction digits always written,
	// so that sort keys sort as times do.
	sortableTime = "2006-01-02T15:04:05.000000000Z07:00"
)

// GetProducts implements catalog.Store: consistent BatchGetItem requests
// of 100 keys, unprocessed keys retried with backoff; tombstones count as
// missing.
func (s *Store) GetProducts(ctx context.Context, ids []string) ([]catalog.Product, error) {
	var out []catalog.Product
	seen := make(map[string]bool, len(ids))
	var unique []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	for start := 0; start < len(unique); start += batchGetSize {
		chunk := unique[start:min(start+batchGetSize, len(unique))]
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = productKey(id)
		}
		req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt >= maxBatchTries {
				return nil, catalog.Errorf(catalog.CodeUnavailable, "the store is throttling reads; try again")
			}
			if attempt > 0 {
				if err := sleep(ctx, s.backoff(attempt-1)); err != nil {
					return nil, translate(err, "get products")
				}
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, translate(err, "get products")
			}
			for _, item := range res.Responses[s.table] {
				if isTombstone(item) {
					continue
				}
				p, err := decodeProduct(item)
				if err != nil {
					return nil, err
				}
				out = append(out, p)
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// PutChanges implements catalog.Store: one item per change and one per
// price point, in BatchWriteItem requests of 25 sent in parallel (a
// retried change overwrites itself), each carrying the table's TTL attribute when
// Options.HistoryTTL is set.
func (s *Store) PutChanges(ctx context.Context, changes []catalog.ProductChange) error {
	var expires types.AttributeValue
	if s.opts.HistoryTTL > 0 {
		expires = &types.AttributeValueMemberN{Value: strconv.FormatInt(s.opts.Clock().Add(s.opts.HistoryTTL).Unix(), 10)}
	}
	item := func(pk, sk string, v any) (types.WriteRequest, error) {
		doc, err := json.Marshal(v)
		if err != nil {
			return types.WriteRequest{}, catalog.Wrap(catalog.CodeInternal, err, "encode change")
		}
		it := map[string]types.AttributeValue{
			attrPK:  &types.AttributeValueMemberS{Value: pk},
			attrSK:  &types.AttributeValueMemberS{Value: sk},
			attrDoc: &types.AttributeValueMemberS{Value: string(doc)},
		}
		if expires != nil {
			it[attrTTL] = expires
		}
		return types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}, nil
	}
	// One batch must not name an item twice: the last write of a key wins.
	reqs := map[string]types.WriteRequest{}
	var order []string
	add := func(pk, sk string, v any) error {
		r, err := item(pk, sk, v)
		if err != nil {
			return err
		}
		k := pk + "\x00" + sk
		if _, ok := reqs[k]; !ok {
			order = append(order, k)
		}
		reqs[k] = r
		return nil
	}
	for _, c := range changes {
		if c.CatalogID == "" || c.ProductID == "" {
			return catalog.Errorf(catalog.CodeInvalid, "a change needs a catalog and a product")
		}
		if err := add(changePK(c.CatalogID, shardOf(c.ProductID)), c.ProductID, c); err != nil {
			return err
		}
		if pt, ok := c.PricePoint(); ok {
			if err := add(pricePKPrefix+c.ProductID, priceSK(c.At, c.CatalogID), pt); err != nil {
				return err
			}
		}
	}
	// The batches go out at once, up to Options.Concurrency: a chunk of
	// 25,000 products writes 2,000 of them, 10 s one after the other at
	// 5 ms each.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Concurrency)
	for start := 0; start < len(order); start += batchWriteSize {
		batch := make([]types.WriteRequest, 0, batchWriteSize)
		for _, k := range order[start:min(start+batchWriteSize, len(order))] {
			batch = append(batch, reqs[k])
		}
		g.Go(func() error { return s.batchWrite(gctx, batch) })
	}
	return g.Wait()
}

func priceSK(at time.Time, catalogID string) string {
	return at.UTC().Format(sortableTime) + "#" + catalogID
}

// changePK is the partition of a catalog's changes of the products of
// shard: a catalog's changes spread over the product shards, since one
// partition key takes at most 1,000 write units a second, and a catalog
// of a million new products writes a million changes in a few minutes.
func changePK(catalogID string, shard int) string {
	return fmt.Sprintf("%s%s#%02x", changePKPrefix, catalogID, shard)
}

// CatalogChanges implements catalog.Store: one Query per shard of the
// catalog's changes (and on the unsharded partition of records written
// before the shards), from the product after, merged in product order.
func (s *Store) CatalogChanges(ctx context.Context, catalogID, after string, limit int) (catalog.ChangesPage, error) {
	limit = catalog.ChangesLimit(limit)
	page := catalog.ChangesPage{Changes: []catalog.ProductChange{}}
	pks := []string{changePKPrefix + catalogID}
	for shard := range productShards {
		pks = append(pks, changePK(catalogID, shard))
	}
	parts := make([][]catalog.ProductChange, len(pks))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Concurrency)
	for i, pk := range pks {
		g.Go(func() error {
			var err error
			parts[i], err = s.changesOf(gctx, pk, after, limit+1)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return page, err
	}
	all := slices.Concat(parts...)
	slices.SortFunc(all, func(a, b catalog.ProductChange) int { return strings.Compare(a.ProductID, b.ProductID) })
	if len(all) > limit {
		all = all[:limit]
		page.Next = all[limit-1].ProductID
	}
	page.Changes = append(page.Changes, all...)
	return page, nil
}

// changesOf reads up to max changes of partition pk after product after.
func (s *Store) changesOf(ctx context.Context, pk, after string, max int) ([]catalog.ProductChange, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(int32(max)), //nolint:gosec // G115: ChangesLimit caps it at MaxChangesPage+1
	}
	if after != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk > :after")
		in.ExpressionAttributeNames["#sk"] = attrSK
		in.ExpressionAttributeValues[":after"] = &types.AttributeValueMemberS{Value: after}
	}
	var out []catalog.ProductChange
	err := s.query(ctx, in, max, func(item map[string]types.AttributeValue) error {
		var c catalog.ProductChange
		if err := json.Unmarshal([]byte(str(item, attrDoc)), &c); err != nil {
			return catalog.Wrap(catalog.CodeInternal, err, "decode change")
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, translate(err, "catalog changes")
	}
	return out, nil
}

// PriceHistory implements catalog.Store: one Query, newest first.
func (s *Store) PriceHistory(ctx context.Context, id string, limit int) ([]catalog.PricePoint, error) {
	out := []catalog.PricePoint{}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pricePKPrefix + id}},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	}
	if limit > 0 {
		in.Limit = aws.Int32(int32(min(limit, 1000)))
	}
	err := s.query(ctx, in, limit, func(item map[string]types.AttributeValue) error {
		var pt catalog.PricePoint
		if err := json.Unmarshal([]byte(str(item, attrDoc)), &pt); err != nil {
			return catalog.Wrap(catalog.CodeInternal, err, "decode price point")
		}
		out = append(out, pt)
		return nil
	})
	return out, translate(err, "price history")
}

// query runs in page after page, giving fn each item, until max items
// (0: all) or the end.
func (s *Store) query(ctx context.Context, in *dynamodb.QueryInput, max int, fn func(map[string]types.AttributeValue) error) error {
	n := 0
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, item := range page.Items {
			if err := fn(item); err != nil {
				return err
			}
			if n++; max > 0 && n == max {
				return nil
			}
		}
	}
	return nil
}
