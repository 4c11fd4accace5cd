package stacks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// retentionDays maps a number of days to a retention CloudWatch Logs accepts.
func retentionDays(days int) (awslogs.RetentionDays, bool) {
	switch days {
	case 1:
		return awslogs.RetentionDays_ONE_DAY, true
	case 3:
		return awslogs.RetentionDays_THREE_DAYS, true
	case 5:
		return awslogs.RetentionDays_FIVE_DAYS, true
	case 7:
		return awslogs.RetentionDays_ONE_WEEK, true
	case 14:
		return awslogs.RetentionDays_TWO_WEEKS, true
	case 30:
		return awslogs.RetentionDays_ONE_MONTH, true
	case 60:
		return awslogs.RetentionDays_TWO_MONTHS, true
	case 90:
		return awslogs.RetentionDays_THREE_MONTHS, true
	case 180:
		return awslogs.RetentionDays_SIX_MONTHS, true
	case 365:
		return awslogs.RetentionDays_ONE_YEAR, true
	case 731:
		return awslogs.RetentionDays_TWO_YEARS, true
	case 1827:
		return awslogs.RetentionDays_FIVE_YEARS, true
	case 3653:
		return awslogs.RetentionDays_TEN_YEARS, true
	}
	return "", false
}

// LogRetention is the retention of every log group of the stage.
func (c StageConfig) LogRetention() awslogs.RetentionDays {
	r, _ := retentionDays(c.LogRetentionDays)
	return r
}

// Stage names accepted by -c env=...
const (
	StageDev     = "dev"
	StageStaging = "staging"
	StageProd    = "prod"
)

// Stages returns every stage name, in promotion order.
func Stages() []string { return []string{StageDev, StageStaging, StageProd} }

// OpenSearchConfig sizes the search domain of a stage.
type OpenSearchConfig struct {
	EngineVersion      string `json:"engineVersion"`      // e.g. "2.19"
	DataNodes          int    `json:"dataNodes"`          // data node count
	DataInstanceType   string `json:"dataInstanceType"`   // e.g. t3.small.search
	MasterNodes        int    `json:"masterNodes"`        // 0: no dedicated masters
	MasterInstanceType string `json:"masterInstanceType"` // when MasterNodes > 0
	AvailabilityZones  int    `json:"availabilityZones"`  // 1: no zone awareness; 2 or 3
	MultiAZWithStandby bool   `json:"multiAzWithStandby"` // needs 3 AZs and dedicated masters
	VolumeGiB          int    `json:"volumeGiB"`          // EBS gp3 per data node
}

// IndexReplicas is the replica count of the indexes the Lambdas create:
// one copy of every shard per availability zone (multi-AZ with standby
// requires the copies to be a multiple of three).
func (o OpenSearchConfig) IndexReplicas() int { return o.AvailabilityZones - 1 }

// LambdaConfig sizes one Go Lambda.
type LambdaConfig struct {
	MemoryMiB           int `json:"memoryMiB"`
	TimeoutSeconds      int `json:"timeoutSeconds"`
	ReservedConcurrency int `json:"reservedConcurrency"` // 0: unreserved
}

// StageConfig holds every per-stage choice of the CDK app. The app builds
// it once, at synth time, from the stage defaults below and the optional
// overrides of cdk.json ("stages" context); constructs only read it.
type StageConfig struct {
	Stage   string `json:"-"`
	Account string `json:"account"` // empty: the CDK default account
	Region  string `json:"region"`  // required: the Bref layer ARN is regional

	// Stateful resources.
	RetainData            bool `json:"retainData"`            // RETAIN on delete (else DESTROY and empty the bucket)
	TerminationProtection bool `json:"terminationProtection"` // on the stateful stack
	PointInTimeRecovery   bool `json:"pointInTimeRecovery"`   // DynamoDB PITR
	NoncurrentVersionDays int  `json:"noncurrentVersionDays"` // old catalog file versions expire after
	ReportsExpireDays     int  `json:"reportsExpireDays"`     // reports/ objects expire after
	// HistoryDays is how long the ingest's history items (each upload's
	// product changes, each product's price points) and each day's search
	// analytics live in the table before its TTL expires them
	// (HISTORY_TTL_DAYS of the ingest, analytics and api Lambdas).
	HistoryDays          int `json:"historyDays"`
	AccessLogsExpireDays int `json:"accessLogsExpireDays"` // access log objects expire after
	LogRetentionDays     int `json:"logRetentionDays"`     // every CloudWatch log group

	OpenSearch OpenSearchConfig `json:"openSearch"`

	Ingest  LambdaConfig `json:"ingest"`
	Indexer LambdaConfig `json:"indexer"`
	API     LambdaConfig `json:"api"`
	Reindex LambdaConfig `json:"reindex"`
	Web     LambdaConfig `json:"web"`
	// Images fetches partners' product images (a run per applied catalog,
	// off the images queue); its timeout bounds a run, whose budget ends
	// shortly before it.
	Images LambdaConfig `json:"images"`
	// Analytics counts the api Lambda's search_event log lines into the
	// table (a CloudWatch Logs subscription invokes it asynchronously);
	// its reservation bounds the writes it makes at once, and a throttled
	// delivery is retried by Lambda.
	Analytics LambdaConfig `json:"analytics"`

	// Pipeline.
	IngestBatchSize       int `json:"ingestBatchSize"`       // SQS messages per ingest invocation
	MaxReceiveCount       int `json:"maxReceiveCount"`       // receives before a message goes to the DLQ (at least 5)
	StreamBatchSize       int `json:"streamBatchSize"`       // stream records per indexer invocation
	StreamRetryAttempts   int `json:"streamRetryAttempts"`   // bounded retries of a failing batch
	StreamMaxRecordAgeSec int `json:"streamMaxRecordAgeSec"` // older records go to the on-failure queue
	UploadMaxBytes        int `json:"uploadMaxBytes"`        // presigned upload size cap
	ImagesBatchSize       int `json:"imagesBatchSize"`       // images queue messages per invocation (FIFO: 1..10)
	// IngestChunkProducts is how many products one chunk of a big catalog
	// carries (the ingest Lambda's INGEST_CHUNK_PRODUCTS): the run that
	// reads a file whose products to write exceed it sends one
	// contract.ChunkMessage per chunk to the ingest queue, and each chunk
	// is written by a run of its own. 0: every catalog is written in the
	// run that reads it (today's single pass, bounded by the timeout).
	// Validated 0 or 1000..100000: see checkChunks.
	IngestChunkProducts int `json:"ingestChunkProducts"`
	// StreamParallelizationFactor is how many batches of one stream shard
	// the indexer works on at once (the event source mapping's
	// ParallelizationFactor, which AWS accepts from 1 to 10; records of
	// one product key stay in order). See DefaultConfig for the default.
	StreamParallelizationFactor int `json:"streamParallelizationFactor"`

	// API.
	ThrottleRateLimit  float64  `json:"throttleRateLimit"`  // requests per second, stage-wide
	ThrottleBurstLimit int      `json:"throttleBurstLimit"` // burst, stage-wide
	Partners           []string `json:"partners"`           // one usage plan each (upload routes); keys are attached by CLI
	PartnerQuotaPerDay int      `json:"partnerQuotaPerDay"` // upload-route requests per partner per day
	// WAF puts web ACLs in front of the stage: a CLOUDFRONT-scope one on
	// the distribution (its own stack in us-east-1: managed rules and a
	// rate limit per client IP) and a REGIONAL one on the API stage that
	// refuses requests without the origin secret CloudFront adds. Without
	// it, only the site refuses requests around CloudFront (the API
	// answers them).
	WAF bool `json:"waf"`
	// EdgeRateLimit is the CloudFront web ACL's limit of requests per
	// client IP in any 5 minutes (WAF accepts 10 or more).
	EdgeRateLimit int      `json:"edgeRateLimit"`
	CORSOrigins   []string `json:"corsOrigins"` // extra browser origins allowed by the API

	// Search.
	// SynonymsFile is the stage's synonyms file (format: docs/search.md),
	// relative to the app directory (the folder of cdk.json); empty: the
	// built-in rules. The api, indexer and reindex Lambdas carry it; the
	// synth refuses a file they could not parse.
	SynonymsFile string `json:"synonymsFile"`

	// Website.
	DomainName     string `json:"domainName"`     // optional custom domain of the site
	CertificateArn string `json:"certificateArn"` // ACM certificate in us-east-1, required with DomainName
	BrefLayerArn   string `json:"brefLayerArn"`   // Bref 3 PHP 8.4 layer for arm64 (provided.al2023), pinned: see CheckBrefLayer
	PriceClassAll  bool   `json:"priceClassAll"`  // CloudFront: all edge locations (else 100)
	// SiteSecretGeneration names the generated Secrets Manager secret that
	// seals partner sessions; raising it replaces the secret (rotation,
	// docs/deploy.md), which signs every partner out.
	SiteSecretGeneration int `json:"siteSecretGeneration"`
	// RatesFile is the stage's dated exchange rates (a JSON array, format:
	// docs/operations.md), relative to the app directory; empty: the site
	// shows no converted price. The synth checks it (contract.CheckRates)
	// and passes it to the PHP function as contract.EnvRates; new rates
	// are a deploy.
	RatesFile string `json:"ratesFile"`

	// Monitoring.
	AlarmEmail              string  `json:"alarmEmail"`              // SNS e-mail subscription; required in staging and prod
	UploadToSearchableMsP90 float64 `json:"uploadToSearchableMsP90"` // alarm threshold
	APILatencyP99Ms         float64 `json:"apiLatencyP99Ms"`         // alarm threshold
	// ImageFailedSharePct is the share of image URLs that failed, in
	// percent of those settled in 15 minutes, above which the
	// images-failed-share alarm fires; ImageFailedMinURLs is the fewest
	// URLs settled in those 15 minutes for the share to count (one broken
	// link of one product is no incident).
	ImageFailedSharePct float64 `json:"imageFailedSharePct"`
	ImageFailedMinURLs  int     `json:"imageFailedMinURLs"`
}

// IngestMaxConcurrency is the maximum concurrency of the ingest function's
// SQS event source: never above its reserved concurrency, so the poller
// does not receive messages it cannot run (a throttled receive counts
// against maxReceiveCount and can send a catalog file to the DLQ unread).
// Without a reservation, SQS's own maximum (1000).
func (c StageConfig) IngestMaxConcurrency() int {
	if c.Ingest.ReservedConcurrency > 0 {
		return c.Ingest.ReservedConcurrency
	}
	return 1000
}

// ImagesMaxConcurrency is the maximum concurrency of the images function's
// SQS event source, for the same reason as IngestMaxConcurrency: never
// more pollers than the function may run.
func (c StageConfig) ImagesMaxConcurrency() int {
	if c.Images.ReservedConcurrency > 0 {
		return c.Images.ReservedConcurrency
	}
	return 1000
}

// ReservedConcurrency is the stage's reserved Lambda concurrency, per
// function name and in total: Lambda refuses a reservation that leaves
// the account fewer than 100 unreserved executions, so stages sharing an
// account add up (docs/deploy.md, "Lambda concurrency quota").
func (c StageConfig) ReservedConcurrency() (perFunction map[string]int, total int) {
	perFunction = map[string]int{}
	for name, l := range c.lambdas() {
		if l.ReservedConcurrency > 0 {
			perFunction[name] = l.ReservedConcurrency
			total += l.ReservedConcurrency
		}
	}
	return perFunction, total
}

// lambdas is every Go Lambda's configuration by function name.
func (c StageConfig) lambdas() map[string]LambdaConfig {
	return map[string]LambdaConfig{"ingest": c.Ingest, "indexer": c.Indexer, "api": c.API, "reindex": c.Reindex, "web": c.Web, "images": c.Images, "analytics": c.Analytics}
}

// Prefix is the name prefix of every resource and stack of the stage, so
// several stages can live in one account: "catalogsearch-dev".
func (c StageConfig) Prefix() string { return "catalogsearch-" + c.Stage }

// PartnerUsagePlanName is the name of a partner's API Gateway usage plan,
// to which operators attach the partner's keys: "catalogsearch-dev-acme".
func (c StageConfig) PartnerUsagePlanName(partner string) string { return c.Prefix() + "-" + partner }

// StackName returns the CloudFormation stack name of one part: "CatalogSearch-prod-Data".
func (c StageConfig) StackName(part string) string {
	return "CatalogSearch-" + c.Stage + "-" + part
}

// EdgeRegion is where CloudFront-scope resources must be created (the
// distribution's web ACL): us-east-1, whatever the stage's region.
const EdgeRegion = "us-east-1"

// ParameterName is the name of an SSM parameter through which one of the
// stage's stacks hands a value to another: "/catalogsearch-prod/<key>".
func (c StageConfig) ParameterName(key string) string { return "/" + c.Prefix() + "/" + key }

// IsProd reports whether the stage is prod.
func (c StageConfig) IsProd() bool { return c.Stage == StageProd }

// DefaultConfig returns the built-in configuration of a stage.
func DefaultConfig(stage string) (StageConfig, error) {
	// The Bref layer version is pinned per region; bump it deliberately
	// (see docs/deploy.md), never resolve "latest" at deploy time. Bref 3
	// layer arm-php-84, version 21 in eu-west-3 (Bref's layers.json).
	const brefLayer = "arn:aws:lambda:eu-west-3:" + BrefAccount + ":layer:arm-php-84:21"
	base := StageConfig{
		Stage:                 stage,
		Region:                "eu-west-3",
		NoncurrentVersionDays: 30,
		ReportsExpireDays:     90,
		HistoryDays:           90,
		AccessLogsExpireDays:  90,
		LogRetentionDays:      30,
		OpenSearch: OpenSearchConfig{
			EngineVersion:     "2.19",
			DataNodes:         1,
			DataInstanceType:  "t3.small.search",
			AvailabilityZones: 1,
			VolumeGiB:         10,
		},
		Ingest:  LambdaConfig{MemoryMiB: 1024, TimeoutSeconds: 300, ReservedConcurrency: 5},
		Indexer: LambdaConfig{MemoryMiB: 512, TimeoutSeconds: 60, ReservedConcurrency: 5},
		API:     LambdaConfig{MemoryMiB: 512, TimeoutSeconds: 10},
		Reindex: LambdaConfig{MemoryMiB: 1024, TimeoutSeconds: 900, ReservedConcurrency: 1},
		Web:     LambdaConfig{MemoryMiB: 512, TimeoutSeconds: 10},
		// Decoding a 4000x4000 JPEG holds ~64 MB; eight at once, and the
		// CPU share of 1 GiB (docs/bench/images.md).
		Images:          LambdaConfig{MemoryMiB: 1024, TimeoutSeconds: 900, ReservedConcurrency: 2},
		ImagesBatchSize: 1,
		Analytics:       LambdaConfig{MemoryMiB: 256, TimeoutSeconds: 60, ReservedConcurrency: 2},
		IngestBatchSize: 1,
		// Throttled receives of the ingest event source count too: keep
		// room for them (docs/operations.md, "Ingest throttling").
		MaxReceiveCount:         5,
		StreamBatchSize:         100,
		StreamRetryAttempts:     3,
		StreamMaxRecordAgeSec:   3600,
		UploadMaxBytes:          1 << 30, // a 1,000,000-product CSV is about 466 MB (docs/deploy.md)
		ThrottleRateLimit:       20,
		ThrottleBurstLimit:      40,
		Partners:                []string{"demo"},
		PartnerQuotaPerDay:      1000,
		BrefLayerArn:            brefLayer,
		SiteSecretGeneration:    1,
		EdgeRateLimit:           2000,
		UploadToSearchableMsP90: 300000,
		APILatencyP99Ms:         1500,
		ImageFailedSharePct:     50,
		ImageFailedMinURLs:      20,
		// 5,000 products a chunk: 200 chunks for 1,000,000 products. The
		// chunk runs share the table: at a new on-demand table's 4,000
		// write units a second, the 10 runs prod lets run at once write a
		// chunk each in 5,000 x 3.5 WRU x 10 / 4,000 = 44 s, under the 60 s
		// a run may take (checkChunks); alone, on an idle table, a chunk
		// is ~2 s of writes at 5 ms a request with 16 in flight.
		IngestChunkProducts: 5000,
		// 4 batches at once per stream shard. A new on-demand table takes
		// about 4,000 write units a second, spread over partitions of at
		// most 1,000 each, so one shard carries up to ~1,000 product
		// records a second (1,000,000 products written in ~5 minutes is
		// ~3,300 a second over the table). One batch of 100 records takes
		// the indexer a stream poll, an invocation and a bulk request:
		// some 100-300 ms, i.e. 330-1,000 records a second with factor
		// 1, which falls behind; 4 gives 1,300-4,000 a second, at least
		// the shard's inflow. AWS accepts 1..10; the indexer's
		// reservation must cover one shard's batches (checkChunks).
		StreamParallelizationFactor: 4,
	}
	switch stage {
	case StageDev:
		base.HistoryDays = 14
		base.LogRetentionDays = 7
		base.NoncurrentVersionDays = 7
		base.AccessLogsExpireDays = 30
	case StageStaging:
		base.RetainData = true
		base.PointInTimeRecovery = true
		base.OpenSearch.DataNodes = 2
		base.OpenSearch.AvailabilityZones = 2
		base.OpenSearch.DataInstanceType = "m6g.large.search"
		base.OpenSearch.VolumeGiB = 20
		base.ThrottleRateLimit = 50
		base.ThrottleBurstLimit = 100
	case StageProd:
		base.RetainData = true
		base.TerminationProtection = true
		base.PointInTimeRecovery = true
		base.LogRetentionDays = 90
		base.AccessLogsExpireDays = 365
		base.HistoryDays = 400 // a year of prices, and the same weeks a year before
		base.OpenSearch = OpenSearchConfig{
			EngineVersion:      "2.19",
			DataNodes:          3,
			DataInstanceType:   "r6g.large.search",
			MasterNodes:        3,
			MasterInstanceType: "m6g.large.search",
			AvailabilityZones:  3,
			MultiAZWithStandby: true,
			VolumeGiB:          100,
		}
		base.Ingest.ReservedConcurrency = 10
		base.Indexer.ReservedConcurrency = 10
		base.Images.ReservedConcurrency = 4
		base.Analytics.ReservedConcurrency = 4
		base.ThrottleRateLimit = 200
		base.ThrottleBurstLimit = 400
		base.WAF = true
		base.PriceClassAll = true
		base.APILatencyP99Ms = 1000
	default:
		return StageConfig{}, fmt.Errorf("unknown stage %q: want one of %s", stage, strings.Join(Stages(), ", "))
	}
	return base, nil
}

// LoadConfig returns the configuration of a stage: the defaults, then the
// fields set in overrides (the JSON object of cdk.json's "stages" context for
// that stage, or nil), then the CDK default account and region when the
// configuration names none. It validates the result.
func LoadConfig(stage string, overrides json.RawMessage, defaultAccount, defaultRegion string) (StageConfig, error) {
	cfg, err := DefaultConfig(stage)
	if err != nil {
		return StageConfig{}, err
	}
	if len(overrides) > 0 && string(overrides) != "null" {
		dec := json.NewDecoder(strings.NewReader(string(overrides)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return StageConfig{}, fmt.Errorf("stage %s: cdk.json stages.%s: %w", stage, stage, err)
		}
	}
	if cfg.Account == "" {
		cfg.Account = defaultAccount
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	return cfg, cfg.Validate()
}

// Validate reports every inconsistency of the configuration, sorted, in one
// error.
func (c StageConfig) Validate() error {
	var p problems
	c.checkSite(&p)
	c.OpenSearch.check(&p)
	c.checkLambdas(&p)
	c.checkEvents(&p)
	c.checkChunks(&p)
	checkPartners(&p, c.Partners)
	if len(p) > 0 {
		sort.Strings(p)
		return fmt.Errorf("stage %s: %s", c.Stage, strings.Join(p, "; "))
	}
	return nil
}

// problems collects what Validate finds wrong.
type problems []string

// add records the problem when broken holds.
func (p *problems) add(broken bool, format string, args ...any) {
	if broken {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}

// checkSite checks the region, the site's layer, the alarm address and the
// custom domain.
func (c StageConfig) checkSite(p *problems) {
	p.add(c.Region == "", "region is required")
	if err := CheckBrefLayer(c.BrefLayerArn, c.Region); err != nil {
		p.add(true, "%v", err)
	}
	p.add(c.Stage != StageDev && c.AlarmEmail == "", "alarmEmail is required in %s: without it no alarm reaches anyone", c.Stage)
	p.add(c.AlarmEmail != "" && (!strings.Contains(c.AlarmEmail, "@") || strings.ContainsAny(c.AlarmEmail, " ,;")),
		"alarmEmail %q is not one e-mail address", c.AlarmEmail)
	p.add((c.DomainName == "") != (c.CertificateArn == ""), "domainName and certificateArn go together")
	p.add(c.CertificateArn != "" && !strings.Contains(c.CertificateArn, ":us-east-1:"), "certificateArn must be in us-east-1 (CloudFront)")
	p.add(c.SiteSecretGeneration < 1, "siteSecretGeneration must be 1 or more")
	p.add(c.WAF && (c.EdgeRateLimit < 10 || c.EdgeRateLimit > 2000000000), "edgeRateLimit must be in 10..2000000000 (requests per IP in 5 minutes), got %d", c.EdgeRateLimit)
}

// check checks the domain's shape: nodes, zones, standby and masters.
func (o OpenSearchConfig) check(p *problems) {
	p.add(o.DataNodes < 1, "openSearch.dataNodes must be at least 1")
	p.add(o.AvailabilityZones < 1 || o.AvailabilityZones > 3, "openSearch.availabilityZones must be 1, 2 or 3")
	p.add(o.AvailabilityZones > 1 && o.DataNodes%o.AvailabilityZones != 0, "openSearch.dataNodes must be a multiple of availabilityZones")
	p.add(o.MultiAZWithStandby && (o.AvailabilityZones != 3 || o.MasterNodes < 3),
		"openSearch.multiAzWithStandby needs 3 availability zones and 3 dedicated masters")
	p.add(o.MasterNodes > 0 && o.MasterInstanceType == "", "openSearch.masterInstanceType is required with dedicated masters")
}

// checkLambdas checks every Lambda's size and reservation.
func (c StageConfig) checkLambdas(p *problems) {
	for name, l := range c.lambdas() {
		p.add(l.MemoryMiB < 128 || l.TimeoutSeconds < 1 || l.TimeoutSeconds > 900,
			"%s: memoryMiB must be >= 128 and timeoutSeconds in 1..900", name)
		p.add(l.ReservedConcurrency < 0, "%s.reservedConcurrency must not be negative", name)
	}
	// The SQS event source's maximum concurrency is the ingest reserved
	// concurrency (IngestMaxConcurrency); SQS accepts 2..1000.
	r := c.Ingest.ReservedConcurrency
	p.add(r != 0 && (r < 2 || r > 1000),
		"ingest.reservedConcurrency must be 0 or 2..1000 (the SQS event source's maximum concurrency), got %d", r)
	r = c.Images.ReservedConcurrency
	p.add(r != 0 && (r < 2 || r > 1000),
		"images.reservedConcurrency must be 0 or 2..1000 (the SQS event source's maximum concurrency), got %d", r)
	// The run's budget ends 45 s before the timeout (imagesfn.Margin).
	p.add(c.Images.TimeoutSeconds < 120, "images.timeoutSeconds must be at least 120, got %d", c.Images.TimeoutSeconds)
	p.add(c.ImageFailedSharePct <= 0 || c.ImageFailedSharePct > 100, "imageFailedSharePct must be in (0, 100], got %v", c.ImageFailedSharePct)
	p.add(c.ImageFailedMinURLs < 1, "imageFailedMinURLs must be at least 1, got %d", c.ImageFailedMinURLs)
}

// checkEvents checks the queue, the stream and the logs.
func (c StageConfig) checkEvents(p *problems) {
	// SQS caps the visibility timeout at 12 hours; it is six times the
	// ingest timeout.
	p.add(c.Ingest.TimeoutSeconds*6 > 43200, "ingest.timeoutSeconds too large for a 6x visibility timeout")
	p.add(c.Images.TimeoutSeconds*6 > 43200, "images.timeoutSeconds too large for a 6x visibility timeout")
	p.add(c.IngestBatchSize < 1 || c.StreamBatchSize < 1, "ingestBatchSize and streamBatchSize must be positive")
	p.add(c.ImagesBatchSize < 1 || c.ImagesBatchSize > 10, "imagesBatchSize must be in 1..10 (a FIFO queue's batch), got %d", c.ImagesBatchSize)
	// A throttled receive counts against maxReceiveCount: with fewer than
	// five, a burst of catalog files (or of image runs: the images queue
	// has the same count) can reach the DLQ unprocessed.
	p.add(c.MaxReceiveCount < 5, "maxReceiveCount must be at least 5 (throttled receives count), got %d", c.MaxReceiveCount)
	p.add(c.StreamRetryAttempts < 0 || c.StreamRetryAttempts > 10000, "streamRetryAttempts must be in 0..10000")
	p.add(c.StreamMaxRecordAgeSec < 60 || c.StreamMaxRecordAgeSec > 604800, "streamMaxRecordAgeSec must be in 60..604800")
	p.add(c.HistoryDays < 1 || c.HistoryDays > 3650, "historyDays must be in 1..3650, got %d", c.HistoryDays)
	_, ok := retentionDays(c.LogRetentionDays)
	p.add(!ok, "logRetentionDays %d is not one of 1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 731, 1827, 3653", c.LogRetentionDays)
}

// Bounds of IngestChunkProducts (other than 0, no chunking).
const (
	// MinIngestChunkProducts: below it a big catalog becomes so many
	// chunks (over 1,000 for 1,000,000 products) that the per-chunk
	// costs dominate: a message, an invocation, a read of the chunk and
	// an update of the one catalog record every chunk's run contends on.
	MinIngestChunkProducts = 1000
	// MaxIngestChunkProducts: a chunk of 100,000 products is ~31 s of
	// writes at 5 ms a request with 16 in flight (100,000 x 5 ms / 16),
	// half the 60 s a run may take and a tenth of the ingest timeout;
	// above it a chunk's run nears them as the table's latency grows, and
	// a retried chunk redoes that much work.
	MaxIngestChunkProducts = 100000
	// TableInitialWCU is the write throughput a newly created on-demand
	// table sustains (AWS's documented initial throughput: 4,000 write
	// request units a second; more only after warm-up or with warm
	// throughput set).
	TableInitialWCU = 4000
	// WRUPerNewProduct is the most write units one new product costs
	// among the measured catalog profiles (3.10-3.50: the product item,
	// its "created" change and its first price point; bench/itemsize,
	// docs/deploy.md).
	WRUPerNewProduct = 3.5
	// MaxChunkRunSeconds is the longest a chunk's run may take at the
	// table's initial throughput (issue 15: no invocation near its
	// timeout, none over 60 s).
	MaxChunkRunSeconds = 60
)

// ChunkRunSeconds is how long a chunk's run takes at least when as many
// chunk runs as the ingest event source lets run at once
// (IngestMaxConcurrency) write new products into a table at its initial
// throughput: they share its write units, whatever the Lambdas' speed.
func (c StageConfig) ChunkRunSeconds() float64 {
	return float64(c.IngestChunkProducts) * WRUPerNewProduct * float64(c.IngestMaxConcurrency()) / TableInitialWCU
}

// checkChunks checks the chunk size of big catalogs and the indexer's
// parallelization factor.
func (c StageConfig) checkChunks(p *problems) {
	n := c.IngestChunkProducts
	p.add(n != 0 && (n < MinIngestChunkProducts || n > MaxIngestChunkProducts),
		"ingestChunkProducts must be 0 (no chunks) or in %d..%d, got %d", MinIngestChunkProducts, MaxIngestChunkProducts, n)
	if n > 0 {
		most := int(MaxChunkRunSeconds * TableInitialWCU / (WRUPerNewProduct * float64(c.IngestMaxConcurrency())))
		p.add(c.ChunkRunSeconds() > MaxChunkRunSeconds,
			"ingestChunkProducts %d with %d ingest runs at once (ingest.reservedConcurrency; 1000 when unreserved) is %.1f s of writes per chunk run at a new table's %d write units a second (%.1f a new product), over %d s: use at most %d products a chunk, or reserve fewer ingest runs",
			n, c.IngestMaxConcurrency(), c.ChunkRunSeconds(), TableInitialWCU, WRUPerNewProduct, MaxChunkRunSeconds, most)
	}
	f := c.StreamParallelizationFactor
	p.add(f < 1 || f > 10, "streamParallelizationFactor must be in 1..10 (AWS's limit), got %d", f)
	// One shard's batches run at once: a reservation smaller than the
	// factor throttles the indexer on a single shard.
	r := c.Indexer.ReservedConcurrency
	p.add(r > 0 && f > r, "streamParallelizationFactor %d exceeds indexer.reservedConcurrency %d: one shard's batches would be throttled", f, r)
}

// checkPartners checks that partner names are set, plain and unique.
func checkPartners(p *problems, partners []string) {
	seen := map[string]bool{}
	for _, name := range partners {
		p.add(name == "" || strings.ContainsAny(name, " /") || seen[name],
			"partners: %q is empty, has a space or slash, or is repeated", name)
		seen[name] = true
	}
}
