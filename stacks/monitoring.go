package stacks

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Runbook anchors: each alarm's description points at one section of
// docs/operations.md; TestRunbookCoversAlarms checks the headings exist.
const (
	RunbookLambdaErrors       = "lambda-errors"
	RunbookLambdaThrottles    = "lambda-throttles"
	RunbookLambdaDuration     = "lambda-duration"
	RunbookDLQDepth           = "dead-letter-queue-not-empty"
	RunbookIteratorAge        = "stream-iterator-age"
	RunbookAPI5xx             = "api-5xx-errors"
	RunbookAPILatency         = "api-p99-latency"
	RunbookSearchRed          = "opensearch-cluster-red"
	RunbookSearchYellow       = "opensearch-cluster-yellow"
	RunbookSearchStorage      = "opensearch-free-storage"
	RunbookSearchJVM          = "opensearch-jvm-memory-pressure"
	RunbookSearchCPU          = "opensearch-cpu"
	RunbookSearchWriteBlocked = "opensearch-writes-blocked"
	RunbookSearchSnapshot     = "opensearch-snapshot-failure"
	RunbookSearchMasterCPU    = "opensearch-master-cpu"
	RunbookSearchMasterJVM    = "opensearch-master-jvm-memory-pressure"
	RunbookTableThrottles     = "dynamodb-throttles"
	RunbookTableSystemErrors  = "dynamodb-system-errors"
	RunbookUploadToSearchable = "upload-to-searchable-time"
	RunbookImagesFailedShare  = "images-failed-share"
	RunbookSearchLinesSkipped = "search-event-lines-skipped"
)

// RunbookDoc is where the runbook entries live, relative to the repository root.
const RunbookDoc = "docs/operations.md"

// MonitoringStack holds the alarms, their SNS topic and the dashboard.
type MonitoringStack struct {
	awscdk.Stack
	Topic       awssns.Topic
	DeliveryDLQ awssqs.Queue // notifications the e-mail subscription could not deliver
	Dashboard   awscloudwatch.Dashboard
	Alarms      []awscloudwatch.Alarm
}

// NewMonitoringStack defines the alarms and dashboard of cfg's stage. It
// watches the other stacks' resources through the SSM parameters they
// write (DataRefsIn, functionIn); api is used only for the REST API's
// metrics, whose dimension is its configured name (no reference).
func NewMonitoringStack(scope constructs.Construct, cfg StageConfig, api *APIStack, props *awscdk.StackProps) *MonitoringStack {
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: alarms, dashboard, alarm topic", cfg.Stage))
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("Monitoring")), props)
	s := &MonitoringStack{Stack: stack}
	data := DataRefsIn(stack, cfg)
	indexer := functionIn(stack, cfg, "IndexerFunction", paramIndexerFnArn)

	// The topic is encrypted with a key of its own: CloudWatch alarms cannot
	// publish to a topic under the AWS-managed SNS key.
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String(cfg.Prefix() + " alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
	key.GrantEncryptDecrypt(awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil))
	s.Topic = awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Catalog Search " + cfg.Stage + " alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	// enforceSSL gives the topic a policy of its own (the TLS deny), which
	// replaces SNS's default policy: CloudWatch may publish only if the
	// policy says so. The source-account condition keeps other accounts'
	// alarms out.
	s.Topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  jsii.Strings(*s.Topic.TopicArn()),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
	}))
	// A notification SNS could not deliver (a bounced address, a throttled
	// endpoint) waits in this queue instead of being dropped.
	s.DeliveryDLQ = awssqs.NewQueue(stack, jsii.String("AlarmDeliveryDLQ"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	suppress(s.DeliveryDLQ, false,
		finding{"AwsSolutions-SQS3", "This queue is itself the dead-letter queue of the alarm e-mail subscription."},
		finding{"Serverless-SQSRedrivePolicy", "This queue is itself the dead-letter queue of the alarm e-mail subscription."})
	if cfg.AlarmEmail != "" {
		s.Topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), &awssnssubscriptions.EmailSubscriptionProps{
			DeadLetterQueue: s.DeliveryDLQ,
		}))
	}
	action := awscloudwatchactions.NewSnsAction(s.Topic)

	five := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := func(id, runbook, what string, metric awscloudwatch.IMetric, op awscloudwatch.ComparisonOperator, threshold float64, periods int) awscloudwatch.Alarm {
		a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmName:          jsii.String(cfg.Prefix() + "-" + id),
			AlarmDescription:   jsii.String(fmt.Sprintf("%s. Runbook: %s#%s", what, RunbookDoc, runbook)),
			Metric:             metric,
			ComparisonOperator: op,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(float64(periods)),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
		s.Alarms = append(s.Alarms, a)
		return a
	}
	gt := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD
	ge := awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD
	le := awscloudwatch.ComparisonOperator_LESS_THAN_OR_EQUAL_TO_THRESHOLD
	sum := &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: five}
	maxOf := func(period awscdk.Duration) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: period}
	}

	dash := awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(cfg.Prefix()),
	})
	s.Dashboard = dash
	graph := func(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8),
		})
	}

	// Lambdas: errors, throttles, p99 duration against the timeout.
	type fnWatch struct {
		name    string
		fn      awslambda.IFunction
		timeout int
	}
	fns := []fnWatch{
		{"ingest", functionIn(stack, cfg, "IngestFunction", paramIngestFnArn), cfg.Ingest.TimeoutSeconds},
		{"indexer", indexer, cfg.Indexer.TimeoutSeconds},
		{"reindex", functionIn(stack, cfg, "ReindexFunction", paramReindexFnArn), cfg.Reindex.TimeoutSeconds},
		{"api", functionIn(stack, cfg, "APIFunction", paramAPIFnArn), cfg.API.TimeoutSeconds},
		{"web", functionIn(stack, cfg, "WebFunction", paramWebsiteFnArn), cfg.Web.TimeoutSeconds},
		{"images", functionIn(stack, cfg, "ImagesFunction", paramImagesFnArn), cfg.Images.TimeoutSeconds},
		{"analytics", functionIn(stack, cfg, "AnalyticsFunction", paramAnalyticsFnArn), cfg.Analytics.TimeoutSeconds},
	}
	var widgets []awscloudwatch.IWidget
	for _, f := range fns {
		errs := f.fn.MetricErrors(sum)
		thr := f.fn.MetricThrottles(sum)
		p99 := f.fn.MetricDuration(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: five})
		alarm(f.name+"-errors", RunbookLambdaErrors, "The "+f.name+" Lambda returned errors", errs, gt, 0, 1)
		alarm(f.name+"-throttles", RunbookLambdaThrottles, "The "+f.name+" Lambda was throttled", thr, gt, 0, 1)
		alarm(f.name+"-duration-p99", RunbookLambdaDuration, fmt.Sprintf("The %s Lambda's p99 duration is above 80%% of its %ds timeout", f.name, f.timeout),
			p99, gt, float64(f.timeout)*1000*0.8, 3)
		widgets = append(widgets, graph("Lambda "+f.name, errs, thr), graph("Lambda "+f.name+" p99 ms", p99))
	}

	// Queues that hold failed work: any message there needs a person.
	for _, q := range []struct {
		name  string
		queue awssqs.IQueue
	}{{"ingest-dlq", data.IngestDLQ()}, {"indexer-failures", data.IndexerDLQ()}, {"images-dlq", data.ImagesDLQ()},
		{"analytics-dlq", data.AnalyticsDLQ()}, {"alarm-delivery-dlq", s.DeliveryDLQ}} {
		depth := q.queue.MetricApproximateNumberOfMessagesVisible(maxOf(five))
		alarm(q.name+"-depth", RunbookDLQDepth, "Messages are waiting in the "+q.name+" queue", depth, gt, 0, 1)
		widgets = append(widgets, graph("Queue "+q.name, depth))
	}
	backlog := data.IngestQueue().MetricApproximateAgeOfOldestMessage(maxOf(five))
	imagesBacklog := data.ImagesQueue().MetricApproximateAgeOfOldestMessage(maxOf(five))
	widgets = append(widgets, graph("Ingest queue oldest message (s)", backlog), graph("Images queue oldest message (s)", imagesBacklog))

	iterAge := indexer.Metric(jsii.String("IteratorAge"), maxOf(five))
	alarm("indexer-iterator-age", RunbookIteratorAge, "The indexer lags more than 5 minutes behind the table's stream", iterAge, gt, 300000, 3)
	widgets = append(widgets, graph("Stream iterator age (ms)", iterAge))

	// API.
	api5xx := api.API.MetricServerError(sum)
	apiP99 := api.API.MetricLatency(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: five})
	alarm("api-5xx", RunbookAPI5xx, "The API answered 5xx", api5xx, ge, 5, 1)
	alarm("api-latency-p99", RunbookAPILatency, fmt.Sprintf("The API's p99 latency is above %.0f ms", cfg.APILatencyP99Ms), apiP99, gt, cfg.APILatencyP99Ms, 3)
	widgets = append(widgets, graph("API 5xx / 4xx", api5xx, api.API.MetricClientError(sum)), graph("API p99 latency (ms)", apiP99))

	// OpenSearch: the recommended alarms. The domain's metrics are named by
	// its configured name (DomainName cfg.Prefix(), data.go), so they need
	// nothing from the Data stack.
	domainMetric := func(name string, opts *awscloudwatch.MetricOptions) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String("AWS/ES"),
			MetricName:    jsii.String(name),
			DimensionsMap: &map[string]*string{"DomainName": jsii.String(cfg.Prefix()), "ClientId": stack.Account()},
			Statistic:     opts.Statistic,
			Period:        opts.Period,
		})
	}
	oneMin := awscdk.Duration_Minutes(jsii.Number(1))
	red := domainMetric("ClusterStatus.red", maxOf(oneMin))
	yellow := domainMetric("ClusterStatus.yellow", maxOf(oneMin))
	free := domainMetric("FreeStorageSpace", &awscloudwatch.MetricOptions{Statistic: jsii.String("Minimum"), Period: oneMin})
	jvm := domainMetric("JVMMemoryPressure", maxOf(five))
	cpu := domainMetric("CPUUtilization", &awscloudwatch.MetricOptions{Statistic: jsii.String("Average"), Period: awscdk.Duration_Minutes(jsii.Number(15))})
	blocked := domainMetric("ClusterIndexWritesBlocked", maxOf(five))
	snap := domainMetric("AutomatedSnapshotFailure", maxOf(oneMin))
	alarm("search-cluster-red", RunbookSearchRed, "At least one primary shard is unassigned", red, ge, 1, 1)
	alarm("search-cluster-yellow", RunbookSearchYellow, "At least one replica shard is unassigned", yellow, ge, 1, 1)
	// 25% of one node's volume, in MiB (the metric's unit).
	alarm("search-free-storage", RunbookSearchStorage, "A data node has less than 25% of its storage free", free, le, float64(cfg.OpenSearch.VolumeGiB)*1024*0.25, 1)
	alarm("search-jvm-memory-pressure", RunbookSearchJVM, "JVM memory pressure is at or above 95%", jvm, ge, 95, 3)
	alarm("search-cpu", RunbookSearchCPU, "Data node CPU is at or above 80% for 45 minutes", cpu, ge, 80, 3)
	alarm("search-writes-blocked", RunbookSearchWriteBlocked, "The cluster blocks writes", blocked, ge, 1, 1)
	alarm("search-snapshot-failure", RunbookSearchSnapshot, "An automated snapshot failed", snap, ge, 1, 1)
	searchWidgets := []awscloudwatch.IWidget{graph("OpenSearch status", red, yellow, blocked), graph("OpenSearch free storage (MiB)", free), graph("OpenSearch JVM / CPU", jvm, cpu)}
	if cfg.OpenSearch.MasterNodes > 0 {
		mcpu := domainMetric("MasterCPUUtilization", &awscloudwatch.MetricOptions{Statistic: jsii.String("Average"), Period: awscdk.Duration_Minutes(jsii.Number(15))})
		mjvm := domainMetric("MasterJVMMemoryPressure", maxOf(oneMin))
		alarm("search-master-cpu", RunbookSearchMasterCPU, "Dedicated master CPU is at or above 50% for 45 minutes", mcpu, ge, 50, 3)
		alarm("search-master-jvm-memory-pressure", RunbookSearchMasterJVM, "Dedicated master JVM memory pressure is at or above 95%", mjvm, ge, 95, 1)
		searchWidgets = append(searchWidgets, graph("OpenSearch masters", mcpu, mjvm))
	}

	// DynamoDB. Throttle and error metrics are published only in the
	// minutes they happen: a sum of several is empty in any minute where
	// one term is, so every term is FILLed with 0 (an alarm on "r + w"
	// would miss a minute of read throttles without write throttles).
	tableThrottles := filledSum(five, "Read and write throttle events", map[string]awscloudwatch.IMetric{
		"r": data.Table().Metric(jsii.String("ReadThrottleEvents"), sum),
		"w": data.Table().Metric(jsii.String("WriteThrottleEvents"), sum),
	})
	// The operations the Lambdas use (an alarm takes at most 10 metrics).
	sysErrTerms := map[string]awscloudwatch.IMetric{}
	for _, op := range []string{
		"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
		"BatchGetItem", "BatchWriteItem", "TransactWriteItems",
	} {
		sysErrTerms[strings.ToLower(op)] = data.Table().Metric(jsii.String("SystemErrors"), &awscloudwatch.MetricOptions{
			Statistic: jsii.String("Sum"), Period: five,
			DimensionsMap: &map[string]*string{"TableName": data.Table().TableName(), "Operation": jsii.String(op)},
		})
	}
	sysErrs := filledSum(five, "System errors of the table's operations", sysErrTerms)
	alarm("table-throttles", RunbookTableThrottles, "DynamoDB throttled reads or writes", tableThrottles, gt, 0, 1)
	alarm("table-system-errors", RunbookTableSystemErrors, "DynamoDB returned system errors", sysErrs, gt, 0, 1)

	// The pipeline's own measure: time from upload to searchable.
	upload := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(contract.MetricNamespace),
		MetricName:    jsii.String(contract.MetricUploadToSearchable),
		DimensionsMap: &map[string]*string{contract.MetricDimensionStage: jsii.String(cfg.Stage)},
		Statistic:     jsii.String("p90"),
		Period:        awscdk.Duration_Minutes(jsii.Number(15)),
	})
	pipelineMetric := func(name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String(contract.MetricNamespace),
			MetricName:    jsii.String(name),
			DimensionsMap: &map[string]*string{contract.MetricDimensionStage: jsii.String(cfg.Stage)},
			Statistic:     jsii.String(stat),
			Period:        five,
		})
	}
	// Shown, not alarmed: index lag is covered by the iterator age alarm,
	// poison records end in the indexer failure queue, which is.
	indexLag := pipelineMetric(contract.MetricIndexLag, "Maximum")
	poison := pipelineMetric(contract.MetricPoisonRecords, "Sum")
	// The share of image URLs that failed, over 15 minutes of runs. Both
	// metrics are emitted together, once per run that settled a URL, so a
	// quiet quarter has neither: every term is FILLed (a quarter without
	// runs is 0, not missing), the division never sees 0, and fewer than
	// imageFailedMinURLs URLs count as no incident.
	quarter := awscdk.Duration_Minutes(jsii.Number(15))
	imageTerm := func(name string) awscloudwatch.IMetric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String(contract.MetricNamespace),
			MetricName:    jsii.String(name),
			DimensionsMap: &map[string]*string{contract.MetricDimensionStage: jsii.String(cfg.Stage)},
			Statistic:     jsii.String("Sum"),
			Period:        quarter,
		})
	}
	failedShare := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String(fmt.Sprintf("IF(FILL(urls, 0) >= %d, 100 * FILL(failed, 0) / FILL(urls, 1), 0)", cfg.ImageFailedMinURLs)),
		Label:      jsii.String("Image URLs failed (%)"),
		Period:     quarter,
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"urls":   imageTerm(contract.MetricImageURLs),
			"failed": imageTerm(contract.MetricImageFailures),
		},
	})
	alarm("images-failed-share", RunbookImagesFailedShare,
		fmt.Sprintf("More than %.0f%% of the image URLs settled in 15 minutes failed (at least %d URLs)", cfg.ImageFailedSharePct, cfg.ImageFailedMinURLs),
		failedShare, gt, cfg.ImageFailedSharePct, 1)
	// Search analytics: the subscription lets only search_event lines
	// through, so a line the analytics function cannot read means the api
	// and analytics functions disagree on the format, and the searches of
	// the insights are undercounted.
	searchEvents := pipelineMetric(contract.MetricSearchEvents, "Sum")
	linesSkipped := pipelineMetric(contract.MetricSearchLinesSkipped, "Sum")
	alarm("search-event-lines-skipped", RunbookSearchLinesSkipped,
		"The analytics Lambda could not read search_event lines of the api Lambda (the insights undercount searches)", linesSkipped, gt, 0, 1)
	alarm("upload-to-searchable-p90", RunbookUploadToSearchable,
		fmt.Sprintf("p90 time from upload to searchable is above %.0f s", cfg.UploadToSearchableMsP90/1000), upload, gt, cfg.UploadToSearchableMsP90, 2)

	dash.AddWidgets(awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
		Markdown: jsii.String("# Catalog Search " + cfg.Stage + "\nAlarms link to the runbook in " + RunbookDoc + "."),
		Width:    jsii.Number(24), Height: jsii.Number(2),
	}))
	dash.AddWidgets(graph("Upload to searchable p90 (ms)", upload), graph("Index lag max (ms)", indexLag), graph("Poison stream records", poison))
	dash.AddWidgets(graph("DynamoDB throttles", tableThrottles), graph("DynamoDB system errors", sysErrs), graph("Image URLs failed (%)", failedShare))
	dash.AddWidgets(graph("Search events counted / lines skipped", searchEvents, linesSkipped))
	all := append(widgets, searchWidgets...)
	for i := 0; i < len(all); i += 3 {
		end := min(i+3, len(all))
		dash.AddWidgets(all[i:end]...)
	}
	var alarmRefs []interfacesawscloudwatch.IAlarmRef
	for _, a := range s.Alarms {
		alarmRefs = append(alarmRefs, a)
	}
	dash.AddWidgets(awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
		Title: jsii.String("Alarms"), Alarms: &alarmRefs, Width: jsii.Number(24),
	}))
	_, reserved := cfg.ReservedConcurrency()
	awscdk.NewCfnOutput(stack, jsii.String("ReservedConcurrency"), &awscdk.CfnOutputProps{
		Value:       jsii.String(strconv.Itoa(reserved)),
		Description: jsii.String(reservedConcurrencyNote(cfg)),
	})
	return s
}

// filledSum is the sum of metrics with every term FILLed with 0, so a
// minute in which only some terms have data still has a value. Terms are
// added in the order of their ids.
func filledSum(period awscdk.Duration, label string, terms map[string]awscloudwatch.IMetric) awscloudwatch.MathExpression {
	ids := make([]string, 0, len(terms))
	for id := range terms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "FILL(" + id + ", 0)"
	}
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String(strings.Join(parts, " + ")),
		Label:        jsii.String(label),
		Period:       period,
		UsingMetrics: &terms,
	})
}

// reservedConcurrencyNote lists the stage's reservations for the output's
// description: "Reserved Lambda concurrency of stage dev: ingest 5, ...".
func reservedConcurrencyNote(cfg StageConfig) string {
	per, total := cfg.ReservedConcurrency()
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, per[n])
	}
	return fmt.Sprintf("Reserved Lambda concurrency of stage %s: %s (total %d); stages sharing an account add up, and the account keeps 100 unreserved (docs/deploy.md)",
		cfg.Stage, strings.Join(parts, ", "), total)
}
