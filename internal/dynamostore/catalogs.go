package dynamostore

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

const (
	catalogSK     = "C"
	listAllPK     = "L*"
	listPKPrefix  = "L#"
	maxCatalogDoc = 350 << 10 // compressed; three copies fit one 4 MB transaction
	// listTimeLayout sorts lexically in time order (UTC, fixed width).
	listTimeLayout = "2006-01-02T15:04:05.000000000Z"
)

func catalogKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: "C#" + id},
		attrSK: &types.AttributeValueMemberS{Value: catalogSK},
	}
}

func listSK(c catalog.Catalog) string {
	return c.ReceivedAt.UTC().Format(listTimeLayout) + "#" + c.ID
}

func listKey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

func encodeCatalog(c catalog.Catalog) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(c); err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalid, err, "encode catalog")
	}
	if err := zw.Close(); err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "compress catalog")
	}
	if buf.Len() > maxCatalogDoc {
		return nil, catalog.Errorf(catalog.CodeTooLarge, "catalog %q record is too large to store (%d bytes compressed)", c.ID, buf.Len())
	}
	return buf.Bytes(), nil
}

func decodeCatalog(item map[string]types.AttributeValue) (catalog.Catalog, error) {
	var c catalog.Catalog
	b, ok := item[attrDoc].(*types.AttributeValueMemberB)
	if !ok {
		return c, catalog.Errorf(catalog.CodeInternal, "catalog record without document")
	}
	zr, err := gzip.NewReader(bytes.NewReader(b.Value))
	if err != nil {
		return c, catalog.Wrap(catalog.CodeInternal, err, "decode catalog")
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return c, catalog.Wrap(catalog.CodeInternal, err, "decode catalog")
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, catalog.Wrap(catalog.CodeInternal, err, "decode catalog")
	}
	return c, nil
}

// catalogWrites returns the transaction items that store c: the record and
// its two listing copies (per partner and for all partners).
func catalogWrites(table string, c catalog.Catalog, doc []byte) (main *types.Put, lists []types.TransactWriteItem) {
	sk := listSK(c)
	partnerPK := listPKPrefix + c.Partner
	item := catalogKey(c.ID)
	item[attrDoc] = &types.AttributeValueMemberB{Value: doc}
	item[attrListPK] = &types.AttributeValueMemberS{Value: partnerPK}
	item[attrListSK] = &types.AttributeValueMemberS{Value: sk}
	item[attrRevision] = &types.AttributeValueMemberS{Value: c.Revision()}
	// An upload slot nobody used expires with its listing copies through
	// the table's TTL (catalog.Catalog.ExpiresAt); a later write of the
	// record (the slot used or taken) puts the items back without it.
	var ttl types.AttributeValue
	if at := c.ExpiresAt(); !at.IsZero() {
		ttl = &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Unix(), 10)}
		item[attrTTL] = ttl
	}
	main = &types.Put{TableName: aws.String(table), Item: item}
	for _, pk := range []string{partnerPK, listAllPK} {
		li := listKey(pk, sk)
		li[attrDoc] = &types.AttributeValueMemberB{Value: doc}
		if ttl != nil {
			li[attrTTL] = ttl
		}
		lists = append(lists, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: li}})
	}
	return main, lists
}

// CreateCatalog implements catalog.Store: the record is put on condition
// that none exists, in one transaction with its listing copies.
func (s *Store) CreateCatalog(ctx context.Context, c catalog.Catalog) error {
	if c.ID == "" {
		return catalog.Errorf(catalog.CodeInvalid, "catalog without id")
	}
	doc, err := encodeCatalog(c)
	if err != nil {
		return err
	}
	main, lists := catalogWrites(s.table, c, doc)
	main.ConditionExpression = aws.String("attribute_not_exists(#pk)")
	main.ExpressionAttributeNames = map[string]string{"#pk": attrPK}
	main.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureNone
	items := append([]types.TransactWriteItem{{Put: main}}, lists...)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		if codeOf(err) == catalog.CodeConflict {
			return catalog.Wrap(catalog.CodeConflict, err, "catalog "+c.ID+" exists")
		}
		return translate(err, "create catalog")
	}
	return nil
}

// PutCatalog implements catalog.Store. When the partner or receive time
// changed, the stale listing copies are deleted in the same transaction.
func (s *Store) PutCatalog(ctx context.Context, c catalog.Catalog) error {
	return s.writeCatalog(ctx, c, nil)
}

// SwapCatalog implements catalog.Store: PutCatalog on condition that the
// record's revision attribute is still prev's. A record written before the
// attribute existed has none; the first swap of it sets one, so a second
// swap from the same read conflicts.
func (s *Store) SwapCatalog(ctx context.Context, prev, c catalog.Catalog) error {
	if prev.ID != c.ID {
		return catalog.Errorf(catalog.CodeInvalid, "swap of catalog %q for %q", prev.ID, c.ID)
	}
	rev := prev.Revision()
	return s.writeCatalog(ctx, c, &rev)
}

// writeCatalog puts c with its listing copies; with prevRev, only if the
// stored record has that revision (CodeConflict otherwise, CodeNotFound
// when there is no record).
func (s *Store) writeCatalog(ctx context.Context, c catalog.Catalog, prevRev *string) error {
	if c.ID == "" {
		return catalog.Errorf(catalog.CodeInvalid, "catalog without id")
	}
	doc, err := encodeCatalog(c)
	if err != nil {
		return err
	}
	old, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(s.table),
		Key:                      catalogKey(c.ID),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#lp, #ls"),
		ExpressionAttributeNames: map[string]string{"#lp": attrListPK, "#ls": attrListSK},
	})
	if err != nil {
		return translate(err, "put catalog")
	}
	main, lists := catalogWrites(s.table, c, doc)
	if prevRev != nil {
		if old.Item == nil {
			return catalog.Errorf(catalog.CodeNotFound, "catalog %q not found", c.ID)
		}
		main.ConditionExpression = aws.String("attribute_exists(#pk) AND (#rev = :rev OR attribute_not_exists(#rev))")
		main.ExpressionAttributeNames = map[string]string{"#pk": attrPK, "#rev": attrRevision}
		main.ExpressionAttributeValues = map[string]types.AttributeValue{":rev": &types.AttributeValueMemberS{Value: *prevRev}}
		main.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureNone
	}
	items := append([]types.TransactWriteItem{{Put: main}}, lists...)
	if old.Item != nil {
		oldPK, oldSK := str(old.Item, attrListPK), str(old.Item, attrListSK)
		if oldSK != "" && (oldPK != listPKPrefix+c.Partner || oldSK != listSK(c)) {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: listKey(oldPK, oldSK)}})
			if oldSK != listSK(c) {
				items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: listKey(listAllPK, oldSK)}})
			}
		}
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil && prevRev != nil && codeOf(err) == catalog.CodeConflict {
		return catalog.Wrap(catalog.CodeConflict, err, "catalog "+c.ID+" changed since it was read")
	}
	return translate(err, "put catalog")
}

// GetCatalog implements catalog.Store.
func (s *Store) GetCatalog(ctx context.Context, id string) (catalog.Catalog, error) {
	item, err := s.getItem(ctx, "catalog", id, catalogKey)
	if err != nil {
		return catalog.Catalog{}, err
	}
	c, err := decodeCatalog(item)
	if err != nil {
		return c, err
	}
	return s.withProgress(ctx, c)
}

// ListCatalogs implements catalog.Store: one Query on the listing copies,
// newest first (ties by id, descending).
func (s *Store) ListCatalogs(ctx context.Context, partner string, limit int) ([]catalog.Catalog, error) {
	pk := listAllPK
	if partner != "" {
		pk = listPKPrefix + partner
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	}
	if limit > 0 {
		in.Limit = aws.Int32(int32(min(limit, 1000)))
	}
	out := []catalog.Catalog{}
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() && (limit <= 0 || len(out) < limit) {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "list catalogs")
		}
		for _, item := range page.Items {
			c, err := decodeCatalog(item)
			if err == nil {
				c, err = s.withProgress(ctx, c)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, c)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}
