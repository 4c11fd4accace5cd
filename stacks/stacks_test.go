package stacks

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

func TestStackNamesCarryTheStage(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		arts := s.manifest["artifacts"].(map[string]any)
		for _, part := range s.stackParts() {
			name := "CatalogSearch-" + s.cfg.Stage + "-" + part
			a, ok := arts[name].(map[string]any)
			if !ok {
				t.Fatalf("no stack %s in the assembly", name)
			}
			if a["type"] != "aws:cloudformation:stack" {
				t.Errorf("%s: type %v", name, a["type"])
			}
			region := s.cfg.Region
			if part == "Edge" {
				region = EdgeRegion // CloudFront's web ACL
			}
			if env := a["environment"]; env != "aws://"+testAccount+"/"+region {
				t.Errorf("%s: environment %v", name, env)
			}
		}
	})
}

func TestTerminationProtectionOnTheStatefulStackInProd(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for _, part := range parts() {
			props, _ := get(s.manifest, "artifacts", s.cfg.StackName(part), "properties").(map[string]any)
			got, _ := props["terminationProtection"].(bool)
			want := s.cfg.IsProd() && part == "Data"
			if got != want {
				t.Errorf("%s: terminationProtection %v, want %v", part, got, want)
			}
		}
	})
}

// TestStableLogicalIDs pins the logical IDs of the stateful resources: a
// changed ID would make CloudFormation replace (empty) the bucket, the table
// or the domain.
func TestStableLogicalIDs(t *testing.T) {
	want := map[string]string{
		"CatalogBucket":         "AWS::S3::Bucket",
		"AccessLogsBucket":      "AWS::S3::Bucket",
		"CatalogTable":          "AWS::DynamoDB::Table",
		"SearchDomain":          "AWS::OpenSearchService::Domain",
		"IngestQueue":           "AWS::SQS::Queue",
		"IngestDeadLetterQueue": "AWS::SQS::Queue",
		"IndexerFailureQueue":   "AWS::SQS::Queue",
	}
	forEachStage(t, func(t *testing.T, s *synthesized) {
		got := map[string]string{}
		for _, r := range s.resources("Data", "") {
			got[r.ID] = r.Type
		}
		for id, typ := range want {
			if got[id] != typ {
				t.Errorf("logical ID %s: got type %q, want %s", id, got[id], typ)
			}
		}
	})
}

func TestDataStack(t *testing.T) {
	checks := []struct {
		name  string
		check func(t *testing.T, s *synthesized)
	}{
		{"DeletionPolicy", checkDataDeletionPolicy},
		{"CatalogBucket", checkCatalogBucket},
		{"CatalogTable", checkCatalogTable},
		{"SearchDomain", checkSearchDomain},
	}
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) { c.check(t, s) })
		}
	})
}

// checkDataDeletionPolicy: the stateful resources are retained where the
// stage keeps its data, deleted elsewhere.
func checkDataDeletionPolicy(t *testing.T, s *synthesized) {
	deletion := "Delete"
	if s.cfg.RetainData {
		deletion = "Retain"
	}
	for _, r := range s.resources("Data", "") {
		switch r.Type {
		case "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::OpenSearchService::Domain", "AWS::SQS::Queue":
			if r.Deletion != deletion {
				t.Errorf("%s: DeletionPolicy %q, want %s", r.ID, r.Deletion, deletion)
			}
		}
	}
}

// checkCatalogBucket: encrypted, versioned, private, logged, TLS only, its
// lifecycle rules, and new files notify the ingest queue.
func checkCatalogBucket(t *testing.T, s *synthesized) {
	b := s.one(t, "Data", "AWS::S3::Bucket", "CatalogBucket")
	if get(b.Props, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm") != "aws:kms" {
		t.Errorf("catalog bucket not KMS-encrypted: %s", jsonString(b.Props["BucketEncryption"]))
	}
	if get(b.Props, "VersioningConfiguration", "Status") != "Enabled" {
		t.Error("catalog bucket not versioned")
	}
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if get(b.Props, "PublicAccessBlockConfiguration", k) != true {
			t.Errorf("catalog bucket public access block %s not set", k)
		}
	}
	if get(b.Props, "LoggingConfiguration", "DestinationBucketName") == nil {
		t.Error("catalog bucket has no access logs")
	}
	rules := jsonString(get(b.Props, "LifecycleConfiguration", "Rules"))
	for _, want := range []string{`"NoncurrentVersionExpiration":{"NoncurrentDays":` + fmt.Sprint(s.cfg.NoncurrentVersionDays), `"Prefix":"` + contract.ReportsPrefix + `"`} {
		if !strings.Contains(rules, want) {
			t.Errorf("catalog bucket lifecycle lacks %s: %s", want, rules)
		}
	}
	// TLS only: every bucket policy denies requests without SecureTransport.
	for _, p := range s.resources("Data", "AWS::S3::BucketPolicy") {
		if !strings.Contains(jsonString(p.Props), `"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny"`) {
			t.Errorf("%s does not deny non-TLS access", p.ID)
		}
	}
	if n := len(s.resources("Data", "AWS::S3::BucketPolicy")); n != 2 {
		t.Errorf("want a TLS-only policy on both buckets, found %d policies", n)
	}
	// New files under incoming/ notify the ingest queue.
	notif := s.resources("Data", "Custom::S3BucketNotifications")
	if len(notif) != 1 || !strings.Contains(jsonString(notif[0].Props), `"Value":"`+contract.IncomingPrefix+`"`) {
		t.Errorf("no S3 notification filtered on %s: %s", contract.IncomingPrefix, jsonString(notif))
	}
}

// checkCatalogTable: on demand, streamed, PITR per stage, its keys and TTL.
func checkCatalogTable(t *testing.T, s *synthesized) {
	tbl := s.one(t, "Data", "AWS::DynamoDB::Table", "CatalogTable")
	if tbl.Props["BillingMode"] != "PAY_PER_REQUEST" {
		t.Errorf("table billing %v", tbl.Props["BillingMode"])
	}
	if get(tbl.Props, "StreamSpecification", "StreamViewType") != "NEW_AND_OLD_IMAGES" {
		t.Errorf("table stream %v", tbl.Props["StreamSpecification"])
	}
	pitr, _ := get(tbl.Props, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled").(bool)
	if pitr != s.cfg.PointInTimeRecovery || (s.cfg.IsProd() && !pitr) {
		t.Errorf("table PITR %v in %s", pitr, s.cfg.Stage)
	}
	if jsonString(tbl.Props["KeySchema"]) != `[{"AttributeName":"`+contract.TablePartitionKey+`","KeyType":"HASH"},{"AttributeName":"`+contract.TableSortKey+`","KeyType":"RANGE"}]` {
		t.Errorf("table key schema %s", jsonString(tbl.Props["KeySchema"]))
	}
	if get(tbl.Props, "TimeToLiveSpecification", "AttributeName") != contract.TableTTLAttribute ||
		get(tbl.Props, "TimeToLiveSpecification", "Enabled") != true {
		t.Errorf("table TTL %v, want %q enabled (tombstones expire)", tbl.Props["TimeToLiveSpecification"], contract.TableTTLAttribute)
	}
}

// checkSearchDomain: encrypted, HTTPS, logged, sized per stage, and open
// only to the account's signed requests.
func checkSearchDomain(t *testing.T, s *synthesized) {
	d := s.one(t, "Data", "AWS::OpenSearchService::Domain", "SearchDomain")
	checks := map[string]any{
		"EncryptionAtRestOptions.Enabled":                  true,
		"NodeToNodeEncryptionOptions.Enabled":              true,
		"DomainEndpointOptions.EnforceHTTPS":               true,
		"DomainEndpointOptions.TLSSecurityPolicy":          "Policy-Min-TLS-1-2-2019-07",
		"ClusterConfig.InstanceCount":                      float64(s.cfg.OpenSearch.DataNodes),
		"LogPublishingOptions.SEARCH_SLOW_LOGS.Enabled":    true,
		"LogPublishingOptions.INDEX_SLOW_LOGS.Enabled":     true,
		"LogPublishingOptions.ES_APPLICATION_LOGS.Enabled": true,
	}
	if s.cfg.IsProd() {
		checks["ClusterConfig.DedicatedMasterEnabled"] = true
		checks["ClusterConfig.DedicatedMasterCount"] = float64(3)
		checks["ClusterConfig.ZoneAwarenessEnabled"] = true
		checks["ClusterConfig.ZoneAwarenessConfig.AvailabilityZoneCount"] = float64(3)
		checks["ClusterConfig.MultiAZWithStandbyEnabled"] = true
	}
	if s.cfg.Stage == StageDev {
		checks["ClusterConfig.ZoneAwarenessEnabled"] = false
		checks["ClusterConfig.InstanceCount"] = float64(1)
	}
	for path, want := range checks {
		var keys []any
		for k := range strings.SplitSeq(path, ".") {
			keys = append(keys, k)
		}
		if got := get(d.Props, keys...); got != want {
			t.Errorf("domain %s = %v, want %v", path, got, want)
		}
	}
	// Access only for signed requests of this account's principals (the
	// CDK applies the policy through a custom resource).
	var pol string
	for _, r := range s.resources("Data", "Custom::OpenSearchAccessPolicy") {
		pol += jsonString(r.Props["Create"])
	}
	if !strings.Contains(pol, `:iam::`+testAccount+`:root`) || strings.Contains(pol, `Principal\\\":\\\"*`) || strings.Contains(pol, `\\\"AWS\\\":\\\"*`) {
		t.Errorf("domain access policy is not restricted to the account: %s", pol)
	}
}

func TestPipelineStack(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		q := s.one(t, "Data", "AWS::SQS::Queue", "IngestQueue")
		if q.Props["VisibilityTimeout"] != float64(6*s.cfg.Ingest.TimeoutSeconds) {
			t.Errorf("ingest queue visibility %v, want 6 x %d", q.Props["VisibilityTimeout"], s.cfg.Ingest.TimeoutSeconds)
		}
		if get(q.Props, "RedrivePolicy", "maxReceiveCount") != float64(s.cfg.MaxReceiveCount) {
			t.Errorf("ingest queue redrive %s", jsonString(q.Props["RedrivePolicy"]))
		}
		for _, r := range s.resources("Data", "AWS::SQS::Queue") {
			if r.Props["SqsManagedSseEnabled"] != true {
				t.Errorf("%s not encrypted", r.ID)
			}
		}
		var sqsMappings []resource
		var streamMapping *resource
		for _, m := range s.resources("Pipeline", "AWS::Lambda::EventSourceMapping") {
			if m.Props["StartingPosition"] != nil {
				streamMapping = &m
			} else {
				sqsMappings = append(sqsMappings, m)
			}
		}
		if len(sqsMappings) != 2 || streamMapping == nil {
			t.Fatal("want two SQS (ingest, images) and a DynamoDB Stream event source mapping")
		}
		for _, m := range sqsMappings {
			if jsonString(m.Props["FunctionResponseTypes"]) != `["ReportBatchItemFailures"]` {
				t.Errorf("SQS mapping without partial batch failures: %s", jsonString(m.Props))
			}
		}
		sm := streamMapping.Props
		if sm["BisectBatchOnFunctionError"] != true || sm["MaximumRetryAttempts"] != float64(s.cfg.StreamRetryAttempts) ||
			sm["MaximumRecordAgeInSeconds"] != float64(s.cfg.StreamMaxRecordAgeSec) || get(sm, "DestinationConfig", "OnFailure", "Destination") == nil ||
			sm["StartingPosition"] != "TRIM_HORIZON" {
			t.Errorf("indexer stream mapping: %s", jsonString(sm))
		}
		// Only product items' records invoke the indexer (not catalogs,
		// history or the search analytics' counts).
		if got := jsonString(get(sm, "FilterCriteria", "Filters")); got != `[{"Pattern":"{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"P#\"}]}}}}"}]` {
			t.Errorf("indexer stream filter %s, want product items only", got)
		}
		for prefix, want := range map[string]LambdaConfig{"IngestFunction": s.cfg.Ingest, "IndexerFunction": s.cfg.Indexer, "ReindexFunction": s.cfg.Reindex, "ImagesFunction": s.cfg.Images} {
			fn := s.one(t, "Pipeline", "AWS::Lambda::Function", prefix)
			if fn.Props["ReservedConcurrentExecutions"] != float64(want.ReservedConcurrency) {
				t.Errorf("%s reserved concurrency %v, want %d", prefix, fn.Props["ReservedConcurrentExecutions"], want.ReservedConcurrency)
			}
			if fn.Props["Timeout"] != float64(want.TimeoutSeconds) || fn.Props["MemorySize"] != float64(want.MemoryMiB) {
				t.Errorf("%s sizing %v/%v", prefix, fn.Props["Timeout"], fn.Props["MemorySize"])
			}
		}
	})
}

// TestGoLambdas checks every Go Lambda of every stage: arm64,
// provided.al2023, tracing, the stage and contract environment, and a
// bundled linux/arm64 bootstrap built with -tags lambda.norpc.
func TestGoLambdas(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		wantEnv := map[string][]string{
			"IngestFunction":    {contract.EnvTable, contract.EnvBucket, contract.EnvImagesQueueURL, contract.EnvHistoryTTLDays},
			"ImagesFunction":    {contract.EnvTable, contract.EnvBucket},
			"IndexerFunction":   {contract.EnvTable, contract.EnvOpenSearchEndpoint, contract.EnvIndexAlias, contract.EnvIndexReplicas},
			"ReindexFunction":   {contract.EnvTable, contract.EnvOpenSearchEndpoint, contract.EnvIndexAlias, contract.EnvIndexReplicas},
			"HandlerFunction":   {contract.EnvTable, contract.EnvBucket, contract.EnvOpenSearchEndpoint, contract.EnvIndexAlias, contract.EnvUploadMaxBytes, contract.EnvIngestQueueURL, contract.EnvHistoryTTLDays},
			"AnalyticsFunction": {contract.EnvTable, contract.EnvHistoryTTLDays},
		}
		seen := 0
		for _, part := range []string{"Pipeline", "API"} {
			for _, fn := range s.resources(part, "AWS::Lambda::Function") {
				var want []string
				for prefix, env := range wantEnv {
					if strings.HasPrefix(fn.ID, prefix) {
						want = env
					}
				}
				if want == nil {
					continue
				}
				seen++
				if fn.Props["Runtime"] != "provided.al2023" || jsonString(fn.Props["Architectures"]) != `["arm64"]` || fn.Props["Handler"] != "bootstrap" {
					t.Errorf("%s: runtime %v, arch %v, handler %v", fn.ID, fn.Props["Runtime"], fn.Props["Architectures"], fn.Props["Handler"])
				}
				if get(fn.Props, "TracingConfig", "Mode") != "Active" {
					t.Errorf("%s: X-Ray tracing off", fn.ID)
				}
				if get(fn.Props, "LoggingConfig", "LogGroup") == nil {
					t.Errorf("%s: no explicit log group (retention)", fn.ID)
				}
				env, _ := get(fn.Props, "Environment", "Variables").(map[string]any)
				if env[contract.EnvStage] != s.cfg.Stage {
					t.Errorf("%s: %s=%v", fn.ID, contract.EnvStage, env[contract.EnvStage])
				}
				for _, k := range want {
					if env[k] == nil {
						t.Errorf("%s: environment lacks %s", fn.ID, k)
					}
				}
				// One copy of each shard per zone: 0 replicas on dev's one
				// node, 2 on prod's three zones with standby.
				if r, ok := env[contract.EnvIndexReplicas]; ok && r != strconv.Itoa(s.cfg.OpenSearch.AvailabilityZones-1) {
					t.Errorf("%s: %s=%v with %d zones", fn.ID, contract.EnvIndexReplicas, r, s.cfg.OpenSearch.AvailabilityZones)
				}
				// The stage's history TTL reaches the ingest, api and analytics Lambdas.
				if d, ok := env[contract.EnvHistoryTTLDays]; ok && d != strconv.Itoa(s.cfg.HistoryDays) {
					t.Errorf("%s: %s=%v, the stage says %d", fn.ID, contract.EnvHistoryTTLDays, d, s.cfg.HistoryDays)
				}
				asset, _ := get(fn.Raw, "Metadata", "aws:asset:path").(string)
				checkBootstrap(t, filepath.Join(s.dir, asset, "bootstrap"), "")
			}
		}
		if seen != 6 {
			t.Errorf("found %d Go Lambdas, want 6 (ingest, indexer, reindex, images, api, analytics)", seen)
		}
	})
}

// checkBootstrap asserts that path is a static linux/arm64 Go binary built
// with the flags of GoBuilder; wantPkg, when set, is its main package.
func checkBootstrap(t *testing.T, path, wantPkg string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Errorf("bootstrap: %v", err)
		return
	}
	if st.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable", path)
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Errorf("bootstrap is not ELF: %v", err)
		return
	}
	defer func() { _ = f.Close() }()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("%s: machine %v, want arm64", path, f.Machine)
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Errorf("%s: build info: %v", path, err)
		return
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"GOOS": "linux", "GOARCH": "arm64", "CGO_ENABLED": "0", "-tags": "lambda.norpc", "-trimpath": "true"} {
		if settings[k] != v {
			t.Errorf("%s: build setting %s=%q, want %q", path, k, settings[k], v)
		}
	}
	if wantPkg != "" && info.Path != wantPkg {
		t.Errorf("%s: main package %s, want %s", path, info.Path, wantPkg)
	}
}

// TestGoFunctionBuildsAnyFolder defines a GoFunction on a folder of its own
// (a tiny real Lambda in testdata) in a fresh app and checks what was bundled.
func TestGoFunctionBuildsAnyFolder(t *testing.T) {
	safely(t, func() {
		dir := t.TempDir()
		app := NewApp(dir)
		stack := awscdk.NewStack(app, jsii.String("Hello"), nil)
		// A Lambda is a folder under the Lambdas folder and this one call
		// (no Sizing: the default).
		in := Inputs{Builder: the.builder, LambdasDir: "stacks/testdata"}
		NewGoFunction(stack, "Hello", GoFunctionProps{
			Builder: in.Builder, Dir: in.LambdaDir("hello"), Stage: "test", Retention: "ONE_WEEK",
			Environment: map[string]string{"GREETING": "hello"},
		})
		asm := app.Synth(nil)
		var raw map[string]any
		if err := readJSON(filepath.Join(*asm.Directory(), "Hello.template.json"), &raw); err != nil {
			t.Fatal(err)
		}
		tpl := assertions.Template_FromJSON(&raw, nil)
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap",
			"TracingConfig": map[string]any{"Mode": "Active"},
			"Environment":   map[string]any{"Variables": map[string]any{"GREETING": "hello", contract.EnvStage: "test"}},
			"MemorySize":    DefaultLambdaSizing().MemoryMiB, "Timeout": DefaultLambdaSizing().TimeoutSeconds,
		})
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7})
		var assetPath string
		for _, r := range raw["Resources"].(map[string]any) {
			if get(r, "Type") == "AWS::Lambda::Function" {
				assetPath, _ = get(r, "Metadata", "aws:asset:path").(string)
			}
		}
		if assetPath == "" {
			t.Fatal("no asset path on the function")
		}
		checkBootstrap(t, filepath.Join(*asm.Directory(), assetPath, "bootstrap"), "github.com/catalogsearch/catalogsearch/stacks/testdata/hello")
	})
}

func TestGoBuilderReportsCompileErrors(t *testing.T) {
	_, err := the.builder.Build(t.Context(), "stacks/testdata/broken")
	if err == nil || !strings.Contains(err.Error(), "stacks/testdata/broken") || !strings.Contains(err.Error(), "undefined") {
		t.Fatalf("want a compile error naming the package, got %v", err)
	}
}

func TestAPIStack(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		apiTemplate := s.templates["API"]
		tpl := assertions.Template_FromJSON(&apiTemplate, nil)
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), map[string]any{
			"StageName":      APIStageName,
			"TracingEnabled": true,
			"AccessLogSetting": assertions.Match_ObjectLike(&map[string]any{
				"DestinationArn": assertions.Match_AnyValue(),
			}),
			"MethodSettings": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"ThrottlingRateLimit":  s.cfg.ThrottleRateLimit,
				"ThrottlingBurstLimit": s.cfg.ThrottleBurstLimit,
			})}),
		})
		tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::RequestValidator"), jsii.Number(1))
		// No API Gateway key from the stack (its value would have no record in
		// the bucket, so the API would answer 401 to it): operators create
		// each key by CLI with the partner key's value and attach it to the
		// partner's usage plan, named as docs/operations.md says.
		tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::ApiKey"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::UsagePlanKey"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::UsagePlan"), jsii.Number(len(s.cfg.Partners)))
		for _, partner := range s.cfg.Partners {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::UsagePlan"), map[string]any{
				"UsagePlanName": "catalogsearch-" + s.cfg.Stage + "-" + partner,
				"ApiStages": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Stage": assertions.Match_AnyValue(),
				})}),
				"Quota": map[string]any{"Limit": s.cfg.PartnerQuotaPerDay, "Period": "DAY"},
			})
		}
		waf := 0
		if s.cfg.WAF {
			waf = 1
		}
		tpl.ResourceCountIs(jsii.String("AWS::WAFv2::WebACL"), jsii.Number(waf))
		tpl.ResourceCountIs(jsii.String("AWS::WAFv2::WebACLAssociation"), jsii.Number(waf))
		if s.cfg.IsProd() && waf != 1 {
			t.Error("prod without WAF")
		}

		posts, gets := 0, 0
		for _, m := range s.resources("API", "AWS::ApiGateway::Method") {
			key, _ := m.Props["ApiKeyRequired"].(bool)
			switch m.Props["HttpMethod"] {
			case "POST":
				posts++
				if !key || m.Props["RequestValidatorId"] == nil {
					t.Errorf("%s: upload route without API key or validation", m.ID)
				}
				// POST /v1/catalogs validates its JSON body; confirm and
				// session/end have none.
				_, hasModel := get(m.Props, "RequestModels", "application/json").(map[string]any)
				if wantModel := !strings.Contains(m.ID, "confirm") && !strings.Contains(m.ID, "sessionend"); hasModel != wantModel {
					t.Errorf("%s: request model %v, want %v", m.ID, hasModel, wantModel)
				}
			case "GET":
				gets++
				if key {
					t.Errorf("%s: read route requires an API key", m.ID)
				}
			}
		}
		if posts != 3 || gets < 5 {
			t.Errorf("methods: %d POST (want 3: upload, confirm, session end), %d GET (want >= 5)", posts, gets)
		}
		// The gateway's upload model accepts the modes the domain does
		// (catalog.Modes), no more and no fewer: the stacks cannot import
		// the domain, so this test keeps their copy true.
		var modes []any
		for _, m := range catalog.Modes() {
			modes = append(modes, string(m))
		}
		models := s.resources("API", "AWS::ApiGateway::Model")
		if len(models) != 1 {
			t.Fatalf("%d request models, want the upload request's", len(models))
		}
		if got := get(models[0].Props, "Schema", "properties", "mode", "enum"); jsonString(got) != jsonString(modes) {
			t.Errorf("upload model's mode enum %s, want catalog.Modes() %s", jsonString(got), jsonString(modes))
		}

		// The api Lambda queues confirmations: the ingest queue's URL in its
		// environment, and sqs:SendMessage on that queue (and no other SQS
		// right) in its role's policy.
		fn := s.one(t, "API", "AWS::Lambda::Function", "HandlerFunction")
		queueURL := jsonString(get(fn.Props, "Environment", "Variables", contract.EnvIngestQueueURL))
		// The queue comes from the Data stack's SSM parameter (its ARN).
		queueRef := `{"Ref":"` + ssmParameterRef(t, s, "API", s.cfg.ParameterName(paramIngestQueueArn)) + `"}`
		if !strings.Contains(queueURL, queueRef) || !strings.Contains(queueURL, "https://sqs.") {
			t.Errorf("api %s = %s, want the Data stack's ingest queue URL", contract.EnvIngestQueueURL, queueURL)
		}
		// The analytics function sends its failed deliveries to its DLQ.
		dlqRef := `{"Ref":"` + ssmParameterRef(t, s, "API", s.cfg.ParameterName(paramAnalyticsDLQ)) + `"}`
		sends := 0
		for _, p := range s.resources("API", "AWS::IAM::Policy") {
			want := queueRef
			if strings.HasPrefix(p.ID, "AnalyticsFunction") {
				want = dlqRef
			}
			for _, st := range get(p.Props, "PolicyDocument", "Statement").([]any) {
				actions := jsonString(get(st, "Action"))
				if !strings.Contains(actions, "sqs:") {
					continue
				}
				res := jsonString(get(st, "Resource"))
				if !strings.Contains(actions, "sqs:SendMessage") || strings.Contains(actions, "sqs:ReceiveMessage") || strings.Contains(actions, "sqs:DeleteMessage") ||
					res != want {
					t.Errorf("%s: SQS statement %s on %s", p.ID, actions, res)
				}
				sends++
			}
		}
		if sends != 2 {
			t.Errorf("%d SQS statements in the API stack's policies, want 2 (SendMessage on the ingest queue, and on the analytics DLQ)", sends)
		}
	})
}

func TestWebsiteStack(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		php := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		p := php.Props
		if p["Handler"] != "public/index.php" || p["Runtime"] != "provided.al2023" || jsonString(p["Architectures"]) != `["arm64"]` {
			t.Errorf("php function: %v %v %v", p["Handler"], p["Runtime"], p["Architectures"])
		}
		if jsonString(p["Layers"]) != `["`+s.cfg.BrefLayerArn+`"]` {
			t.Errorf("php layers %s, want the pinned Bref layer %s", jsonString(p["Layers"]), s.cfg.BrefLayerArn)
		}
		if get(p, "Environment", "Variables", contract.EnvAPIBaseURL) == nil {
			t.Error("php function lacks " + contract.EnvAPIBaseURL)
		}
		// The session-sealing secret: generated by Secrets Manager and handed
		// to the function as a dynamic reference resolved at deploy time,
		// never as a value in the template.
		secret := s.one(t, "Website", "AWS::SecretsManager::Secret", fmt.Sprintf("SiteSecretG%d", s.cfg.SiteSecretGeneration))
		gen, _ := secret.Props["GenerateSecretString"].(map[string]any)
		if gen["PasswordLength"] != float64(64) || gen["ExcludePunctuation"] != true || secret.Props["SecretString"] != nil {
			t.Errorf("site secret: %s, want a generated 64-character value without punctuation", jsonString(secret.Props))
		}
		want := `{"Fn::Join":["",["{{resolve:secretsmanager:",{"Ref":"` + secret.ID + `"},":SecretString:::}}"]]}`
		if got := jsonString(get(p, "Environment", "Variables", contract.EnvSiteSecret)); got != want {
			t.Errorf("php %s = %s, want the dynamic reference %s", contract.EnvSiteSecret, got, want)
		}
		// The site's origin: an HTTP API whose default route invokes the PHP
		// function, with throttling and access logs.
		if len(s.resources("Website", "AWS::Lambda::Url")) != 0 {
			t.Error("the PHP function must not have a public function URL")
		}
		stages := s.resources("Website", "AWS::ApiGatewayV2::Stage")
		if len(stages) != 1 || stages[0].Props["StageName"] != "$default" || get(stages[0].Props, "AccessLogSettings", "DestinationArn") == nil ||
			get(stages[0].Props, "DefaultRouteSettings", "ThrottlingRateLimit") != s.cfg.ThrottleRateLimit {
			t.Errorf("site HTTP API stage: %s", jsonString(stages))
		}
		routes := s.resources("Website", "AWS::ApiGatewayV2::Route")
		if len(routes) != 1 || routes[0].Props["RouteKey"] != "$default" {
			t.Errorf("site HTTP API routes: %s", jsonString(routes))
		}
		oacs := s.resources("Website", "AWS::CloudFront::OriginAccessControl")
		if len(oacs) != 2 {
			t.Errorf("want origin access control on the assets bucket and the catalog bucket's pictures: %s", jsonString(oacs))
		}
		for _, oac := range oacs {
			if get(oac.Props, "OriginAccessControlConfig", "OriginAccessControlOriginType") != "s3" || get(oac.Props, "OriginAccessControlConfig", "SigningBehavior") != "always" {
				t.Errorf("origin access control %s", jsonString(oac.Props))
			}
		}
		dist := s.one(t, "Website", "AWS::CloudFront::Distribution", "Distribution")
		dc := dist.Props["DistributionConfig"].(map[string]any)
		if get(dc, "DefaultCacheBehavior", "ViewerProtocolPolicy") != "redirect-to-https" || get(dc, "Logging", "Bucket") == nil {
			t.Errorf("distribution: %s", jsonString(dc))
		}
		patterns := map[string]bool{}
		for _, b := range dc["CacheBehaviors"].([]any) {
			patterns[get(b, "PathPattern").(string)] = true
			if get(b, "ViewerProtocolPolicy") != "redirect-to-https" {
				t.Errorf("behavior %v allows plain HTTP", get(b, "PathPattern"))
			}
		}
		if !patterns[contract.APIPathPrefix+"/*"] || !patterns["/assets/*"] || !patterns["/images/*"] {
			t.Errorf("behaviors %v, want /api/*, /assets/* and /images/*", patterns)
		}
		// The API origin forwards /api/... unchanged to the stage named api.
		if !strings.Contains(jsonString(dc["Origins"]), ".execute-api.") {
			t.Errorf("no API Gateway origin: %s", jsonString(dc["Origins"]))
		}
		asset, _ := get(php.Raw, "Metadata", "aws:asset:path").(string)
		checkSiteAsset(t, filepath.Join(s.dir, asset))
	})
}

// checkSiteAsset checks that the staged PHP code is web/ unchanged, minus
// the tests and browser tooling that stay home, plus the vendor folder the
// bundling's `composer install` wrote (the tests' stub: testdata/composer).
func checkSiteAsset(t *testing.T, assetDir string) {
	t.Helper()
	web := filepath.Join(the.moduleDir, "web")
	excluded := regexp.MustCompile(`^(tests|e2e|test-results|vendor)(/|$)|(^|/)node_modules(/|$)|(^|/)\.|\.md$|^phpunit\.xml`)
	if autoload, err := os.ReadFile(filepath.Join(assetDir, "vendor", "autoload.php")); err != nil || !strings.Contains(string(autoload), "stacks/testdata/composer") {
		t.Errorf("site asset lacks the vendor/autoload.php of the bundling's composer install (%v)", err)
	}
	n := 0
	err := filepath.WalkDir(web, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(web, path)
		staged := filepath.Join(assetDir, rel)
		if excluded.MatchString(filepath.ToSlash(rel)) {
			if _, err := os.Stat(staged); err == nil {
				t.Errorf("site asset ships %s", rel)
			}
			return nil
		}
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(staged)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("site asset: %s missing or changed", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(assetDir, "public", "index.php")); err != nil || n == 0 {
		t.Errorf("site asset lacks public/index.php (%d files)", n)
	}
}

func TestEveryLogGroupHasTheStageRetention(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		n := 0
		for _, lg := range s.allResources("AWS::Logs::LogGroup") {
			n++
			if lg.Props["RetentionInDays"] != float64(s.cfg.LogRetentionDays) {
				t.Errorf("%s/%s: retention %v, want %d", lg.TemplateOf, lg.ID, lg.Props["RetentionInDays"], s.cfg.LogRetentionDays)
			}
		}
		if n < 9 {
			t.Errorf("found %d log groups, want at least 9", n)
		}
	})
}

func TestMonitoringStack(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		alarms := s.resources("Monitoring", "AWS::CloudWatch::Alarm")
		byMetric := map[string]int{}
		for _, a := range alarms {
			name, _ := a.Props["MetricName"].(string)
			if name == "" { // math expression
				name = "expression:" + jsonString(a.Props["Metrics"])
			}
			byMetric[name]++
			if len(get(a.Props, "AlarmActions").([]any)) != 1 {
				t.Errorf("%s has no alarm action", a.ID)
			}
			desc, _ := a.Props["AlarmDescription"].(string)
			if !strings.Contains(desc, "Runbook: "+RunbookDoc+"#") {
				t.Errorf("%s: description without runbook link: %q", a.ID, desc)
			}
		}
		for metric, want := range map[string]int{
			"Errors": 7, "Throttles": 7, "Duration": 7, "ApproximateNumberOfMessagesVisible": 5, "IteratorAge": 1,
			"5XXError": 1, "Latency": 1, "ClusterStatus.red": 1, "ClusterStatus.yellow": 1, "FreeStorageSpace": 1,
			"JVMMemoryPressure": 1, "CPUUtilization": 1, "ClusterIndexWritesBlocked": 1, "AutomatedSnapshotFailure": 1,
			contract.MetricUploadToSearchable: 1, contract.MetricSearchLinesSkipped: 1,
		} {
			if byMetric[metric] != want {
				t.Errorf("%d alarms on %s, want %d", byMetric[metric], metric, want)
			}
		}
		if s.cfg.OpenSearch.MasterNodes > 0 && (byMetric["MasterCPUUtilization"] != 1 || byMetric["MasterJVMMemoryPressure"] != 1) {
			t.Error("no dedicated master alarms")
		}
		exprs := 0
		for k := range byMetric {
			if strings.HasPrefix(k, "expression:") && (strings.Contains(k, "ThrottleEvents") || strings.Contains(k, "SystemErrors")) {
				exprs++
			}
		}
		if exprs != 2 {
			t.Errorf("want DynamoDB throttle and system error alarms, got %d", exprs)
		}
		imageExprs := 0
		for k, n := range byMetric {
			if strings.Contains(k, contract.MetricImageURLs) && strings.Contains(k, contract.MetricImageFailures) {
				imageExprs += n
			}
		}
		if imageExprs != 1 {
			t.Errorf("want one alarm on the share of failed image URLs, got %d", imageExprs)
		}
		topics := s.resources("Monitoring", "AWS::SNS::Topic")
		if len(topics) != 1 || topics[0].Props["KmsMasterKeyId"] == nil {
			t.Errorf("want one encrypted alarm topic: %s", jsonString(topics))
		}
		subs := len(s.resources("Monitoring", "AWS::SNS::Subscription"))
		if (s.cfg.AlarmEmail != "") != (subs == 1) {
			t.Errorf("%d e-mail subscriptions with alarmEmail %q", subs, s.cfg.AlarmEmail)
		}
		if len(s.resources("Monitoring", "AWS::CloudWatch::Dashboard")) != 1 {
			t.Error("want one dashboard")
		}
	})
}

// TestRunbookCoversAlarms checks that docs/operations.md has a section for
// every runbook anchor an alarm links to.
func TestRunbookCoversAlarms(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(the.moduleDir, RunbookDoc))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for line := range strings.SplitSeq(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			anchors[githubAnchor(h)] = true
		}
	}
	link := regexp.MustCompile(regexp.QuoteMeta(RunbookDoc) + `#([a-z0-9-]+)`)
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for _, a := range s.resources("Monitoring", "AWS::CloudWatch::Alarm") {
			m := link.FindStringSubmatch(a.Props["AlarmDescription"].(string))
			if m == nil || !anchors[m[1]] {
				t.Errorf("%s links to a runbook section that %s lacks: %v", a.ID, RunbookDoc, m)
			}
		}
	})
}

// githubAnchor turns a heading into its anchor the way GitHub does.
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// TestNagFindingsAreAllSuppressed fails on any cdk-nag error or warning
// left in the assembly (AwsSolutions and Serverless packs).
func TestNagFindingsAreAllSuppressed(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		var findings []string
		entriesRead := 0
		arts := s.manifest["artifacts"].(map[string]any)
		for name, a := range arts {
			// Annotations sit inline in the manifest or, in newer assembly
			// versions, in the stack's additional metadata file.
			meta, _ := get(a, "metadata").(map[string]any)
			if file, ok := get(a, "additionalMetadataFile").(string); ok {
				var more map[string]any
				if err := readJSON(filepath.Join(s.dir, file), &more); err != nil {
					t.Fatal(err)
				}
				if meta == nil {
					meta = map[string]any{}
				}
				maps.Copy(meta, more)
			}
			for path, entries := range meta {
				for _, e := range entries.([]any) {
					entriesRead++
					typ := get(e, "type")
					if typ == "aws:cdk:error" || typ == "aws:cdk:warning" {
						findings = append(findings, fmt.Sprintf("%s %s: %v", name, path, get(e, "data")))
					}
				}
			}
		}
		if entriesRead == 0 {
			t.Error("read no construct metadata: the assembly layout changed, this test sees nothing")
		}
		sort.Strings(findings)
		for _, f := range findings {
			t.Error(f)
		}
		// The rule packs did run: their reports are in the assembly.
		for _, pack := range []string{"AwsSolutions", "Serverless"} {
			report := filepath.Join(s.dir, pack+"--"+s.cfg.StackName("Data")+"-NagReport.csv")
			b, err := os.ReadFile(report)
			if err != nil || !bytes.Contains(b, []byte("Suppressed")) {
				t.Errorf("%s pack report missing or without suppressions: %v", pack, err)
			}
		}
	})
}

// TestStatelessStacksHoldNoData checks that only the Data stack holds
// buckets with catalog data, tables and domains.
func TestStatelessStacksHoldNoData(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for _, part := range []string{"Pipeline", "API", "Monitoring"} {
			for _, typ := range []string{"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::OpenSearchService::Domain", "AWS::SQS::Queue"} {
				for _, r := range s.resources(part, typ) {
					// The alarm e-mail subscription's dead-letter queue holds
					// undelivered notifications, not catalog data.
					if part == "Monitoring" && strings.HasPrefix(r.ID, "AlarmDeliveryDLQ") {
						continue
					}
					t.Errorf("%s holds %s %s", part, typ, r.ID)
				}
			}
		}
	})
}

// TestCustomDomain synthesizes prod with a domain name and certificate: the
// distribution serves the domain with TLS 1.2 at least, and the API allows
// the site's origin in CORS.
func TestCustomDomain(t *testing.T) {
	safely(t, func() {
		cfg, err := LoadConfig(StageProd, []byte(`{"alarmEmail":"ops@example.com","domainName":"search.example.com","certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc"}`), testAccount, "")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		app := NewApp(dir)
		NewCatalogSearch(app, cfg, Inputs{Builder: the.builder, EveryLambdaFrom: the.everyLambdaFrom, WebDir: filepath.Join(the.moduleDir, "web"), Composer: the.composer, ParseSynonyms: parseSynonyms})
		app.Synth(nil)
		var site, api map[string]any
		if err := readJSON(filepath.Join(dir, cfg.StackName("Website")+".template.json"), &site); err != nil {
			t.Fatal(err)
		}
		if err := readJSON(filepath.Join(dir, cfg.StackName("API")+".template.json"), &api); err != nil {
			t.Fatal(err)
		}
		assertions.Template_FromJSON(&site, nil).HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
			"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
				"Aliases": []any{"search.example.com"},
				"ViewerCertificate": assertions.Match_ObjectLike(&map[string]any{
					"AcmCertificateArn":      "arn:aws:acm:us-east-1:123456789012:certificate/abc",
					"MinimumProtocolVersion": "TLSv1.2_2021",
				}),
			}),
		})
		if !strings.Contains(jsonString(api), `'https://search.example.com'`) {
			t.Error("the API does not allow the site's origin in CORS")
		}
		checkUploadCORS(t, site, "https://search.example.com", cfg)
	})
}

// TestEveryLambdaHasALogGroupInTheTemplate checks that no function, the
// CDK's helpers included, is left to create its own log group (which would
// keep logs forever).
func TestEveryLambdaHasALogGroupInTheTemplate(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for _, part := range s.stackParts() {
			named := map[string]bool{}
			for _, lg := range s.resources(part, "AWS::Logs::LogGroup") {
				if ref, ok := get(lg.Props, "LogGroupName", "Fn::Join", 1, 1, "Ref").(string); ok {
					named[ref] = true
				}
			}
			for _, fn := range s.resources(part, "AWS::Lambda::Function") {
				if get(fn.Props, "LoggingConfig", "LogGroup") == nil && !named[fn.ID] {
					t.Errorf("%s/%s has no log group in the template", part, fn.ID)
				}
			}
		}
	})
}

// TestAPIAnswersAsItsDocument: what API Gateway answers by itself follows
// internal/api/openapi.json like the api Lambda does. Every resource with
// a route has an ANY method to the api Lambda, without API key, for the
// methods no route takes (the Lambda answers 405 with Allow); the
// gateway's own errors carry the API's status, coded JSON body and headers.
// API Gateway cannot run here: this checks the synthesized template.
func TestAPIAnswersAsItsDocument(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		routed, anys := map[string]bool{}, map[string]bool{}
		for _, m := range s.resources("API", "AWS::ApiGateway::Method") {
			res := jsonString(m.Props["ResourceId"])
			switch m.Props["HttpMethod"] {
			case "GET", "POST":
				routed[res] = true
			case "ANY":
				anys[res] = true
				if key, _ := m.Props["ApiKeyRequired"].(bool); key || m.Props["AuthorizationType"] != "NONE" {
					t.Errorf("%s: ANY method with API key %v, authorization %v: the Lambda could not answer 405", m.ID, key, m.Props["AuthorizationType"])
				}
				uri := jsonString(get(m.Props, "Integration", "Uri"))
				if get(m.Props, "Integration", "Type") != "AWS_PROXY" || !strings.Contains(uri, "HandlerFunction") {
					t.Errorf("%s: ANY method integrates with %s, want the api Lambda (proxy)", m.ID, uri)
				}
			}
		}
		if len(routed) < 7 {
			t.Errorf("%d routed resources, want >= 7", len(routed))
		}
		for res := range routed {
			if !anys[res] {
				t.Errorf("resource %s has routes but no ANY method: a wrong method gets the gateway's 403", res)
			}
		}
		for res := range anys {
			if !routed[res] {
				t.Errorf("resource %s has an ANY method but no route", res)
			}
		}

		want := []struct {
			typ    string
			status string
			code   catalog.Code
		}{
			{"MISSING_AUTHENTICATION_TOKEN", "404", catalog.CodeNotFound},
			{"INVALID_API_KEY", "401", catalog.CodeUnauthorized},
			{"BAD_REQUEST_BODY", "400", catalog.CodeInvalid},
			{"BAD_REQUEST_PARAMETERS", "400", catalog.CodeInvalid},
		}
		responses := map[string]resource{}
		for _, r := range s.resources("API", "AWS::ApiGateway::GatewayResponse") {
			responses[r.Props["ResponseType"].(string)] = r
		}
		if len(responses) != len(want) {
			t.Errorf("%d gateway responses, want %d", len(responses), len(want))
		}
		for _, w := range want {
			r, ok := responses[w.typ]
			if !ok {
				t.Errorf("no gateway response %s", w.typ)
				continue
			}
			if r.Props["StatusCode"] != w.status {
				t.Errorf("%s: status %v, want %s", w.typ, r.Props["StatusCode"], w.status)
			}
			body, _ := get(r.Props, "ResponseTemplates", "application/json").(string)
			var e struct {
				Error struct {
					Code    catalog.Code `json:"code"`
					Message string       `json:"message"`
				} `json:"error"`
			}
			dec := json.NewDecoder(strings.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil || e.Error.Code != w.code || e.Error.Message == "" || strings.ContainsAny(body, "$#") {
				t.Errorf("%s: body %q (%v), want the coded error %s with a message and no template syntax", w.typ, body, err, w.code)
			}
			hdr := func(name string) string {
				s, _ := get(r.Props, "ResponseParameters", "gatewayresponse.header."+name).(string)
				return s
			}
			if hdr("Content-Type") != "'application/json; charset=utf-8'" || hdr("X-Content-Type-Options") != "'nosniff'" || hdr("Cache-Control") != "'no-store'" {
				t.Errorf("%s: headers %s, want the API's", w.typ, jsonString(r.Props["ResponseParameters"]))
			}
			if (w.status == "401") != (hdr("WWW-Authenticate") != "") {
				t.Errorf("%s: WWW-Authenticate %q", w.typ, hdr("WWW-Authenticate"))
			}
		}
	})
}
