// Package contract holds the names that the CDK stacks and the running code
// must agree on: environment variables, key prefixes, index names and the
// shape of the messages one Lambda sends another. It is
// the package of internal/ that stacks/ imports for such names (besides
// internal/search, which the synth uses to check a synonyms file), so it
// imports nothing.
package contract

// Environment variables read by the Lambdas and set by the stacks.
const (
	EnvTable              = "CATALOG_TABLE"         // DynamoDB table name
	EnvBucket             = "CATALOG_BUCKET"        // S3 bucket of catalog files
	EnvOpenSearchEndpoint = "OPENSEARCH_ENDPOINT"   // https://... of the domain
	EnvIndexAlias         = "INDEX_ALIAS"           // alias the API searches
	EnvIndexReplicas      = "INDEX_REPLICAS"        // replicas of a new index (0 on one node)
	EnvLogLevel           = "LOG_LEVEL"             // debug, info, warn, error
	EnvStage              = "STAGE"                 // dev, staging, prod
	EnvAPIBaseURL         = "CATALOG_API_URL"       // the PHP site's API base URL
	EnvUploadOrigin       = "CATALOG_UPLOAD_ORIGIN" // where partners' browsers send catalog files (the bucket's origin)
	EnvRates              = "CATALOG_RATES"         // the site's dated exchange rates (a JSON array, docs/operations.md)
	EnvUploadMaxBytes     = "UPLOAD_MAX_BYTES"      // size cap of a presigned upload
	EnvIngestQueueURL     = "INGEST_QUEUE_URL"      // the api Lambda queues confirmations there
	EnvImagesQueueURL     = "IMAGES_QUEUE_URL"      // the ingest Lambda queues image runs there (ImagesMessage)
	EnvHistoryTTLDays     = "HISTORY_TTL_DAYS"      // days the ingest's history items (changes, prices) live in the table
	// EnvIngestChunkProducts is how many products one chunk of a big
	// catalog carries (ChunkMessage); 0 or unset: every catalog is written
	// in the run that reads it.
	EnvIngestChunkProducts = "INGEST_CHUNK_PRODUCTS"
	// EnvIngestMaxReceives is the ingest queue's maxReceiveCount: the run
	// that takes a chunk for the last time and fails marks its catalog
	// failed instead of leaving it processing.
	EnvIngestMaxReceives = "INGEST_MAX_RECEIVES"
	// EnvSynonymsFile is the path of the deployment's synonyms file inside
	// the Lambda's code (SynonymsFileInBundle under the task root); empty:
	// the built-in rules of package search.
	EnvSynonymsFile = "CATALOG_SYNONYMS_FILE"
)

// EnvSiteSecret is the PHP site's environment variable (web/src/Config.php)
// holding the secret that seals partner sessions in a cookie: base64 of at
// least 32 random bytes. The stacks set it from Secrets Manager, serve
// from the data folder.
const EnvSiteSecret = "CATALOG_SITE_SECRET" //nolint:gosec // the variable's name, not a credential

// EnvOriginSecret is the PHP site's environment variable holding the
// origin secret: the value CloudFront sends to its origins in the header
// OriginVerifyHeader. With it set, the site's front controller refuses a
// request without that header value (a call around CloudFront), and the
// site sends it on its own calls to the REST API, whose regional WAF
// refuses requests without it where StageConfig.WAF is on.
const EnvOriginSecret = "CATALOG_ORIGIN_SECRET" //nolint:gosec // the variable's name, not a credential

// OriginVerifyHeader is the request header CloudFront adds to every
// request it sends to the site's and the API's origins (web/src/OriginGuard.php).
const OriginVerifyHeader = "X-Origin-Verify"

// SynonymsFileInBundle is the name a deployment's synonyms file gets next
// to the bootstrap of the Lambdas that open the search index.
const SynonymsFileInBundle = "synonyms.txt"

// Key layout of catalog files in blob storage (S3 or the data folder).
const (
	IncomingPrefix = "incoming/" // incoming/{partner}/{file}: a new file triggers an ingest
	ReportsPrefix  = "reports/"  // reports/{catalog-id}/rejected.csv
	PartnersPrefix = "partners/" // partners/{partner}/settings.json, mapping.json
	// ImagesPrefix holds the derived picture sizes, images/{sha256}/{width}.jpg:
	// content-addressed, public (CloudFront serves /images/* from it).
	ImagesPrefix = "images/"
	// ImageMetaPrefix holds what the fetcher learnt of each partner image
	// URL; never served.
	ImageMetaPrefix = "imagemeta/"
)

// ConfirmMessage is the body of the message the api Lambda sends to the
// ingest queue (EnvIngestQueueURL) when a partner confirms a catalog held
// in status needs_confirmation, e.g. {"confirm_catalog":"c0123..."}; the
// ingest Lambda applies the catalog. The queue's other messages are S3
// event notifications. {"confirm_catalog":"c0123...","mode":"partial"}
// applies it removing nothing.
type ConfirmMessage struct {
	ConfirmCatalog string `json:"confirm_catalog"`
	// Mode "partial" applies the catalog as a partial update (nothing
	// removed); absent or "full": as sent.
	Mode string `json:"mode,omitempty"`
}

// ChunkMessage is the body of the message the ingest Lambda sends to its
// own queue (EnvIngestQueueURL) for each chunk of a big catalog once the
// file is read, e.g. {"ingest_chunk":{"catalog":"c0123...","chunk":3,"chunks":8}}:
// the run that takes it writes the chunk's products (chunks are numbered
// from 0), and the run that writes the last one finishes the catalog.
type ChunkMessage struct {
	IngestChunk ChunkRef `json:"ingest_chunk"`
}

// ChunkRef names one chunk of a catalog.
type ChunkRef struct {
	Catalog string `json:"catalog"`
	Chunk   int    `json:"chunk"`
	Chunks  int    `json:"chunks"`
}

// ImagesMessage is the body of the message the ingest Lambda sends to the
// images queue (EnvImagesQueueURL, a FIFO queue) once a catalog is applied,
// e.g. {"catalog":"c0123...","partner":"acme"}: the images Lambda runs the
// image fetcher over the partner's products and records its report on the
// catalog. The message group is the partner (one run at a time per
// partner), the deduplication id the catalog.
type ImagesMessage struct {
	Catalog string `json:"catalog"`
	Partner string `json:"partner"`
	// Refetch, sent by an operator (docs/operations.md), fetches every URL
	// of the partner again, unconditionally, failed ones too.
	Refetch bool `json:"refetch,omitempty"`
}

// EnvTestImageHosts is for tests only and no stack ever sets it
// (stacks.TestNoStackAllowsLoopbackImages): a comma-separated list of
// loopback address:port pairs the images Lambda's fetcher may reach
// although loopback is refused, so an emulator test can serve pictures
// from a local server. The Lambda refuses any entry that is not loopback,
// so even set by mistake it opens no private network or metadata
// endpoint.
const EnvTestImageHosts = "CATALOG_TEST_IMAGE_HOSTS"

// DefaultIndexAlias is the alias (OpenSearch) or folder name (Bleve) of the
// product index when EnvIndexAlias is not set.
const DefaultIndexAlias = "products"

// APIPathPrefix is where the site's single origin routes to the Go API
// (CloudFront behaviour /api/* on AWS, the reverse proxy of catalogctl serve
// locally). The API's own routes start at /v1.
const APIPathPrefix = "/api"

// Key schema of the DynamoDB table: string partition and sort keys with
// these attribute names, stream view NEW_AND_OLD_IMAGES. The item layout
// behind them is internal/dynamostore's business.
const (
	TablePartitionKey = "pk"
	TableSortKey      = "sk"
	// TableTTLAttribute is the table's time-to-live attribute (epoch
	// seconds): deleted products leave a tombstone that keeps their version
	// for a while, so that a product sent again gets a higher version than
	// the deleted one; the tombstone then expires.
	TableTTLAttribute = "ttl"
	// TableProductPKPrefix starts the partition key of every product item
	// (and tombstone), the only items whose stream records the indexer
	// reads: its event source filters on it, so the other items' writes
	// (catalogs, history, search analytics) never invoke it.
	TableProductPKPrefix = "P#"
)

// CloudWatch metrics that the Lambdas emit as embedded-metric-format (EMF)
// log lines and that the monitoring stack alarms on. Each is emitted with
// exactly one dimension, MetricDimensionStage, whose value is EnvStage.
const (
	MetricNamespace      = "CatalogSearch"
	MetricDimensionStage = "Stage"
	// MetricUploadToSearchable is the time in milliseconds from a catalog
	// file's arrival (its received_at) to its products being searchable,
	// emitted by the indexer once per applied change batch (unit Milliseconds).
	MetricUploadToSearchable = "UploadToSearchableMs"
	// MetricIndexLag is the age in milliseconds of the oldest stream record
	// of a batch when the indexer has applied it (unit Milliseconds).
	MetricIndexLag = "IndexLagMs"
	// MetricPoisonRecords counts stream records the indexer could not read
	// and reported as failed (unit Count).
	MetricPoisonRecords = "PoisonStreamRecords"
	// MetricRowsAccepted and MetricRowsRejected are the rows of one
	// ingested file, emitted by the ingest Lambda when its report is stored
	// (unit Count).
	MetricRowsAccepted = "RowsAccepted"
	MetricRowsRejected = "RowsRejected"
	// MetricImageURLs and MetricImageFailures are the image URLs one run of
	// the images Lambda settled (fetched, revalidated, reused or failed;
	// not those left for a later run) and those of them that failed,
	// emitted once per run (unit Count). Their ratio is the share of
	// failed fetches the monitoring stack alarms on.
	MetricImageURLs     = "ImageURLs"
	MetricImageFailures = "ImageFailures"
	// MetricSearchEvents and MetricSearchLinesSkipped are, per delivery
	// of the api Lambda's search_event log lines, the events the analytics
	// Lambda counted and the lines it could not read as events (unit
	// Count). The subscription filter lets only search_event lines
	// through, so a skipped line means the two Lambdas disagree on the
	// format: the monitoring stack alarms on any.
	MetricSearchEvents       = "SearchEvents"
	MetricSearchLinesSkipped = "SearchLinesSkipped"
)

// SearchEventMessage is the "msg" of the api Lambda's search analytics
// log lines (api.LogRecorder, JSON by awslambda.NewLogger): the api
// stack's subscription filter selects the lines whose $.msg it is, for
// the analytics Lambda.
const SearchEventMessage = "search_event"

// SearchIndexSetupType is the CloudFormation type of the custom resource
// with which the Pipeline stack has the reindex function create the index
// and its alias on deploy (awslambda.ReindexHandler.Invoke), so that a
// fresh stage answers searches before its first catalog arrives.
const SearchIndexSetupType = "Custom::SearchIndexSetup"
