package dynamostore

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// GetProduct implements catalog.Store with a strongly consistent read.
func (s *Store) GetProduct(ctx context.Context, id string) (catalog.Product, error) {
	item, err := s.getItem(ctx, "product", id, productKey)
	if err == nil && isTombstone(item) {
		err = catalog.Errorf(catalog.CodeNotFound, "product %q not found", id)
	}
	if err != nil {
		return catalog.Product{}, err
	}
	return decodeProduct(item)
}

func decodeProduct(item map[string]types.AttributeValue) (catalog.Product, error) {
	var p catalog.Product
	if err := json.Unmarshal([]byte(str(item, attrDoc)), &p); err != nil {
		return catalog.Product{}, catalog.Wrap(catalog.CodeInternal, err, "decode product")
	}
	return p, nil
}

// writeJob is every occurrence of one product id in a PutProducts call, in
// call order: they are written one after the other so that each gets the
// next version.
type writeJob struct {
	id      string
	indexes []int
}

// PutProducts implements catalog.Store. It reads the stored versions in
// BatchGetItem requests, then writes each product with a PutItem
// conditioned on the version it read; a writer that lost a race re-reads
// and tries again. Writes are per item: on an error some products may be
// stored, and repeating the call is safe.
func (s *Store) PutProducts(ctx context.Context, products []catalog.Product) ([]catalog.Product, error) {
	if len(products) == 0 {
		return []catalog.Product{}, nil
	}
	docs := make([][]byte, len(products))
	var jobs []*writeJob
	byID := map[string]*writeJob{}
	for i, p := range products {
		if p.ID == "" {
			return nil, catalog.Errorf(catalog.CodeInvalid, "product without id")
		}
		j := byID[p.ID]
		if j == nil {
			j = &writeJob{id: p.ID}
			byID[p.ID] = j
			jobs = append(jobs, j)
		}
		j.indexes = append(j.indexes, i)
		// Size check before any write; the version digits come later.
		b, err := json.Marshal(p)
		if err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalid, err, "encode product")
		}
		if len(b) > maxDocBytes {
			return nil, catalog.Errorf(catalog.CodeTooLarge, "product %q is %d bytes, over the %d byte limit", p.ID, len(b), maxDocBytes)
		}
		docs[i] = b
	}
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.id
	}
	versions, _, err := s.versions(ctx, ids)
	if err != nil {
		return nil, err
	}

	out := make([]catalog.Product, len(products))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *writeJob)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(s.opts.Concurrency, len(jobs)) {
		wg.Go(func() {
			for j := range work {
				v := versions[j.id]
				for _, i := range j.indexes {
					p, err := s.putOne(ctx, products[i], v)
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
							cancel()
						}
						mu.Unlock()
						break
					}
					out[i] = p
					v = p.Version
				}
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case work <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, translate(err, "put products")
	}
	return out, nil
}

// putOne writes p as version stored+1, conditioned on the stored version
// still being stored (0: no item). On a lost race it re-reads the version.
func (s *Store) putOne(ctx context.Context, p catalog.Product, stored int64) (catalog.Product, error) {
	for attempt := 0; ; attempt++ {
		p.Version = stored + 1
		doc, err := json.Marshal(p)
		if err != nil {
			return catalog.Product{}, catalog.Wrap(catalog.CodeInvalid, err, "encode product")
		}
		item := productKey(p.ID)
		item[attrDoc] = &types.AttributeValueMemberS{Value: string(doc)}
		item[attrVersion] = &types.AttributeValueMemberN{Value: strconv.FormatInt(p.Version, 10)}
		if p.Hash != "" {
			item[attrHash] = &types.AttributeValueMemberS{Value: p.Hash}
		}
		in := &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item}
		if stored == 0 {
			in.ConditionExpression = aws.String("attribute_not_exists(#pk)")
			in.ExpressionAttributeNames = map[string]string{"#pk": attrPK}
		} else {
			in.ConditionExpression = aws.String("#v = :v")
			in.ExpressionAttributeNames = map[string]string{"#v": attrVersion}
			in.ExpressionAttributeValues = map[string]types.AttributeValue{
				":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(stored, 10)},
			}
		}
		_, err = s.db.PutItem(ctx, in)
		if err == nil {
			return p, nil
		}
		if !isConditionFailed(err) {
			return catalog.Product{}, translate(err, "put product")
		}
		if attempt+1 >= maxRaceTries {
			return catalog.Product{}, catalog.Wrap(catalog.CodeConflict, err,
				"product "+p.ID+" is being written by others; try again")
		}
		// Lost a race with another writer: wait a jittered moment so that
		// racing writers spread out, then read the version it stored.
		if err := sleep(ctx, s.backoff(attempt)); err != nil {
			return catalog.Product{}, translate(err, "put product")
		}
		vs, _, err := s.versions(ctx, []string{p.ID})
		if err != nil {
			return catalog.Product{}, err
		}
		stored = vs[p.ID]
	}
}

// versions returns the stored version of each id (absent: 0; tombstones
// count) and which ids are live products, in consistent BatchGetItem
// requests whose unprocessed keys are retried.
func (s *Store) versions(ctx context.Context, ids []string) (map[string]int64, map[string]bool, error) {
	out := make(map[string]int64, len(ids))
	live := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += batchGetSize {
		chunk := ids[start:min(start+batchGetSize, len(ids))]
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = productKey(id)
		}
		req := map[string]types.KeysAndAttributes{s.table: {
			Keys:                     keys,
			ConsistentRead:           aws.Bool(true),
			ProjectionExpression:     aws.String("#sk, #v, #del"),
			ExpressionAttributeNames: map[string]string{"#sk": attrSK, "#v": attrVersion, "#del": attrDeleted},
		}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt >= maxBatchTries {
				return nil, nil, catalog.Errorf(catalog.CodeUnavailable, "the store is throttling reads; try again")
			}
			if attempt > 0 {
				if err := sleep(ctx, s.backoff(attempt-1)); err != nil {
					return nil, nil, translate(err, "read versions")
				}
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, nil, translate(err, "read versions")
			}
			for _, item := range res.Responses[s.table] {
				v, err := strconv.ParseInt(num(item, attrVersion), 10, 64)
				if err != nil {
					return nil, nil, catalog.Wrap(catalog.CodeInternal, err, "decode version")
				}
				id := str(item, attrSK)
				out[id] = v
				live[id] = !isTombstone(item)
			}
			req = res.UnprocessedKeys
		}
	}
	return out, live, nil
}

func num(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

// DeleteProducts implements catalog.Store: each stored product is replaced
// by a tombstone one version up (see the package doc), in BatchWriteItem
// requests of 25 whose unprocessed items are retried with backoff.
func (s *Store) DeleteProducts(ctx context.Context, ids []string) error {
	seen := make(map[string]bool, len(ids))
	var unique []string
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		unique = append(unique, id)
	}
	versions, live, err := s.versions(ctx, unique)
	if err != nil {
		return err
	}
	expires := strconv.FormatInt(s.opts.Clock().Add(tombstoneTTL).Unix(), 10)
	var reqs []types.WriteRequest
	for _, id := range unique {
		if !live[id] {
			continue // missing, or deleted already
		}
		item := productKey(id)
		item[attrDeleted] = &types.AttributeValueMemberBOOL{Value: true}
		item[attrVersion] = &types.AttributeValueMemberN{Value: strconv.FormatInt(versions[id]+1, 10)}
		item[attrTTL] = &types.AttributeValueMemberN{Value: expires}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	for start := 0; start < len(reqs); start += batchWriteSize {
		if err := s.batchWrite(ctx, reqs[start:min(start+batchWriteSize, len(reqs))]); err != nil {
			return err
		}
	}
	return nil
}

// batchWrite sends up to 25 write requests, retrying unprocessed ones with
// exponential backoff and jitter.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	pending := map[string][]types.WriteRequest{s.table: reqs}
	// A table at its throughput writes part of each batch and returns the
	// rest: that is progress, not failure, so only attempts that write
	// nothing (all items returned, or the request throttled whole past the
	// SDK's retries) count towards giving up, and the backoff grows with
	// them.
	// Counting every attempt gave up on a batch that was being written,
	// and its chunk waited for the queue's visibility timeout.
	stalled := 0
	for len(pending[s.table]) > 0 {
		if stalled >= maxBatchTries {
			return catalog.Errorf(catalog.CodeUnavailable, "the store is throttling writes; try again")
		}
		if stalled > 0 {
			if err := sleep(ctx, s.backoff(stalled-1)); err != nil {
				return translate(err, "batch write")
			}
		}
		before := len(pending[s.table])
		res, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			err = translate(err, "batch write")
			if catalog.CodeOf(err) == catalog.CodeUnavailable && ctx.Err() == nil {
				stalled++ // throttled whole, past the SDK's own retries: nothing written
				continue
			}
			return err
		}
		pending = res.UnprocessedItems
		switch left := len(pending[s.table]); {
		case left == 0:
		case left >= before:
			stalled++
		default:
			stalled = 1 // written in part: back off a little and count anew
		}
	}
	return nil
}

// Products implements catalog.Store. For one partner it queries the
// partner's shards one after the other; for all partners it runs a
// parallel Scan, whose segments hand their products to the caller's
// goroutine: the loop body never runs concurrently.
func (s *Store) Products(ctx context.Context, partner string) iter.Seq2[catalog.Product, error] {
	return func(yield func(catalog.Product, error) bool) {
		stop := errors.New("the caller stopped") // this loop's own
		fn := func(p catalog.Product) error {
			if !yield(p, nil) {
				return stop
			}
			return nil
		}
		var err error
		if partner == "" {
			err = s.parallelScan(ctx, fn)
		} else {
			for shard := range productShards {
				if err = s.queryShard(ctx, productPK(partner, shard), fn); err != nil {
					break
				}
			}
		}
		if err != nil && !errors.Is(err, stop) {
			yield(catalog.Product{}, err)
		}
	}
}

func (s *Store) queryShard(ctx context.Context, pk string, fn func(catalog.Product) error) error {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		FilterExpression:          aws.String("attribute_not_exists(#del)"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#del": attrDeleted},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return translate(err, "scan products")
		}
		for _, item := range page.Items {
			prod, err := decodeProduct(item)
			if err != nil {
				return err
			}
			if err := fn(prod); err != nil {
				return err
			}
		}
	}
	return nil
}

// errStop ends scan segments once the caller's fn has failed.
var errStop = errors.New("scan stopped")

func (s *Store) parallelScan(parent context.Context, fn func(catalog.Product) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	items := make(chan catalog.Product, 256)
	errs := make(chan error, s.opts.ScanSegments)
	var wg sync.WaitGroup
	for seg := range s.opts.ScanSegments {
		wg.Go(func() {
			err := s.scanSegment(ctx, int32(seg), int32(s.opts.ScanSegments), items) //nolint:gosec // G115: New caps ScanSegments at maxScanSegments
			if err != nil && !errors.Is(err, errStop) {
				cancel() // a failed segment ends the scan
			}
			errs <- err
		})
	}
	go func() { wg.Wait(); close(items); close(errs) }()
	var fnErr error
	for p := range items {
		if fnErr != nil {
			continue // drain until the segments notice the cancel
		}
		if err := fn(p); err != nil {
			fnErr = err
			cancel()
		}
	}
	if fnErr != nil {
		return fnErr
	}
	stopped := false
	for err := range errs {
		switch {
		case errors.Is(err, errStop):
			stopped = true
		case err != nil:
			return err
		}
	}
	if stopped {
		return translate(parent.Err(), "scan products")
	}
	return nil
}

func (s *Store) scanSegment(ctx context.Context, seg, total int32, items chan<- catalog.Product) error {
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:                 aws.String(s.table),
		Segment:                   aws.Int32(seg),
		TotalSegments:             aws.Int32(total),
		FilterExpression:          aws.String("begins_with(#pk, :p) AND attribute_not_exists(#del)"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#del": attrDeleted},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: productPKPrefix}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return errStop
			}
			return translate(err, "scan products")
		}
		for _, item := range page.Items {
			prod, err := decodeProduct(item)
			if err != nil {
				return err
			}
			select {
			case items <- prod:
			case <-ctx.Done():
				return errStop
			}
		}
	}
	return nil
}
