package stacks

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestSearchAnalyticsSubscription: the API stack subscribes the analytics
// function to the api function's own log group, with a pattern selecting
// the search_event lines the api's LogRecorder writes; CloudWatch Logs may
// invoke the function (from that log group only); the function may only
// add counts to the table, reserves its concurrency, keeps failed
// deliveries in the Data stack's DLQ, and none of it is an export.
func TestSearchAnalyticsSubscription(t *testing.T) {
	if contract.SearchEventMessage != api.AnalyticsMessage {
		t.Fatalf("the subscription selects %q, the api writes %q", contract.SearchEventMessage, api.AnalyticsMessage)
	}
	forEachStage(t, func(t *testing.T, s *synthesized) {
		subs := s.resources("API", "AWS::Logs::SubscriptionFilter")
		if len(subs) != 1 {
			t.Fatalf("%d subscription filters in the API stack, want 1", len(subs))
		}
		sub := subs[0].Props
		if sub["FilterPattern"] != `{ $.msg = "search_event" }` {
			t.Errorf("filter pattern %q, want the search_event lines", sub["FilterPattern"])
		}
		handler := s.one(t, "API", "AWS::Lambda::Function", "HandlerFunction")
		logGroup := jsonString(get(handler.Props, "LoggingConfig", "LogGroup"))
		if jsonString(sub["LogGroupName"]) != logGroup || !strings.Contains(logGroup, "HandlerLogs") {
			t.Errorf("subscription on %s, want the api function's log group %s", jsonString(sub["LogGroupName"]), logGroup)
		}
		fn := s.one(t, "API", "AWS::Lambda::Function", "AnalyticsFunction")
		if jsonString(sub["DestinationArn"]) != `{"Fn::GetAtt":["`+fn.ID+`","Arn"]}` {
			t.Errorf("subscription destination %s, want the analytics function %s", jsonString(sub["DestinationArn"]), fn.ID)
		}
		perms := 0
		for _, p := range s.resources("API", "AWS::Lambda::Permission") {
			if p.Props["Principal"] != "logs.amazonaws.com" {
				continue
			}
			perms++
			if jsonString(p.Props["FunctionName"]) != `{"Fn::GetAtt":["`+fn.ID+`","Arn"]}` || p.Props["Action"] != "lambda:InvokeFunction" ||
				!strings.Contains(jsonString(p.Props["SourceArn"]), strings.TrimSuffix(strings.TrimPrefix(logGroup, `{"Ref":"`), `"}`)) {
				t.Errorf("logs permission %s", jsonString(p.Props))
			}
		}
		if perms != 1 {
			t.Errorf("%d permissions for logs.amazonaws.com, want 1 (to invoke the analytics function)", perms)
		}
		if fn.Props["ReservedConcurrentExecutions"] != float64(s.cfg.Analytics.ReservedConcurrency) ||
			fn.Props["Timeout"] != float64(s.cfg.Analytics.TimeoutSeconds) || fn.Props["MemorySize"] != float64(s.cfg.Analytics.MemoryMiB) {
			t.Errorf("analytics sizing %v/%v/%v, want %+v", fn.Props["ReservedConcurrentExecutions"], fn.Props["Timeout"], fn.Props["MemorySize"], s.cfg.Analytics)
		}
		dlqRef := `{"Ref":"` + ssmParameterRef(t, s, "API", s.cfg.ParameterName(paramAnalyticsDLQ)) + `"}`
		if got := jsonString(get(fn.Props, "DeadLetterConfig", "TargetArn")); got != dlqRef {
			t.Errorf("analytics DLQ %s, want the Data stack's %s", got, dlqRef)
		}
		// Its role adds counts and nothing else on the table.
		for _, p := range s.resources("API", "AWS::IAM::Policy") {
			if !strings.HasPrefix(p.ID, "AnalyticsFunction") {
				continue
			}
			for _, st := range get(p.Props, "PolicyDocument", "Statement").([]any) {
				if a := jsonString(get(st, "Action")); strings.Contains(a, "dynamodb:") && a != `"dynamodb:UpdateItem"` {
					t.Errorf("analytics role: %s", a)
				}
			}
		}
		// Nothing of it crosses stacks by export (TestCrossStackValuesUseParameters checks every stack).
		if outs, _ := s.templates["API"]["Outputs"].(map[string]any); outs != nil {
			for id, o := range outs {
				if get(o, "Export") != nil {
					t.Errorf("API stack exports %s", id)
				}
			}
		}
	})
}
