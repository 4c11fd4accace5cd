package awslambda

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// MessageSender is the part of the SQS client QueuedIntake uses.
type MessageSender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// QueuedIntake is the api Lambda's api.Intake: upload slots are presigned
// S3 POSTs, and a confirmation is checked (intake.CheckConfirm) then sent
// to the ingest queue as a contract.ConfirmMessage, for the ingest Lambda
// to apply. No file is parsed within the API request, which API Gateway
// would cut off after 29 seconds.
type QueuedIntake struct {
	Store    catalog.Store
	Blobs    catalog.Blobs
	Queue    MessageSender
	QueueURL string
	Logger   *slog.Logger     // nil = discard
	Clock    func() time.Time // nil = time.Now
}

var _ api.Intake = (*QueuedIntake)(nil)

// NewUpload implements api.Intake with intake.NewUpload.
func (q *QueuedIntake) NewUpload(ctx context.Context, req intake.UploadRequest, up intake.Uploader, maxBytes int64) (intake.UploadSlot, error) {
	now := orNow(q.Clock)
	return intake.NewUpload(ctx, q.Store, now(), req, up, maxBytes)
}

// Confirm implements api.Intake: it checks the confirmation, queues it and
// returns the catalog as it stands (still needs_confirmation; the API
// answers 202). A catalog confirmed twice before the ingest Lambda runs is
// queued twice; the second message finds it processing or done and is
// dropped.
func (q *QueuedIntake) Confirm(ctx context.Context, catalogID string, as catalog.Mode) (catalog.Catalog, error) {
	if as != "" {
		if err := as.Check(); err != nil {
			return catalog.Catalog{}, err
		}
	}
	c, err := intake.CheckConfirm(ctx, q.Store, q.Blobs, catalogID)
	if err != nil {
		return c, err
	}
	body, err := json.Marshal(contract.ConfirmMessage{ConfirmCatalog: c.ID, Mode: string(as)})
	if err != nil {
		return c, catalog.Wrap(catalog.CodeInternal, err, "confirmation message")
	}
	if _, err := q.Queue.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.QueueURL), MessageBody: aws.String(string(body))}); err != nil {
		if q.Logger != nil {
			q.Logger.ErrorContext(ctx, "confirmation not queued", "catalog", c.ID, "err", err.Error())
		}
		return c, catalog.Wrap(catalog.CodeUnavailable, err, "the confirmation could not be queued; try again")
	}
	if q.Logger != nil {
		q.Logger.InfoContext(ctx, "confirmation queued", "catalog", c.ID, "partner", c.Partner, "mode", string(as))
	}
	return c, nil
}
