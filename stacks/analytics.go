package stacks

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogsdestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// SearchAnalytics is the AWS side of the search analytics: the api
// Lambda writes one search_event JSON log line per event, a subscription
// filter on its log group delivers those lines (and only those) to the
// analytics function, which counts them into the table. The search never
// waits for a write, and the api Lambda only reads the counts.
type SearchAnalytics struct {
	Function *GoFunction
	// Subscription selects the search_event lines of the api function's
	// log group for Function.
	Subscription awslogs.SubscriptionFilter
	// DLQ (the Data stack's) keeps the deliveries Lambda could not count
	// after its retries of the asynchronous invocation (docs/operations.md).
	DLQ awssqs.IQueue
}

// SearchEventPattern is the subscription's filter pattern: the JSON log
// lines whose msg is contract.SearchEventMessage.
func SearchEventPattern() awslogs.IFilterPattern {
	return awslogs.FilterPattern_StringValue(jsii.String("$.msg"), jsii.String("="), jsii.String(contract.SearchEventMessage))
}

// newSearchAnalytics defines the analytics function and subscribes it to
// the log group of api, in api's stack: the filter, the function and its
// invoke permission live together, so no value crosses stacks.
func newSearchAnalytics(s *APIStack, cfg StageConfig, in Inputs, data *DataRefs) *SearchAnalytics {
	stack := s.Stack
	a := &SearchAnalytics{}
	a.DLQ = data.AnalyticsDLQ()
	a.Function = NewGoFunction(stack, "Analytics", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("analytics"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "Counts the api function's search_event log lines into the table (search analytics)",
		Sizing:      cfg.Analytics,
		Environment: map[string]string{
			contract.EnvTable:          *data.Table().TableName(),
			contract.EnvHistoryTTLDays: strconv.Itoa(cfg.HistoryDays),
		},
		DeadLetterQueue: a.DLQ,
	})
	fn := a.Function.Function
	// The function only adds counts (UpdateItem ADD): no read, no put, no delete.
	data.Table().Grant(fn, jsii.String("dynamodb:UpdateItem"))
	a.Subscription = awslogs.NewSubscriptionFilter(stack, jsii.String("SearchEventsSubscription"), &awslogs.SubscriptionFilterProps{
		LogGroup:      s.Function.LogGroup,
		Destination:   awslogsdestinations.NewLambdaDestination(fn, nil),
		FilterPattern: SearchEventPattern(),
		FilterName:    jsii.String(cfg.Prefix() + "-search-events"),
	})
	publish(stack, cfg, "AnalyticsFunctionArnParameter", paramAnalyticsFnArn, fn.FunctionArn())
	return a
}
