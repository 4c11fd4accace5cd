package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsopensearchservice"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The stage's stacks hand values to each other through SSM parameters
// (StageConfig.ParameterName), not CloudFormation exports. An export ties
// the two stacks: the producer cannot change or drop it while a consumer
// imports it, so deploying an older commit that adds or removes a
// reference jams (issue 13). A parameter is written by the producer's
// template and read by the consumer's (a template parameter of type
// AWS::SSM::Parameter::Value<String>, resolved at each deploy of the
// consumer); the order of deployment is kept by explicit stack
// dependencies (NewCatalogSearch). TestCrossStackExportsAreFew counts
// what is left.

// Keys of the parameters (StageConfig.ParameterName) each stack writes.
const (
	paramTableName      = "data/table-name"
	paramTableStreamArn = "data/table-stream-arn"
	paramBucketName     = "data/bucket-name"
	paramDomainArn      = "data/domain-arn"
	paramDomainEndpoint = "data/domain-endpoint"
	paramIngestQueueArn = "data/ingest-queue-arn"
	paramIngestDLQArn   = "data/ingest-dlq-arn"
	paramIndexerDLQArn  = "data/indexer-dlq-arn"
	paramImagesQueueArn = "data/images-queue-arn"
	paramImagesDLQArn   = "data/images-dlq-arn"
	paramAnalyticsDLQ   = "data/analytics-dlq-arn"
	paramImagesFnArn    = "pipeline/images-function-arn"
	paramIngestFnArn    = "pipeline/ingest-function-arn"
	paramIndexerFnArn   = "pipeline/indexer-function-arn"
	paramReindexFnArn   = "pipeline/reindex-function-arn"
	paramAPIFnArn       = "api/function-arn"
	paramAnalyticsFnArn = "api/analytics-function-arn"
	paramRestAPIID      = "api/rest-api-id"
	paramWebsiteFnArn   = "website/function-arn"
)

// publish writes value into the SSM parameter key of cfg's stage, as a
// resource of stack; id names the resource.
func publish(stack awscdk.Stack, cfg StageConfig, id, key string, value *string) {
	awsssm.NewStringParameter(stack, jsii.String(id), &awsssm.StringParameterProps{
		ParameterName: jsii.String(cfg.ParameterName(key)),
		StringValue:   value,
		Description:   jsii.String("Catalog Search " + cfg.Stage + ": read by the stage's other stacks (written by " + *stack.StackName() + ")"),
	})
}

// lookup is the value of the SSM parameter key of cfg's stage, resolved
// by CloudFormation when scope's stack is deployed.
func lookup(scope constructs.Construct, cfg StageConfig, key string) *string {
	return awsssm.StringParameter_ValueForStringParameter(scope, jsii.String(cfg.ParameterName(key)), nil)
}

// publishData writes the parameters the other stacks read (DataRefsIn).
func publishData(s *DataStack, cfg StageConfig) {
	publish(s.Stack, cfg, "TableNameParameter", paramTableName, s.Table.TableName())
	publish(s.Stack, cfg, "TableStreamArnParameter", paramTableStreamArn, s.Table.TableStreamArn())
	publish(s.Stack, cfg, "BucketNameParameter", paramBucketName, s.Bucket.BucketName())
	publish(s.Stack, cfg, "DomainArnParameter", paramDomainArn, s.Domain.DomainArn())
	publish(s.Stack, cfg, "DomainEndpointParameter", paramDomainEndpoint, s.Domain.DomainEndpoint())
	publish(s.Stack, cfg, "IngestQueueArnParameter", paramIngestQueueArn, s.IngestQueue.QueueArn())
	publish(s.Stack, cfg, "IngestDLQArnParameter", paramIngestDLQArn, s.IngestDLQ.QueueArn())
	publish(s.Stack, cfg, "IndexerDLQArnParameter", paramIndexerDLQArn, s.IndexerDLQ.QueueArn())
	publish(s.Stack, cfg, "ImagesQueueArnParameter", paramImagesQueueArn, s.ImagesQueue.QueueArn())
	publish(s.Stack, cfg, "ImagesDLQArnParameter", paramImagesDLQArn, s.ImagesDLQ.QueueArn())
	publish(s.Stack, cfg, "AnalyticsDLQArnParameter", paramAnalyticsDLQ, s.AnalyticsDLQ.QueueArn())
}

// DataRefs are the Data stack's resources as another stack of the stage
// sees them: imported from the parameters the Data stack writes, so that
// grants, event sources and metrics name them without an export. Each is
// imported on first use, so a stack reads only the parameters it needs.
type DataRefs struct {
	scope  constructs.Construct
	cfg    StageConfig
	table  awsdynamodb.ITable
	bucket awss3.IBucket
	domain awsopensearchservice.IDomain
	queues map[string]awssqs.IQueue
}

// DataRefsIn returns the Data stack's resources as seen from scope (another
// stack of cfg's stage).
func DataRefsIn(scope constructs.Construct, cfg StageConfig) *DataRefs {
	return &DataRefs{scope: scope, cfg: cfg, queues: map[string]awssqs.IQueue{}}
}

// Table is the catalog table (its name only).
func (d *DataRefs) Table() awsdynamodb.ITable {
	if d.table == nil {
		d.table = awsdynamodb.Table_FromTableName(d.scope, jsii.String("DataTable"), lookup(d.scope, d.cfg, paramTableName))
	}
	return d.table
}

// StreamTable is the catalog table with its stream, for an event source.
// Use it instead of Table in a stack that reads the stream.
func (d *DataRefs) StreamTable() awsdynamodb.ITable {
	if d.table == nil {
		d.table = awsdynamodb.Table_FromTableAttributes(d.scope, jsii.String("DataTable"), &awsdynamodb.TableAttributes{
			TableName:      lookup(d.scope, d.cfg, paramTableName),
			TableStreamArn: lookup(d.scope, d.cfg, paramTableStreamArn),
		})
	}
	if d.table.TableStreamArn() == nil {
		panic("DataRefs: StreamTable after Table in the same stack")
	}
	return d.table
}

// Bucket is the catalog bucket.
func (d *DataRefs) Bucket() awss3.IBucket {
	if d.bucket == nil {
		d.bucket = awss3.Bucket_FromBucketName(d.scope, jsii.String("DataBucket"), lookup(d.scope, d.cfg, paramBucketName))
	}
	return d.bucket
}

// Domain is the search domain.
func (d *DataRefs) Domain() awsopensearchservice.IDomain {
	if d.domain == nil {
		d.domain = awsopensearchservice.Domain_FromDomainAttributes(d.scope, jsii.String("DataDomain"), &awsopensearchservice.DomainAttributes{
			DomainArn:      lookup(d.scope, d.cfg, paramDomainArn),
			DomainEndpoint: lookup(d.scope, d.cfg, paramDomainEndpoint),
		})
	}
	return d.domain
}

func (d *DataRefs) queue(id, key string) awssqs.IQueue {
	if q, ok := d.queues[key]; ok {
		return q
	}
	q := awssqs.Queue_FromQueueArn(d.scope, jsii.String(id), lookup(d.scope, d.cfg, key))
	d.queues[key] = q
	return q
}

// fifoQueue is queue for a FIFO queue (its ARN is a parameter, so the CDK
// cannot tell from the name).
func (d *DataRefs) fifoQueue(id, key string) awssqs.IQueue {
	if q, ok := d.queues[key]; ok {
		return q
	}
	q := awssqs.Queue_FromQueueAttributes(d.scope, jsii.String(id), &awssqs.QueueAttributes{
		QueueArn: lookup(d.scope, d.cfg, key), Fifo: jsii.Bool(true)})
	d.queues[key] = q
	return q
}

// ImagesQueue is the queue of image runs (FIFO).
func (d *DataRefs) ImagesQueue() awssqs.IQueue {
	return d.fifoQueue("DataImagesQueue", paramImagesQueueArn)
}

// ImagesDLQ is the images queue's dead-letter queue (FIFO).
func (d *DataRefs) ImagesDLQ() awssqs.IQueue { return d.fifoQueue("DataImagesDLQ", paramImagesDLQArn) }

// IngestQueue is the queue of catalog files to ingest.
func (d *DataRefs) IngestQueue() awssqs.IQueue {
	return d.queue("DataIngestQueue", paramIngestQueueArn)
}

// IngestDLQ is the ingest queue's dead-letter queue.
func (d *DataRefs) IngestDLQ() awssqs.IQueue { return d.queue("DataIngestDLQ", paramIngestDLQArn) }

// AnalyticsDLQ is the analytics function's dead-letter queue.
func (d *DataRefs) AnalyticsDLQ() awssqs.IQueue {
	return d.queue("DataAnalyticsDLQ", paramAnalyticsDLQ)
}

// IndexerDLQ is the indexer's on-failure queue.
func (d *DataRefs) IndexerDLQ() awssqs.IQueue { return d.queue("DataIndexerDLQ", paramIndexerDLQArn) }

// functionIn imports the function whose ARN the parameter key holds.
func functionIn(scope constructs.Construct, cfg StageConfig, id, key string) awslambda.IFunction {
	return awslambda.Function_FromFunctionAttributes(scope, jsii.String(id), &awslambda.FunctionAttributes{
		FunctionArn:     lookup(scope, cfg, key),
		SameEnvironment: jsii.Bool(true),
	})
}
