package dynamostore

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// History items (see the package doc): a catalog's changes under
// changePKPrefix + catalog ID, by product ID; a product's price points
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
// price point, in BatchWriteItem requests of 25 (a retried change
// overwrites itself), each carrying the table's TTL attribute when
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
		if err := add(changePKPrefix+c.CatalogID, c.ProductID, c); err != nil {
			return err
		}
		if pt, ok := c.PricePoint(); ok {
			if err := add(pricePKPrefix+c.ProductID, priceSK(c.At, c.CatalogID), pt); err != nil {
				return err
			}
		}
	}
	batch := make([]types.WriteRequest, 0, batchWriteSize)
	for i, k := range order {
		batch = append(batch, reqs[k])
		if len(batch) == batchWriteSize || i == len(order)-1 {
			if err := s.batchWrite(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

func priceSK(at time.Time, catalogID string) string {
	return at.UTC().Format(sortableTime) + "#" + catalogID
}

// CatalogChanges implements catalog.Store: one Query on the catalog's
// changes, from the product after.
func (s *Store) CatalogChanges(ctx context.Context, catalogID, after string, limit int) (catalog.ChangesPage, error) {
	limit = catalog.ChangesLimit(limit)
	page := catalog.ChangesPage{Changes: []catalog.ProductChange{}}
	in := &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: changePKPrefix + catalogID},
		},
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(int32(limit) + 1), //nolint:gosec // G115: ChangesLimit caps limit at MaxChangesPage
	}
	if after != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk > :after")
		in.ExpressionAttributeNames["#sk"] = attrSK
		in.ExpressionAttributeValues[":after"] = &types.AttributeValueMemberS{Value: after}
	}
	var all []catalog.ProductChange
	err := s.query(ctx, in, limit+1, func(item map[string]types.AttributeValue) error {
		var c catalog.ProductChange
		if err := json.Unmarshal([]byte(str(item, attrDoc)), &c); err != nil {
			return catalog.Wrap(catalog.CodeInternal, err, "decode change")
		}
		all = append(all, c)
		return nil
	})
	if err != nil {
		return page, translate(err, "catalog changes")
	}
	if len(all) > limit {
		all = all[:limit]
		page.Next = all[limit-1].ProductID
	}
	page.Changes = append(page.Changes, all...)
	return page, nil
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
