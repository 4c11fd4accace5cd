package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Tests of issue 13: faults a first `cdk deploy` to a real account would
// meet although the stacks synthesize, lint and pass cdk-nag.

// Point 1: the site's function runs a Bref 3 layer that matches its runtime,
// architecture and PHP version, with Bref 3's runtime variable.
func TestCheckBrefLayer(t *testing.T) {
	tests := []struct {
		name, arn, region, wantErr string
	}{
		{"the default", "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84:21", "eu-west-3", ""},
		{"Bref 2 fpm layer", "arn:aws:lambda:eu-west-3:534081306603:layer:arm-php-84-fpm:40", "eu-west-3", "Bref 2 layer"},
		{"Bref 2 account", "arn:aws:lambda:eu-west-3:534081306603:layer:arm-php-84:40", "eu-west-3", "Bref 2 layer"},
		{"Bref 2 name in Bref 3 account", "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84-fpm:21", "eu-west-3", "Bref 2 layer"},
		{"x86 layer on arm64", "arn:aws:lambda:eu-west-3:873528684822:layer:php-84:21", "eu-west-3", "arm64 architecture"},
		{"another PHP", "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-83:21", "eu-west-3", "not PHP 8.4"},
		{"another region", "arn:aws:lambda:eu-west-1:873528684822:layer:arm-php-84:21", "eu-west-3", "not in region eu-west-3"},
		{"unpinned", "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84", "eu-west-3", "not a pinned layer version"},
		{"not Bref", "arn:aws:lambda:eu-west-3:111122223333:layer:arm-php-84:3", "eu-west-3", "not published by Bref"},
		{"extension layer", "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84-redis:3", "eu-west-3", "not a Bref 3 PHP layer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBrefLayer(tt.arn, tt.region)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	// The check runs on every stage's configuration.
	if _, err := LoadConfig(StageDev, json.RawMessage(`{"brefLayerArn":"arn:aws:lambda:eu-west-3:534081306603:layer:arm-php-84-fpm:40"}`), testAccount, ""); err == nil || !strings.Contains(err.Error(), "Bref 2 layer") {
		t.Errorf("a Bref 2 layer in cdk.json: %v", err)
	}
}

func TestSiteRunsOnBref3(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		fn := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		layers, _ := fn.Props["Layers"].([]any)
		if len(layers) != 1 {
			t.Fatalf("layers %v", layers)
		}
		arn, _ := layers[0].(string)
		if err := CheckBrefLayer(arn, s.cfg.Region); err != nil {
			t.Error(err)
		}
		if !strings.Contains(arn, ":"+BrefAccount+":layer:arm-php-84:") {
			t.Errorf("layer %s is not Bref 3's arm-php-84", arn)
		}
		if fn.Props["Runtime"] != "provided.al2023" || jsonString(fn.Props["Architectures"]) != `["arm64"]` {
			t.Errorf("runtime %v architectures %v", fn.Props["Runtime"], fn.Props["Architectures"])
		}
		if got := get(fn.Props, "Environment", "Variables", "BREF_RUNTIME"); got != "fpm" {
			t.Errorf("BREF_RUNTIME %v, want fpm (Bref 3's bootstrap refuses to start without it)", got)
		}
		// Bref's FPM runtime opens LAMBDA_TASK_ROOT/_HANDLER.
		if h, _ := fn.Props["Handler"].(string); h != WebHandler {
			t.Errorf("handler %q", h)
		} else if _, err := os.Stat("../web/" + h); err != nil {
			t.Errorf("handler: %v", err)
		}
	})
}

// Point 2: CloudWatch may publish to the alarm topic, and staging and prod
// have an e-mail subscription whose undeliverable notifications are kept.
func TestAlarmsReachPeople(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		policies := s.resources("Monitoring", "AWS::SNS::TopicPolicy")
		if len(policies) != 1 {
			t.Fatalf("%d topic policies", len(policies))
		}
		allowed := false
		for _, st := range get(policies[0].Props, "PolicyDocument", "Statement").([]any) {
			if get(st, "Effect") == "Allow" && get(st, "Principal", "Service") == "cloudwatch.amazonaws.com" &&
				strings.Contains(jsonString(get(st, "Action")), "sns:Publish") &&
				get(st, "Condition", "StringEquals", "aws:SourceAccount") != nil {
				allowed = true
			}
		}
		if !allowed {
			t.Errorf("the topic policy does not let CloudWatch publish (with a source-account condition): %s", jsonString(policies[0].Props))
		}
		subs := s.resources("Monitoring", "AWS::SNS::Subscription")
		if s.cfg.Stage == StageDev && len(subs) == 0 {
			return // dev may go without an e-mail
		}
		if len(subs) != 1 {
			t.Fatalf("%s: want one alarm subscription, found %d", s.cfg.Stage, len(subs))
		}
		if subs[0].Props["Protocol"] != "email" || subs[0].Props["Endpoint"] != s.cfg.AlarmEmail {
			t.Errorf("subscription %s", jsonString(subs[0].Props))
		}
		if get(subs[0].Props, "RedrivePolicy", "deadLetterTargetArn") == nil {
			t.Errorf("the subscription has no dead-letter queue: %s", jsonString(subs[0].Props))
		}
	})
	for _, stage := range []string{StageStaging, StageProd} {
		if _, err := LoadConfig(stage, nil, testAccount, ""); err == nil || !strings.Contains(err.Error(), "alarmEmail is required") {
			t.Errorf("%s without alarmEmail: %v", stage, err)
		}
	}
}

// Point 5: the ingest event source never polls more than the function may
// run, and the queue leaves room for throttled receives.
func TestIngestThrottlingCannotDeadLetter(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		fn := s.one(t, "Pipeline", "AWS::Lambda::Function", "Ingest")
		reserved, _ := fn.Props["ReservedConcurrentExecutions"].(float64)
		var maps []resource
		for _, m := range s.resources("Pipeline", "AWS::Lambda::EventSourceMapping") {
			if strings.Contains(jsonString(m.Props["FunctionName"]), fn.ID) {
				maps = append(maps, m)
			}
		}
		if len(maps) != 1 {
			t.Fatalf("%d event sources on the ingest function", len(maps))
		}
		maxC, _ := get(maps[0].Props, "ScalingConfig", "MaximumConcurrency").(float64)
		if maxC == 0 || (reserved > 0 && maxC > reserved) {
			t.Errorf("event source maximum concurrency %v, reserved concurrency %v: want 2..reserved", maxC, reserved)
		}
		q := s.one(t, "Data", "AWS::SQS::Queue", LogicalIDIngestQueue)
		if n, _ := get(q.Props, "RedrivePolicy", "maxReceiveCount").(float64); n < 5 {
			t.Errorf("ingest queue maxReceiveCount %v, want at least 5", n)
		}
	})
	if _, err := LoadConfig(StageDev, json.RawMessage(`{"maxReceiveCount":3}`), testAccount, ""); err == nil {
		t.Error("maxReceiveCount 3 accepted")
	}
}

// Point 6: every alarm on a sum of metrics that are published only when
// they happen fills missing points with 0. evalSum computes the expression
// as CloudWatch does for one period in which only one term has a value: a
// bare term without data makes the whole sum missing, so the alarm would
// never see the breach.
func TestMathAlarmsFillMissingTerms(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		found := 0
		for _, a := range s.resources("Monitoring", "AWS::CloudWatch::Alarm") {
			metrics, _ := a.Props["Metrics"].([]any)
			if len(metrics) == 0 {
				continue
			}
			var expr string
			var terms []string
			for _, m := range metrics {
				if e, ok := get(m, "Expression").(string); ok {
					expr = e
				} else {
					terms = append(terms, get(m, "Id").(string))
				}
			}
			found++
			if !isSum(expr) {
				// Any other expression (a ratio): every term is FILLed,
				// so no term without data can empty the period.
				if bare := unfilledTerms(expr, terms); len(bare) > 0 {
					t.Errorf("alarm %s: %q uses %v without FILL", a.ID, expr, bare)
				}
				continue
			}
			for _, only := range terms {
				v, ok, err := evalSum(expr, map[string]float64{only: 1})
				if err != nil {
					t.Fatalf("alarm %s: %v", a.ID, err)
				}
				if !ok || v != 1 {
					t.Errorf("alarm %s: %q has no value in a period where only %s has data", a.ID, expr, only)
				}
			}
		}
		if found < 3 {
			t.Errorf("want the DynamoDB throttle and system-error alarms and the images failed share as metric math, found %d", found)
		}
	})
	// The evaluator itself: a bare term drops the period.
	if _, ok, _ := evalSum("r + w", map[string]float64{"r": 1}); ok {
		t.Error("evalSum: r + w has a value without w")
	}
	if v, ok, _ := evalSum("FILL(r, 0) + FILL(w, 0)", map[string]float64{"r": 2}); !ok || v != 2 {
		t.Errorf("evalSum: FILL sum = %v, %v", v, ok)
	}
	// And the check of other expressions: a ratio over a bare term is
	// caught.
	if bare := unfilledTerms("IF(FILL(u, 0) >= 20, 100 * FILL(f, 0) / u, 0)", []string{"u", "f"}); len(bare) != 1 || bare[0] != "u" {
		t.Errorf("unfilledTerms: %v, want [u]", bare)
	}
	if bare := unfilledTerms("IF(FILL(u, 0) >= 20, 100 * FILL(f, 0) / FILL(u, 1), 0)", []string{"u", "f"}); len(bare) != 0 {
		t.Errorf("unfilledTerms: %v, want none", bare)
	}
}

// isSum reports whether expr is a sum of terms (ids and FILLs) only.
func isSum(expr string) bool {
	for term := range strings.SplitSeq(expr, "+") {
		term = strings.TrimSpace(term)
		if !fillTerm.MatchString(term) && !bareTerm.MatchString(term) {
			return false
		}
	}
	return true
}

// unfilledTerms returns the ids of terms that expr uses outside FILL(id, n).
func unfilledTerms(expr string, ids []string) []string {
	rest := fillAnywhere.ReplaceAllString(expr, "")
	var bare []string
	for _, id := range ids {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`).MatchString(rest) {
			bare = append(bare, id)
		}
	}
	return bare
}

var fillAnywhere = regexp.MustCompile(`FILL\(\s*[a-z][A-Za-z0-9_]*\s*,\s*[0-9.]+\s*\)`)

var fillTerm = regexp.MustCompile(`^FILL\(\s*([a-z][A-Za-z0-9_]*)\s*,\s*([0-9.]+)\s*\)$`)
var bareTerm = regexp.MustCompile(`^[a-z][A-Za-z0-9_]*$`)

// evalSum evaluates a metric-math sum of terms, each a metric id or
// FILL(id, constant), for one period: data holds the terms that have a
// point. It answers ok=false when the period has no value.
func evalSum(expr string, data map[string]float64) (float64, bool, error) {
	sum := 0.0
	for term := range strings.SplitSeq(expr, "+") {
		term = strings.TrimSpace(term)
		if m := fillTerm.FindStringSubmatch(term); m != nil {
			v, ok := data[m[1]]
			if !ok {
				f, err := strconv.ParseFloat(m[2], 64)
				if err != nil {
					return 0, false, err
				}
				v = f
			}
			sum += v
			continue
		}
		if bareTerm.MatchString(term) {
			v, ok := data[term]
			if !ok {
				return 0, false, nil
			}
			sum += v
			continue
		}
		return 0, false, fmt.Errorf("expression %q: term %q is not an id or FILL(id, n)", expr, term)
	}
	return sum, true, nil
}

// Point 10: each stage shows its reserved concurrency (output of the
// Monitoring stack, equal to what its templates reserve), and the deploy
// guide's table says the same numbers.
func TestReservedConcurrencyIsVisible(t *testing.T) {
	doc, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| reserved Lambda concurrency \| (\d+) \| (\d+) \| (\d+) \|`).FindStringSubmatch(string(doc))
	if row == nil {
		t.Fatal(`docs/deploy.md has no "| reserved Lambda concurrency | dev | staging | prod |" row`)
	}
	documented := map[string]string{StageDev: row[1], StageStaging: row[2], StageProd: row[3]}
	forEachStage(t, func(t *testing.T, s *synthesized) {
		sum := 0
		for _, fn := range s.allResources("AWS::Lambda::Function") {
			if n, ok := fn.Props["ReservedConcurrentExecutions"].(float64); ok {
				sum += int(n)
			}
		}
		out := get(s.templates["Monitoring"], "Outputs", "ReservedConcurrency", "Value")
		if out != strconv.Itoa(sum) {
			t.Errorf("output ReservedConcurrency %v, the templates reserve %d", out, sum)
		}
		if _, total := s.cfg.ReservedConcurrency(); total != sum {
			t.Errorf("config total %d, templates %d", total, sum)
		}
		if documented[s.cfg.Stage] != strconv.Itoa(sum) {
			t.Errorf("docs/deploy.md says %s for %s, the templates reserve %d", documented[s.cfg.Stage], s.cfg.Stage, sum)
		}
	})
}

// Point 9: what the guides tell an operator matches the code.
func TestDeployDocsAreTrue(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	deploy, ops := read("../docs/deploy.md"), read("../docs/operations.md")
	// The CDK dropped Node.js 20 (end of life) on 2026-10-30.
	m := regexp.MustCompile(`Node\.js (\d+) or later`).FindStringSubmatch(deploy)
	if m == nil {
		t.Error(`docs/deploy.md does not say "Node.js N or later"`)
	} else if n, _ := strconv.Atoi(m[1]); n < 22 {
		t.Errorf("docs/deploy.md asks for Node.js %d, which the CDK no longer supports", n)
	}
	// The restore must not depend on a table name StageConfig cannot set.
	if strings.Contains(deploy, "switch the stage config") {
		t.Error("docs/deploy.md: the PITR restore says to switch the stage config to another table, which StageConfig cannot name")
	}
	for _, item := range []string{"Secrets Manager secret", "WAF requests", "OpenSearch logs"} {
		if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(item)).MatchString(deploy) {
			t.Errorf("docs/deploy.md cost table has no %q row", item)
		}
	}
	// Every Go Lambda's sizing field is in the configuration list, and the
	// images queue is in the Data stack's row.
	cfg, err := DefaultConfig(StageDev)
	if err != nil {
		t.Fatal(err)
	}
	for name := range cfg.lambdas() {
		if !strings.Contains(deploy, "`"+name+"`") {
			t.Errorf("docs/deploy.md does not name the sizing field %q", name)
		}
	}
	if !strings.Contains(deploy, "images queue (FIFO) and its DLQ") || !strings.Contains(deploy, "reindex and images Lambdas") {
		t.Error("docs/deploy.md's stack table does not list the images queue and Lambda")
	}
	// The cost of a 1,000,000-product catalog is worked out from the
	// stage defaults: its chunk count, memory sizes and stream batch.
	_, cost, _ := strings.Cut(deploy, "## Cost of a 1,000,000-product catalog")
	cost, _, _ = strings.Cut(cost, "\n## ")
	for _, want := range []string{
		fmt.Sprintf("spools %d chunks", 1_000_000/cfg.IngestChunkProducts),
		fmt.Sprintf("`ingestChunkProducts` %s", thousands(cfg.IngestChunkProducts)),
		fmt.Sprintf("%s MB (`ingest.memoryMiB`)", thousands(cfg.Ingest.MemoryMiB)),
		fmt.Sprintf("%d MB (`indexer.memoryMiB`)", cfg.Indexer.MemoryMiB),
		fmt.Sprintf("`streamBatchSize` %d", cfg.StreamBatchSize),
		fmt.Sprintf("default `uploadMaxBytes` (%d MiB)", cfg.UploadMaxBytes>>20),
	} {
		if !strings.Contains(cost, want) {
			t.Errorf("docs/deploy.md, \"Cost of a 1,000,000-product catalog\": no %q (the stage defaults)", want)
		}
	}
	// API Gateway checks a usage-plan key only in X-Api-Key: a key sent as
	// Authorization: Bearer never reaches the upload routes on AWS.
	if strings.Contains(ops, "Bearer") {
		t.Error("docs/operations.md offers Authorization: Bearer; API Gateway reads only X-Api-Key")
	}
}

// Point 3: the deploy creates the index: CloudFormation invokes the reindex
// function (which answers custom resource events by creating the index and
// its alias) through a custom resource of the Pipeline stack.
func TestDeployCreatesTheIndex(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		setups := s.resources("Pipeline", contract.SearchIndexSetupType)
		if len(setups) != 1 {
			t.Fatalf("want one %s in the Pipeline stack, found %d", contract.SearchIndexSetupType, len(setups))
		}
		reindex := s.one(t, "Pipeline", "AWS::Lambda::Function", "Reindex")
		token := jsonString(setups[0].Props["ServiceToken"])
		if token != jsonString(map[string]any{"Fn::GetAtt": []any{reindex.ID, "Arn"}}) {
			t.Errorf("ServiceToken %s, want the reindex function %s", token, reindex.ID)
		}
		if setups[0].Props["Alias"] != contract.DefaultIndexAlias || setups[0].Props["Replicas"] != strconv.Itoa(s.cfg.OpenSearch.IndexReplicas()) {
			t.Errorf("properties %s", jsonString(setups[0].Props))
		}
	})
}

// thousands writes n with a comma every three digits, as the docs do.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
