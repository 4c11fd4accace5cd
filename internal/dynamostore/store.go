package dynamostore

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

var _ catalog.Store = (*Store)(nil)

const (
	attrPK = contract.TablePartitionKey
	attrSK = contract.TableSortKey
	// attrDoc holds the record: JSON (S) for products, gzip JSON (B) for
	// catalogs, whose reports can be large.
	attrDoc     = "doc"
	attrVersion = "v"
	attrHash    = "h"
	// attrDeleted marks a product tombstone; attrTTL lets DynamoDB expire it.
	attrDeleted = "del"
	attrTTL     = contract.TableTTLAttribute
	// attrListPK and attrListSK remember where a catalog's per-partner
	// listing copy lives, so that a rewrite can drop a stale one.
	attrListPK = "lp"
	attrListSK = "ls"
	// attrRevision is a catalog's Revision, compared by SwapCatalog.
	attrRevision = "rev"

	productShards = 16
	// maxDocBytes keeps an item under DynamoDB's 400 KB limit with room for
	// keys and attributes.
	maxDocBytes = 380 << 10

	batchGetSize   = 100 // BatchGetItem limit
	batchWriteSize = 25  // BatchWriteItem limit
	maxBatchTries  = 10  // attempts at unprocessed items before giving up
	maxRaceTries   = 8   // attempts at a conditional product write
	// maxScanSegments caps the parallel Scan segments of Products(ctx, "").
	maxScanSegments = 64
	// tombstoneTTL is how long a deleted product's version is remembered:
	// far longer than any index keeps its own delete markers.
	tombstoneTTL = 7 * 24 * time.Hour
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Concurrency is how many product writes and scan segments run at once;
	// 0 means 16 writers and 4 scan segments.
	Concurrency int
	// ScanSegments is the number of parallel Scan segments of
	// Products(ctx, ""); 0 means 4.
	ScanSegments int
	// BaseBackoff is the first wait before retrying unprocessed batch
	// items; it doubles per attempt up to 2s, with full jitter. 0 means 50ms.
	BaseBackoff time.Duration
	// Clock dates tombstones' and history's expiry (nil: time.Now).
	Clock func() time.Time
	// HistoryTTL is how long the history items PutChanges writes (a
	// catalog's changes, a product's price points) live before the table's
	// TTL expires them, and the search analytics of a day after that day's
	// end (SearchStats reads no further back); 0 keeps them. On AWS it is the stage's choice
	// (StageConfig.HistoryDays, the ingest Lambda's HISTORY_TTL_DAYS).
	HistoryTTL time.Duration
}

// Store is a catalog.Store on one DynamoDB table. It is safe for concurrent
// use.
type Store struct {
	db    *dynamodb.Client
	table string
	opts  Options
}

// New returns a Store on table through client.
func New(client *dynamodb.Client, table string, opts Options) *Store {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	if opts.ScanSegments <= 0 {
		opts.ScanSegments = 4
	}
	opts.ScanSegments = min(opts.ScanSegments, maxScanSegments)
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = 50 * time.Millisecond
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Store{db: client, table: table, opts: opts}
}

// CreateTable creates table with the key schema and stream this package
// expects (on-demand capacity), and waits until it is active. The CDK stack
// creates the real one; tests and local tools use this.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrSK), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewAndOldImages,
		},
	})
	if err != nil {
		return translate(err, "create table")
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = time.Second
	})
	return translate(w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, time.Minute), "wait for table")
}

// getItem reads the item of the kind what ("product", "catalog") with id
// at key(id), strongly consistent; CodeNotFound when there is none.
func (s *Store) getItem(ctx context.Context, what, id string, key func(string) map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	if id == "" {
		return nil, catalog.Errorf(catalog.CodeNotFound, "%s %q not found", what, id)
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, translate(err, "get "+what)
	}
	if out.Item == nil {
		return nil, catalog.Errorf(catalog.CodeNotFound, "%s %q not found", what, id)
	}
	return out.Item, nil
}

// productKey returns the key of the product item with id. The partner is
// the part of the id before the first ':' (catalog.ProductID).
func productKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: productPK(partnerOf(id), shardOf(id))},
		attrSK: &types.AttributeValueMemberS{Value: id},
	}
}

func partnerOf(id string) string {
	partner, _, _ := strings.Cut(id, ":")
	return partner
}

func shardOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % productShards)
}

func productPK(partner string, shard int) string {
	return fmt.Sprintf("P#%s#%02x", partner, shard)
}

const productPKPrefix = contract.TableProductPKPrefix

// backoff returns the wait before retry attempt n (0-based): exponential
// from base, capped at 2s, with full jitter.
func (s *Store) backoff(n int) time.Duration {
	d := s.opts.BaseBackoff << min(n, 10)
	if d > 2*time.Second || d <= 0 {
		d = 2 * time.Second
	}
	return time.Duration(rand.Int64N(int64(d)) + 1) //nolint:gosec // G404: jitter, not a secret
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func isTombstone(item map[string]types.AttributeValue) bool {
	v, ok := item[attrDeleted].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func str(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
