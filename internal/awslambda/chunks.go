package awslambda

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// BatchSender is the part of the SQS client ChunkQueue uses.
type BatchSender interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

// ChunkQueue queues the chunks of a big catalog on the ingest queue
// (ingest.ChunkQueue), as contract.ChunkMessage bodies, ten to a
// SendMessageBatch request (SQS's limit).
type ChunkQueue struct {
	Queue    BatchSender
	QueueURL string
}

// sqsBatchMax is the most entries one SendMessageBatch takes.
const sqsBatchMax = 10

// SendChunks implements ingest.ChunkQueue. The entries SQS reports failed
// are sent again once; a failure is CodeUnavailable (the reading run is
// retried: its chunks are the same, and a chunk queued twice is written
// once more, harmlessly).
func (q *ChunkQueue) SendChunks(ctx context.Context, refs []contract.ChunkRef) error {
	for start := 0; start < len(refs); start += sqsBatchMax {
		part := refs[start:min(start+sqsBatchMax, len(refs))]
		entries := make([]sqstypes.SendMessageBatchRequestEntry, len(part))
		for i, ref := range part {
			body, err := json.Marshal(contract.ChunkMessage{IngestChunk: ref})
			if err != nil {
				return catalog.Wrap(catalog.CodeInternal, err, "chunk message")
			}
			entries[i] = sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(ref.Chunk)), MessageBody: aws.String(string(body))}
		}
		for attempt := 0; len(entries) > 0; attempt++ {
			if attempt == 2 {
				return catalog.Errorf(catalog.CodeUnavailable, "the ingest queue refused %d chunk messages; try again", len(entries))
			}
			out, err := q.Queue.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.QueueURL), Entries: entries})
			if err != nil {
				return catalog.Wrap(catalog.CodeUnavailable, err, "queue the chunks of the catalog")
			}
			failed := map[string]bool{}
			for _, f := range out.Failed {
				failed[aws.ToString(f.Id)] = true
			}
			var again []sqstypes.SendMessageBatchRequestEntry
			for _, e := range entries {
				if failed[aws.ToString(e.Id)] {
					again = append(again, e)
				}
			}
			entries = again
		}
	}
	return nil
}
