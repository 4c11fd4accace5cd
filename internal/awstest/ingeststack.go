package awstest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// IngestStack is what the ingest Lambda works on, as the data stack
// deploys it, on moto: a bucket whose new files under incoming/ are
// notified to the ingest queue, the table (dynamostore.CreateTable, with
// its stream), and the images queue (FIFO) the ingest feeds.
type IngestStack struct {
	Name           string
	Bucket         string
	Table          string
	QueueURL       string // the ingest queue
	QueueARN       string
	ImagesQueueURL string
}

// NewIngestStack creates the resources of an IngestStack named name (a
// prefix of each resource's name) through cfg.
func NewIngestStack(ctx context.Context, cfg aws.Config, name string) (*IngestStack, error) {
	st := &IngestStack{Name: name, Bucket: name + "-files", Table: name + "-table"}
	if err := dynamostore.CreateTable(ctx, dynamodb.NewFromConfig(cfg), st.Table); err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	sq := sqs.NewFromConfig(cfg)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-ingest")})
	if err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	st.QueueURL = aws.ToString(q.QueueUrl)
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	st.QueueARN = attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	iq, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-images.fifo"),
		Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	st.ImagesQueueURL = aws.ToString(iq.QueueUrl)
	s3c := S3Client(cfg)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(st.Bucket)}); err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	// The notification the data stack configures: new files under incoming/ -> the ingest queue.
	_, err = s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(st.Bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			QueueArn: aws.String(st.QueueARN),
			Events:   []s3types.Event{"s3:ObjectCreated:*"},
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{
				{Name: s3types.FilterRuleNamePrefix, Value: aws.String(contract.IncomingPrefix)},
			}}},
		}}},
	})
	if err != nil {
		return nil, fmt.Errorf("ingest stack %s: %w", name, err)
	}
	return st, nil
}

// LambdaEnv is the ingest Lambda's environment on the stack, its AWS
// requests sent to endpoint (moto, or a LatencyProxy in front of it).
func (st *IngestStack) LambdaEnv(endpoint string) []string {
	return append(EnvFor(endpoint),
		contract.EnvTable+"="+st.Table,
		contract.EnvBucket+"="+st.Bucket,
		contract.EnvStage+"=test",
		contract.EnvIngestQueueURL+"="+st.QueueURL,
		contract.EnvImagesQueueURL+"="+st.ImagesQueueURL,
	)
}
