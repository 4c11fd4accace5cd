package stacks

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// PipelineStack runs the ingest and index pipeline: S3 -> SQS (DLQ) ->
// ingest Lambda -> DynamoDB -> Stream -> indexer Lambda -> OpenSearch, plus
// the reindex Lambda that rebuilds the index from the table.
type PipelineStack struct {
	awscdk.Stack
	Ingest  *GoFunction
	Indexer *GoFunction
	Reindex *GoFunction
	Images  *GoFunction
	// IndexSetup makes the reindex function create the index on deploy.
	IndexSetup awscdk.CustomResource
}

// NewPipelineStack defines the pipeline of cfg's stage on the resources of
// the Data stack, which it reads from their SSM parameters (DataRefsIn).
func NewPipelineStack(scope constructs.Construct, cfg StageConfig, in Inputs, props *awscdk.StackProps) *PipelineStack {
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: ingest and index pipeline", cfg.Stage))
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("Pipeline")), props)
	s := &PipelineStack{Stack: stack}
	data := DataRefsIn(stack, cfg)
	table := data.StreamTable() // the indexer reads its stream
	endpoint := "https://" + *data.Domain().DomainEndpoint()
	synFiles, synEnv := searchIndexBundle(cfg, in.Builder.ModuleDir())

	s.Ingest = NewGoFunction(stack, "Ingest", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("ingest"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "Turns a catalog file that arrived in S3 into products in the table",
		Sizing:      cfg.Ingest,
		Environment: map[string]string{
			contract.EnvTable:          *table.TableName(),
			contract.EnvBucket:         *data.Bucket().BucketName(),
			contract.EnvUploadMaxBytes: strconv.Itoa(cfg.UploadMaxBytes),
			contract.EnvImagesQueueURL: *data.ImagesQueue().QueueUrl(),
			contract.EnvHistoryTTLDays: strconv.Itoa(cfg.HistoryDays),
			// A big catalog is written in chunks: the run that reads the
			// file sends one chunk message per chunk to the function's own
			// queue, and the run that takes a chunk for the last receive
			// the queue allows marks its catalog failed when it fails.
			contract.EnvIngestChunkProducts: strconv.Itoa(cfg.IngestChunkProducts),
			contract.EnvIngestQueueURL:      *data.IngestQueue().QueueUrl(),
			contract.EnvIngestMaxReceives:   strconv.Itoa(cfg.MaxReceiveCount),
		},
	})
	data.Bucket().GrantReadWrite(s.Ingest.Function, nil)
	data.ImagesQueue().GrantSendMessages(s.Ingest.Function)
	data.IngestQueue().GrantSendMessages(s.Ingest.Function)
	table.GrantReadWriteData(s.Ingest.Function)
	s.Ingest.Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(data.IngestQueue(), &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(float64(cfg.IngestBatchSize)),
		ReportBatchItemFailures: jsii.Bool(true),
		// Never more pollers than the function may run: a receive the
		// function cannot take is throttled, and a throttled receive counts
		// against the queue's maxReceiveCount.
		MaxConcurrency: jsii.Number(float64(cfg.IngestMaxConcurrency())),
	}))

	// The images function: one run of the image fetcher per message of the
	// images queue (FIFO, grouped by partner). It reads and writes products
	// and catalogs, writes the derived pictures under images/ and reads and
	// writes what it knows of each URL under imagemeta/; nothing else of the
	// bucket. Loopback stays refused: no stack sets
	// contract.EnvTestImageHosts (TestNoStackAllowsLoopbackImages).
	s.Images = NewGoFunction(stack, "Images", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("images"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "Fetches partners' product images safely and stores their thumbnails under images/",
		Sizing:      cfg.Images,
		Environment: map[string]string{
			contract.EnvTable:  *table.TableName(),
			contract.EnvBucket: *data.Bucket().BucketName(),
		},
	})
	table.GrantReadWriteData(s.Images.Function)
	data.Bucket().GrantReadWrite(s.Images.Function, jsii.String(contract.ImagesPrefix+"*"))
	data.Bucket().GrantReadWrite(s.Images.Function, jsii.String(contract.ImageMetaPrefix+"*"))
	s.Images.Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(data.ImagesQueue(), &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(float64(cfg.ImagesBatchSize)),
		ReportBatchItemFailures: jsii.Bool(true),
		// As for ingest: a throttled receive must not count towards the
		// images queue's maxReceiveCount.
		MaxConcurrency: jsii.Number(float64(cfg.ImagesMaxConcurrency())),
	}))

	// The indexer and the reindex function both write indexes: the same
	// environment (table, domain, alias, replicas of a new index, synonyms).
	indexEnv := withEnv(synEnv, map[string]string{
		contract.EnvTable:              *table.TableName(),
		contract.EnvOpenSearchEndpoint: endpoint,
		contract.EnvIndexAlias:         contract.DefaultIndexAlias,
		contract.EnvIndexReplicas:      strconv.Itoa(cfg.OpenSearch.IndexReplicas()),
	})
	s.Indexer = NewGoFunction(stack, "Indexer", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("indexer"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "Applies product changes of the table's stream to the search index",
		Sizing:      cfg.Indexer,
		Files:       synFiles,
		Environment: indexEnv,
	})
	table.GrantReadData(s.Indexer.Function)
	data.Domain().GrantReadWrite(s.Indexer.Function)
	s.Indexer.Function.AddEventSource(awslambdaeventsources.NewDynamoEventSource(table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(float64(cfg.StreamBatchSize)),
		ParallelizationFactor:   jsii.Number(float64(cfg.StreamParallelizationFactor)), // batches of one shard at once (a key's records stay in order)
		BisectBatchOnError:      jsii.Bool(true),
		RetryAttempts:           jsii.Number(float64(cfg.StreamRetryAttempts)),
		MaxRecordAge:            awscdk.Duration_Seconds(jsii.Number(float64(cfg.StreamMaxRecordAgeSec))),
		ReportBatchItemFailures: jsii.Bool(true),
		OnFailure:               awslambdaeventsources.NewSqsDlq(data.IndexerDLQ()),
		// Only product items' records: the indexer skips the others
		// (dynamostore.ChangeOf), and the search analytics alone write
		// several items per delivery of log lines.
		Filters: &[]*map[string]any{awslambda.FilterCriteria_Filter(&map[string]any{
			"dynamodb": map[string]any{"Keys": map[string]any{contract.TablePartitionKey: map[string]any{
				"S": awslambda.FilterRule_BeginsWith(jsii.String(contract.TableProductPKPrefix)),
			}}},
		})},
	}))

	s.Reindex = NewGoFunction(stack, "Reindex", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("reindex"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "Rebuilds the search index from the table into a new index and swaps the alias",
		Sizing:      cfg.Reindex,
		Files:       synFiles,
		Environment: indexEnv,
	})
	table.GrantReadData(s.Reindex.Function)
	data.Domain().GrantReadWrite(s.Reindex.Function)

	// The index and its alias exist once the stage is deployed: without
	// them every search, the site's home page and /v1/health would fail
	// until the first catalog reaches the indexer. CloudFormation invokes
	// the reindex function with a custom resource event, which it answers
	// by creating the template and the first index when missing
	// (awslambda.ReindexHandler.Invoke). It runs on the first deploy and
	// again whenever the index settings below or the synonyms change.
	setupProps := map[string]any{
		"Alias":    contract.DefaultIndexAlias,
		"Replicas": strconv.Itoa(cfg.OpenSearch.IndexReplicas()),
	}
	if path := cfg.SynonymsPath(in.Builder.ModuleDir()); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			panic(fmt.Sprintf("pipeline: synonyms file: %v", err))
		}
		setupProps["SynonymsSHA256"] = fmt.Sprintf("%x", sha256.Sum256(b))
	}
	s.IndexSetup = awscdk.NewCustomResource(stack, jsii.String("SearchIndexSetup"), &awscdk.CustomResourceProps{
		ServiceToken: s.Reindex.Function.FunctionArn(),
		ResourceType: jsii.String(contract.SearchIndexSetupType),
		Properties:   &setupProps,
	})

	publish(stack, cfg, "IngestFunctionArnParameter", paramIngestFnArn, s.Ingest.Function.FunctionArn())
	publish(stack, cfg, "IndexerFunctionArnParameter", paramIndexerFnArn, s.Indexer.Function.FunctionArn())
	publish(stack, cfg, "ReindexFunctionArnParameter", paramReindexFnArn, s.Reindex.Function.FunctionArn())
	publish(stack, cfg, "ImagesFunctionArnParameter", paramImagesFnArn, s.Images.Function.FunctionArn())

	for _, f := range []*GoFunction{s.Ingest, s.Indexer, s.Reindex, s.Images} {
		suppress(f.Function, false, findingSyncDLQ())
	}
	suppress(s.Ingest.Function, true, finding{"Serverless-LambdaEventSourceMappingDestination",
		"SQS event source mappings take no on-failure destination: a message that keeps failing moves to the ingest queue's redrive DLQ after maxReceiveCount receives."})
	suppress(s.Images.Function, true, finding{"Serverless-LambdaEventSourceMappingDestination",
		"SQS event source mappings take no on-failure destination: a message that keeps failing moves to the images queue's redrive DLQ after maxReceiveCount receives."})
	return s
}
