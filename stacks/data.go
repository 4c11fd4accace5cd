package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsopensearchservice"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Logical IDs of the stateful resources. They must never change: a changed
// logical ID makes CloudFormation replace the resource, that is, create an
// empty bucket, table or domain. TestStableLogicalIDs pins them.
const (
	LogicalIDCatalogBucket    = "CatalogBucket"
	LogicalIDAccessLogsBucket = "AccessLogsBucket"
	LogicalIDTable            = "CatalogTable"
	LogicalIDSearchDomain     = "SearchDomain"
	LogicalIDIngestQueue      = "IngestQueue"
	LogicalIDIngestDLQ        = "IngestDeadLetterQueue"
	LogicalIDIndexerDLQ       = "IndexerFailureQueue"
	LogicalIDImagesQueue      = "ImagesQueue"
	LogicalIDImagesDLQ        = "ImagesDeadLetterQueue"
	LogicalIDAnalyticsDLQ     = "AnalyticsDeadLetterQueue"
)

// DataStack holds the stateful resources: the catalog bucket, the table, the
// search domain and the queues that hold work not yet done. It is deployed
// first and, in prod, with termination protection and RETAIN policies.
type DataStack struct {
	awscdk.Stack
	Bucket      awss3.Bucket
	AccessLogs  awss3.Bucket
	Table       awsdynamodb.Table
	Domain      awsopensearchservice.Domain
	IngestQueue awssqs.Queue
	IngestDLQ   awssqs.Queue
	IndexerDLQ  awssqs.Queue
	// ImagesQueue holds the image runs the ingest Lambda queues (FIFO:
	// grouped by partner, deduplicated by catalog); ImagesDLQ its
	// dead-letter queue.
	ImagesQueue awssqs.Queue
	ImagesDLQ   awssqs.Queue
	// AnalyticsDLQ keeps the api Lambda's search_event log deliveries the
	// analytics function could not count after Lambda's retries.
	AnalyticsDLQ awssqs.Queue
}

// NewDataStack defines the stateful stack of cfg's stage.
func NewDataStack(scope constructs.Construct, cfg StageConfig, props *awscdk.StackProps) *DataStack {
	props.TerminationProtection = jsii.Bool(cfg.TerminationProtection)
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: stateful data (bucket, table, search domain, queues)", cfg.Stage))
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("Data")), props)
	s := &DataStack{Stack: stack}

	removal := awscdk.RemovalPolicy_DESTROY
	if cfg.RetainData {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	autoDelete := !cfg.RetainData

	s.AccessLogs = awss3.NewBucket(stack, jsii.String(LogicalIDAccessLogsBucket), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		RemovalPolicy:     removal,
		AutoDeleteObjects: jsii.Bool(autoDelete),
		LifecycleRules:    logsLifecycle("expire-access-logs", cfg),
	})

	s.Bucket = awss3.NewBucket(stack, jsii.String(LogicalIDCatalogBucket), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS_MANAGED,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		MinimumTLSVersion:      jsii.Number(1.2),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: s.AccessLogs,
		ServerAccessLogsPrefix: jsii.String("catalog-bucket/"),
		RemovalPolicy:          removal,
		AutoDeleteObjects:      jsii.Bool(autoDelete),
		LifecycleRules: &[]*awss3.LifecycleRule{
			{
				Id:                                  jsii.String("expire-old-versions"),
				NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(float64(cfg.NoncurrentVersionDays))),
				AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
			},
			{
				Id:         jsii.String("expire-reports"),
				Prefix:     jsii.String(contract.ReportsPrefix),
				Expiration: awscdk.Duration_Days(jsii.Number(float64(cfg.ReportsExpireDays))),
			},
		},
	})

	s.Table = awsdynamodb.NewTable(stack, jsii.String(LogicalIDTable), &awsdynamodb.TableProps{
		PartitionKey:  &awsdynamodb.Attribute{Name: jsii.String(contract.TablePartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:       &awsdynamodb.Attribute{Name: jsii.String(contract.TableSortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Stream:        awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
		Encryption:    awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy: removal,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(cfg.PointInTimeRecovery),
		},
		DeletionProtection: jsii.Bool(cfg.TerminationProtection),
		// Delete tombstones (see internal/dynamostore) expire through TTL.
		TimeToLiveAttribute: jsii.String(contract.TableTTLAttribute),
	})

	s.IngestDLQ = newQueue(stack, LogicalIDIngestDLQ, removal, nil, nil)
	s.IngestQueue = newQueue(stack, LogicalIDIngestQueue, removal,
		// Six times the function timeout, so a message is not redelivered
		// while an invocation may still be working on it.
		awscdk.Duration_Seconds(jsii.Number(float64(6*cfg.Ingest.TimeoutSeconds))),
		&awssqs.DeadLetterQueue{Queue: s.IngestDLQ, MaxReceiveCount: jsii.Number(float64(cfg.MaxReceiveCount))})
	s.IndexerDLQ = newQueue(stack, LogicalIDIndexerDLQ, removal, nil, nil)
	s.ImagesDLQ = newFIFOQueue(stack, LogicalIDImagesDLQ, removal, nil, nil)
	s.ImagesQueue = newFIFOQueue(stack, LogicalIDImagesQueue, removal,
		awscdk.Duration_Seconds(jsii.Number(float64(6*cfg.Images.TimeoutSeconds))),
		&awssqs.DeadLetterQueue{Queue: s.ImagesDLQ, MaxReceiveCount: jsii.Number(float64(cfg.MaxReceiveCount))})
	s.AnalyticsDLQ = newQueue(stack, LogicalIDAnalyticsDLQ, removal, nil, nil)

	s.Bucket.AddEventNotification(awss3.EventType_OBJECT_CREATED,
		awss3notifications.NewSqsDestination(s.IngestQueue),
		&awss3.NotificationKeyFilter{Prefix: jsii.String(contract.IncomingPrefix)})

	s.Domain = newSearchDomain(stack, cfg, removal)

	if !cfg.PointInTimeRecovery {
		suppress(s.Table, false, finding{"AwsSolutions-DDB3",
			"PITR is off in " + cfg.Stage + " by choice (StageConfig.PointInTimeRecovery): its data is demo data, reloaded by ingesting the catalog files again."})
	}
	allowCloudFrontPictures(s.Bucket)
	for _, q := range []awssqs.Queue{s.IngestDLQ, s.IndexerDLQ, s.ImagesDLQ, s.AnalyticsDLQ} {
		suppress(q, false,
			finding{"AwsSolutions-SQS3", "This queue is itself a dead-letter (or on-failure) queue."},
			finding{"Serverless-SQSRedrivePolicy", "This queue is itself a dead-letter (or on-failure) queue."})
	}
	domainFindings := []finding{
		{"AwsSolutions-OS1", "The domain is reached over HTTPS with SigV4-signed requests only, by Lambdas outside a VPC; a VPC would add NAT gateways per AZ to every stage for no gain in access control, which is IAM-based."},
		{"AwsSolutions-OS3", "Access is granted to IAM principals of this account (the project's Lambda roles via grant*), not to IP ranges: Lambda has no fixed source IP."},
		{"AwsSolutions-IAM5", "The log-group resource policy written by the CDK for the domain's slow and error logs."},
	}
	if cfg.OpenSearch.MasterNodes == 0 {
		domainFindings = append(domainFindings, finding{"AwsSolutions-OS4",
			"No dedicated masters in " + cfg.Stage + " by choice (StageConfig.OpenSearch): small cluster; prod has three."})
	}
	if cfg.OpenSearch.AvailabilityZones < 2 {
		domainFindings = append(domainFindings, finding{"AwsSolutions-OS7",
			"Single node in " + cfg.Stage + " by choice (StageConfig.OpenSearch): cheap, rebuildable from the table; prod spans three AZs."})
	}
	suppress(s.Domain, true, domainFindings...)
	suppressCDKSingletons(stack, "BucketNotificationsHandler", cdkHandlerFindings()...)
	suppressCDKSingletons(stack, "AWS679f53fac002430cb0da5b7982bd2287", cdkHandlerFindings()...)

	for id, c := range map[string]constructs.IConstruct{
		LogicalIDAccessLogsBucket: s.AccessLogs, LogicalIDCatalogBucket: s.Bucket,
		LogicalIDTable: s.Table, LogicalIDSearchDomain: s.Domain,
		LogicalIDIngestQueue: s.IngestQueue, LogicalIDIngestDLQ: s.IngestDLQ, LogicalIDIndexerDLQ: s.IndexerDLQ,
		LogicalIDImagesQueue: s.ImagesQueue, LogicalIDImagesDLQ: s.ImagesDLQ, LogicalIDAnalyticsDLQ: s.AnalyticsDLQ,
	} {
		pinLogicalID(c, id)
	}
	// What the stage's other stacks read (DataRefsIn): parameters, not exports.
	publishData(s, cfg)
	return s
}

// pinLogicalID gives the CloudFormation resource of c the logical ID id,
// independent of where c sits in the construct tree.
func pinLogicalID(c constructs.IConstruct, id string) {
	res, ok := c.Node().DefaultChild().(awscdk.CfnResource)
	if !ok {
		panic(fmt.Sprintf("pinLogicalID %s: %s has no CloudFormation resource", id, *c.Node().Path()))
	}
	res.OverrideLogicalId(jsii.String(id))
}

func newQueue(scope constructs.Construct, id string, removal awscdk.RemovalPolicy, visibility awscdk.Duration, dlq *awssqs.DeadLetterQueue) awssqs.Queue {
	q := awssqs.NewQueue(scope, jsii.String(id), &awssqs.QueueProps{
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(14)),
		VisibilityTimeout: visibility,
		DeadLetterQueue:   dlq,
		RemovalPolicy:     removal,
	})
	return q
}

// newFIFOQueue is newQueue for a FIFO queue (CloudFormation names it,
// with the .fifo suffix FIFO queues need).
func newFIFOQueue(scope constructs.Construct, id string, removal awscdk.RemovalPolicy, visibility awscdk.Duration, dlq *awssqs.DeadLetterQueue) awssqs.Queue {
	return awssqs.NewQueue(scope, jsii.String(id), &awssqs.QueueProps{
		Fifo:              jsii.Bool(true),
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(14)),
		VisibilityTimeout: visibility,
		DeadLetterQueue:   dlq,
		RemovalPolicy:     removal,
	})
}

// allowCloudFrontPictures lets CloudFront read the derived pictures, and
// nothing else of the bucket: s3:GetObject on images/* only (never
// imagemeta/, incoming files, reports or partner settings), for requests
// that CloudFront signs through origin access control on behalf of a
// distribution of this account. The distribution is the Website stack's,
// deployed after this one, so the condition names the account's
// distributions rather than its ARN (a reference would tie the stacks the
// wrong way round). The pictures are written with SSE-S3, which CloudFront
// can read (the bucket's default key is the AWS-managed KMS key, whose
// policy cannot name CloudFront).
func allowCloudFrontPictures(bucket awss3.Bucket) {
	stack := awscdk.Stack_Of(bucket)
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudFrontReadsPictures"),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudfront.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  jsii.Strings(*bucket.ArnForObjects(jsii.String(contract.ImagesPrefix + "*"))),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"AWS:SourceAccount": stack.Account()},
			"ArnLike":      map[string]any{"AWS:SourceArn": "arn:" + *awscdk.Aws_PARTITION() + ":cloudfront::" + *stack.Account() + ":distribution/*"},
		},
	}))
}

func newSearchDomain(stack awscdk.Stack, cfg StageConfig, removal awscdk.RemovalPolicy) awsopensearchservice.Domain {
	oc := cfg.OpenSearch
	logGroup := func(id string) awslogs.LogGroup {
		return awslogs.NewLogGroup(stack, jsii.String(id), &awslogs.LogGroupProps{
			Retention:     cfg.LogRetention(),
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		})
	}
	capacity := &awsopensearchservice.CapacityConfig{
		DataNodes:                 jsii.Number(float64(oc.DataNodes)),
		DataNodeInstanceType:      jsii.String(oc.DataInstanceType),
		MultiAzWithStandbyEnabled: jsii.Bool(oc.MultiAZWithStandby),
	}
	if oc.MasterNodes > 0 {
		capacity.MasterNodes = jsii.Number(float64(oc.MasterNodes))
		capacity.MasterNodeInstanceType = jsii.String(oc.MasterInstanceType)
	}
	props := &awsopensearchservice.DomainProps{
		Version:  awsopensearchservice.EngineVersion_OpenSearch(jsii.String(oc.EngineVersion)),
		Capacity: capacity,
		Ebs: &awsopensearchservice.EbsOptions{
			VolumeSize: jsii.Number(float64(oc.VolumeGiB)),
			VolumeType: "GP3",
		},
		EncryptionAtRest:     &awsopensearchservice.EncryptionAtRestOptions{Enabled: jsii.Bool(true)},
		NodeToNodeEncryption: jsii.Bool(true),
		EnforceHttps:         jsii.Bool(true),
		TlsSecurityPolicy:    awsopensearchservice.TLSSecurityPolicy_TLS_1_2,
		Logging: &awsopensearchservice.LoggingOptions{
			SlowSearchLogEnabled: jsii.Bool(true),
			SlowSearchLogGroup:   logGroup("SearchSlowLogs"),
			SlowIndexLogEnabled:  jsii.Bool(true),
			SlowIndexLogGroup:    logGroup("SearchIndexSlowLogs"),
			AppLogEnabled:        jsii.Bool(true),
			AppLogGroup:          logGroup("SearchErrorLogs"),
		},
		// Only signed requests of this account's principals that hold an
		// identity policy for the domain (the project's Lambda roles, through
		// grant*) get in; there is no anonymous or IP-based access.
		AccessPolicies: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Effect:     awsiam.Effect_ALLOW,
				Principals: &[]awsiam.IPrincipal{awsiam.NewAccountRootPrincipal()},
				Actions:    jsii.Strings("es:ESHttp*"),
				Resources:  jsii.Strings(fmt.Sprintf("arn:%s:es:%s:%s:domain/%s/*", *awscdk.Aws_PARTITION(), *stack.Region(), *stack.Account(), cfg.Prefix())),
			}),
		},
		DomainName:    jsii.String(cfg.Prefix()),
		RemovalPolicy: removal,
	}
	if oc.AvailabilityZones > 1 {
		props.ZoneAwareness = &awsopensearchservice.ZoneAwarenessConfig{
			Enabled:               jsii.Bool(true),
			AvailabilityZoneCount: jsii.Number(float64(oc.AvailabilityZones)),
		}
	}
	d := awsopensearchservice.NewDomain(stack, jsii.String(LogicalIDSearchDomain), props)
	return d
}
