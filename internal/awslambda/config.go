package awslambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/logging"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/s3blobs"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// EnvAWSEndpoint is the SDK's own variable for one endpoint for every
// service; when set (moto on loopback in the tests), S3 is addressed
// path-style, as a loopback endpoint needs.
const EnvAWSEndpoint = "AWS_ENDPOINT_URL"

// Config is what a Lambda reads from its environment, under the names of
// internal/contract that the stacks set.
type Config struct {
	Table              string
	Bucket             string
	OpenSearchEndpoint string
	IndexAlias         string
	LogLevel           string
	Stage              string
	UploadMaxBytes     int64
	// IngestQueueURL is where the api Lambda queues confirmations for the
	// ingest Lambda (required by RunAPI).
	IngestQueueURL string
	// ImagesQueueURL is where the ingest Lambda queues image runs
	// (required by ingestfn.Run).
	ImagesQueueURL string
	// TestImageHosts are the loopback servers the images Lambda's fetcher
	// may reach (contract.EnvTestImageHosts: tests only, never set by a
	// stack); only loopback addresses are accepted.
	TestImageHosts []netip.AddrPort
	// IndexReplicas of an index the Lambdas create: one copy per
	// availability zone of the domain, so 0 on a one-node dev domain.
	IndexReplicas int
	// Region signs OpenSearch requests (AWS_REGION, set by Lambda).
	Region string
	// PathStyleS3 is true when AWS_ENDPOINT_URL points the SDK elsewhere.
	PathStyleS3 bool
	// SynonymsFile is the deployment's synonyms file (empty: the built-in
	// rules): the rules of the indexes the Lambdas create.
	SynonymsFile string
	// HistoryTTLDays is how many days the history items the ingest Lambda
	// writes (a catalog's changes, a product's price points) live before
	// the table's TTL expires them; 0 keeps them (the stage's
	// StageConfig.HistoryDays).
	HistoryTTLDays int
	// IngestChunkProducts is how many products one chunk of a big catalog
	// carries (the ingest Lambda writes catalogs with more in chunks, by
	// many runs); 0 writes every catalog in the run that reads it.
	IngestChunkProducts int
	// IngestMaxReceives is the ingest queue's maxReceiveCount: the run that
	// takes a chunk for that time and fails ends its catalog failed.
	IngestMaxReceives int
}

// ConfigFromEnv reads a Config with getenv (os.Getenv in a main).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Table:              getenv(contract.EnvTable),
		Bucket:             getenv(contract.EnvBucket),
		OpenSearchEndpoint: getenv(contract.EnvOpenSearchEndpoint),
		IndexAlias:         getenv(contract.EnvIndexAlias),
		LogLevel:           getenv(contract.EnvLogLevel),
		Stage:              getenv(contract.EnvStage),
		Region:             getenv("AWS_REGION"),
		PathStyleS3:        getenv(EnvAWSEndpoint) != "",
		SynonymsFile:       getenv(contract.EnvSynonymsFile),
		IngestQueueURL:     getenv(contract.EnvIngestQueueURL),
		ImagesQueueURL:     getenv(contract.EnvImagesQueueURL),
	}
	if v := getenv(contract.EnvTestImageHosts); v != "" {
		for part := range strings.SplitSeq(v, ",") {
			ap, err := netip.ParseAddrPort(strings.TrimSpace(part))
			if err != nil || !ap.Addr().IsLoopback() {
				return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q: %q is not a loopback address:port (the variable is for tests only)", contract.EnvTestImageHosts, v, part)
			}
			c.TestImageHosts = append(c.TestImageHosts, ap)
		}
	}
	if c.IndexAlias == "" {
		c.IndexAlias = contract.DefaultIndexAlias
	}
	if v := getenv(contract.EnvIndexReplicas); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 5 {
			return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q is not a replica count from 0 to 5", contract.EnvIndexReplicas, v)
		}
		c.IndexReplicas = n
	}
	if v := getenv(contract.EnvHistoryTTLDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3650 {
			return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q is not a number of days from 0 to 3650", contract.EnvHistoryTTLDays, v)
		}
		c.HistoryTTLDays = n
	}
	if v := getenv(contract.EnvIngestChunkProducts); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q is not a number of products from 0 to 1000000", contract.EnvIngestChunkProducts, v)
		}
		c.IngestChunkProducts = n
	}
	if v := getenv(contract.EnvIngestMaxReceives); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q is not a receive count from 1 to 1000", contract.EnvIngestMaxReceives, v)
		}
		c.IngestMaxReceives = n
	}
	if v := getenv(contract.EnvUploadMaxBytes); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return c, catalog.Errorf(catalog.CodeInvalid, "%s=%q is not a positive number of bytes", contract.EnvUploadMaxBytes, v)
		}
		c.UploadMaxBytes = n
	}
	return c, nil
}

// require returns an error naming the first empty variable.
func (c Config) require(names ...string) error {
	values := map[string]string{
		contract.EnvTable:              c.Table,
		contract.EnvBucket:             c.Bucket,
		contract.EnvOpenSearchEndpoint: c.OpenSearchEndpoint,
		contract.EnvIngestQueueURL:     c.IngestQueueURL,
		contract.EnvImagesQueueURL:     c.ImagesQueueURL,
	}
	for _, n := range names {
		if values[n] == "" {
			return catalog.Errorf(catalog.CodeInvalid, "environment variable %s is not set", n)
		}
	}
	return nil
}

// Synonyms reads and parses the synonyms file of the configuration: nil
// (the built-in rules) when none is set. A file that cannot be read or
// parsed is an error naming the file (and the line), never a silent fall
// back to the built-in rules.
func (c Config) Synonyms() (*search.Synonyms, error) {
	if c.SynonymsFile == "" {
		return nil, nil
	}
	syn, err := search.ReadSynonymsFile(c.SynonymsFile)
	if err != nil {
		return nil, &catalog.Error{Code: catalog.CodeOf(err), Err: errors.Unwrap(err), // file and line are in the message
			Message: contract.EnvSynonymsFile + ": " + catalog.MessageOf(err)}
	}
	return syn, nil
}

// Env is what a handler is built from: configuration, the SDK
// configuration and where logs and metrics go.
type Env struct {
	Config Config
	AWS    aws.Config
	Logger *slog.Logger
	// Metrics receives EMF lines (stdout in a Lambda).
	Metrics *emf.Writer
}

// NewEnv loads the default SDK configuration (credentials and region of
// the Lambda) and builds the logger (JSON on logs) and metrics writer.
func NewEnv(ctx context.Context, cfg Config, logs, metrics io.Writer) (Env, error) {
	acfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return Env{}, catalog.Wrap(catalog.CodeInternal, err, "load AWS configuration")
	}
	log := NewLogger(logs, cfg.LogLevel)
	// The SDK's own messages (retries, checksum notes) become JSON lines too.
	acfg.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		level := slog.LevelDebug
		if c == logging.Warn {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, fmt.Sprintf(format, v...), "source", "aws-sdk")
	})
	return Env{Config: cfg, AWS: acfg, Logger: log, Metrics: emf.New(metrics, cfg.Stage)}, nil
}

// Store returns the DynamoDB store of the configured table.
func (e Env) Store() (*dynamostore.Store, error) {
	return e.store()
}

// store returns the store of the configured table on a DynamoDB client
// built with optFns.
func (e Env) store(optFns ...func(*dynamodb.Options)) (*dynamostore.Store, error) {
	if err := e.Config.require(contract.EnvTable); err != nil {
		return nil, err
	}
	return dynamostore.New(dynamodb.NewFromConfig(e.AWS, optFns...), e.Config.Table,
		dynamostore.Options{HistoryTTL: time.Duration(e.Config.HistoryTTLDays) * 24 * time.Hour}), nil
}

// Retries of the bulk writers' DynamoDB client (BulkStore).
const (
	bulkMaxAttempts = 12
	bulkMaxBackoff  = 5 * time.Second
)

// BulkStore is Store for the runs that write many products at once (the
// ingest and its chunks, the image runs). Their runs share the table's
// write throughput (a new on-demand table takes about 4,000 write units a
// second, stacks.TableInitialWCU), and several at once ask for more than
// that: DynamoDB throttles them. The SDK's default (3 attempts, and a
// retry quota that fails every retry once 100 throttles are spent) would
// fail the chunk after a second or two of throttling, and SQS would
// deliver it again only after the visibility timeout. This client retries
// throttling up to 12 attempts with exponential backoff and jitter up to
// 5 s, with no retry quota: the backoff itself lowers the runs' request
// rate to what the table takes. (The SDK's adaptive mode, a client-side
// rate limiter, is marked experimental and slept seconds per retry for a
// lone writer.) The api Lambda keeps Store: a buyer's request fails fast
// rather than waiting half a minute.
func (e Env) BulkStore() (*dynamostore.Store, error) {
	return e.store(func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = bulkMaxAttempts
			so.MaxBackoff = bulkMaxBackoff
			so.RateLimiter = ratelimit.None
		})
	})
}

// Blobs returns the S3 blobs of the configured bucket.
func (e Env) Blobs() (*s3blobs.Blobs, error) {
	if err := e.Config.require(contract.EnvBucket); err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(e.AWS, func(o *s3.Options) { o.UsePathStyle = e.Config.PathStyleS3 })
	// Pictures are written with SSE-S3, which CloudFront's origin access
	// control can read (the bucket's default key is the AWS-managed one).
	return s3blobs.New(client, e.Config.Bucket, s3blobs.Options{SSES3Prefixes: []string{contract.ImagesPrefix}}), nil
}

// Queue returns the SQS client of the configured ingest queue and its URL.
func (e Env) Queue() (*sqs.Client, string, error) {
	if err := e.Config.require(contract.EnvIngestQueueURL); err != nil {
		return nil, "", err
	}
	return sqs.NewFromConfig(e.AWS), e.Config.IngestQueueURL, nil
}

// ImagesQueue returns the SQS client of the configured images queue and
// its URL.
func (e Env) ImagesQueue() (*ImageRunQueue, error) {
	if err := e.Config.require(contract.EnvImagesQueueURL); err != nil {
		return nil, err
	}
	return &ImageRunQueue{Queue: sqs.NewFromConfig(e.AWS), QueueURL: e.Config.ImagesQueueURL}, nil
}

// ChunkQueue returns where the ingest Lambda queues the chunks of a big
// catalog: its own queue.
func (e Env) ChunkQueue() (*ChunkQueue, error) {
	if err := e.Config.require(contract.EnvIngestQueueURL); err != nil {
		return nil, err
	}
	return &ChunkQueue{Queue: sqs.NewFromConfig(e.AWS), QueueURL: e.Config.IngestQueueURL}, nil
}

// Index returns the OpenSearch index behind the configured alias; requests
// are SigV4-signed when the endpoint is https (an AWS domain). With
// readOnly (the api Lambda, whose role may read but not manage indexes) it
// neither writes the template nor creates the first index. The synonyms
// file of the configuration goes into the template (new indexes); queries
// use the rules of the live index (osindex.New reads them).
func (e Env) Index(ctx context.Context, readOnly bool) (*osindex.Index, error) {
	if err := e.Config.require(contract.EnvOpenSearchEndpoint); err != nil {
		return nil, err
	}
	syn, err := e.Config.Synonyms()
	if err != nil {
		return nil, err
	}
	cfg := osindex.Config{URL: e.Config.OpenSearchEndpoint, Alias: e.Config.IndexAlias, Logger: e.Logger,
		Replicas: e.Config.IndexReplicas, NoSetup: readOnly, Synonyms: syn}
	if strings.HasPrefix(e.Config.OpenSearchEndpoint, "https://") {
		cfg.Region = e.Config.Region
		cfg.Credentials = e.AWS.Credentials
	}
	return osindex.New(ctx, cfg)
}
