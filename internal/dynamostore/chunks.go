package dynamostore

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// The chunk ledger of a catalog (catalog.ChunkLedger) is one item beside
// the catalog's record, C#{id} / K, holding the number set of the chunks
// written. It is not part of the record's document, which the runs that
// write chunks never rewrite: they add to the set with one UpdateItem
// each, so any number of them can run at once without a lost update, and
// a chunk written twice is counted once (a set). GetCatalog and
// ListCatalogs fill Progress.ChunksDone of a catalog in processing from it.
var _ catalog.ChunkLedger = (*Store)(nil)

const (
	chunksSK   = "K"
	attrChunks = "done"
)

func chunksKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: "C#" + id},
		attrSK: &types.AttributeValueMemberS{Value: chunksSK},
	}
}

// ResetChunks implements catalog.ChunkLedger.
func (s *Store) ResetChunks(ctx context.Context, catalogID string) error {
	if catalogID == "" {
		return catalog.Errorf(catalog.CodeInvalid, "catalog without id")
	}
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: chunksKey(catalogID)})
	return translate(err, "reset chunks")
}

// ChunkDone implements catalog.ChunkLedger with an UpdateItem that adds n
// to the set and returns the set.
func (s *Store) ChunkDone(ctx context.Context, catalogID string, n int) (int, error) {
	if catalogID == "" || n < 0 {
		return 0, catalog.Errorf(catalog.CodeInvalid, "chunk %d of catalog %q", n, catalogID)
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       chunksKey(catalogID),
		UpdateExpression:          aws.String("ADD #d :n"),
		ExpressionAttributeNames:  map[string]string{"#d": attrChunks},
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberNS{Value: []string{strconv.Itoa(n)}}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return 0, translate(err, "record chunk")
	}
	set, _ := out.Attributes[attrChunks].(*types.AttributeValueMemberNS)
	if set == nil {
		return 0, catalog.Errorf(catalog.CodeInternal, "chunk ledger of %q without its set", catalogID)
	}
	return len(set.Value), nil
}

// chunksDone returns how many chunks of the catalog the ledger holds.
func (s *Store) chunksDone(ctx context.Context, catalogID string) (int, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: chunksKey(catalogID), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, translate(err, "read chunks")
	}
	set, _ := out.Item[attrChunks].(*types.AttributeValueMemberNS)
	if set == nil {
		return 0, nil
	}
	return len(set.Value), nil
}

// withProgress fills the chunks done of a catalog whose chunks are being
// written.
func (s *Store) withProgress(ctx context.Context, c catalog.Catalog) (catalog.Catalog, error) {
	if c.Status != catalog.StatusProcessing || c.Progress == nil || c.Progress.ChunksTotal == 0 {
		return c, nil
	}
	n, err := s.chunksDone(ctx, c.ID)
	if err != nil {
		return c, err
	}
	p := *c.Progress
	p.ChunksDone = min(n, p.ChunksTotal)
	c.Progress = &p
	return c, nil
}
