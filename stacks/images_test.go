package stacks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// The images queue is FIFO with a FIFO dead-letter queue, gives a run six
// times the function's timeout, and, as the ingest queue, leaves room for
// throttled receives: its event source never polls more than the images
// function may run and reports partial batch failures.
func TestImagesQueueCannotDeadLetterByThrottling(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		q := s.one(t, "Data", "AWS::SQS::Queue", LogicalIDImagesQueue)
		dlq := s.one(t, "Data", "AWS::SQS::Queue", LogicalIDImagesDLQ)
		if q.Props["FifoQueue"] != true || dlq.Props["FifoQueue"] != true {
			t.Errorf("images queue FIFO %v, its DLQ FIFO %v: want both", q.Props["FifoQueue"], dlq.Props["FifoQueue"])
		}
		if jsonString(get(q.Props, "RedrivePolicy", "deadLetterTargetArn")) != jsonString(map[string]any{"Fn::GetAtt": []any{LogicalIDImagesDLQ, "Arn"}}) {
			t.Errorf("images queue redrive %s", jsonString(q.Props["RedrivePolicy"]))
		}
		if n, _ := get(q.Props, "RedrivePolicy", "maxReceiveCount").(float64); n < 5 {
			t.Errorf("images queue maxReceiveCount %v, want at least 5", n)
		}
		if q.Props["VisibilityTimeout"] != float64(6*s.cfg.Images.TimeoutSeconds) || q.Props["SqsManagedSseEnabled"] != true {
			t.Errorf("images queue: visibility %v (want 6 x %d), encryption %v", q.Props["VisibilityTimeout"], s.cfg.Images.TimeoutSeconds, q.Props["SqsManagedSseEnabled"])
		}

		fn := s.one(t, "Pipeline", "AWS::Lambda::Function", "ImagesFunction")
		reserved, _ := fn.Props["ReservedConcurrentExecutions"].(float64)
		if reserved != float64(s.cfg.Images.ReservedConcurrency) || fn.Props["Timeout"] != float64(s.cfg.Images.TimeoutSeconds) ||
			fn.Props["MemorySize"] != float64(s.cfg.Images.MemoryMiB) {
			t.Errorf("images function sizing: reserved %v, timeout %v, memory %v; config %+v", reserved, fn.Props["Timeout"], fn.Props["MemorySize"], s.cfg.Images)
		}
		var maps []resource
		for _, m := range s.resources("Pipeline", "AWS::Lambda::EventSourceMapping") {
			if strings.Contains(jsonString(m.Props["FunctionName"]), fn.ID) {
				maps = append(maps, m)
			}
		}
		if len(maps) != 1 {
			t.Fatalf("%d event sources on the images function", len(maps))
		}
		m := maps[0].Props
		if !strings.Contains(jsonString(m["EventSourceArn"]), "dataimagesqueuearn") {
			t.Errorf("images function reads %s, want the images queue", jsonString(m["EventSourceArn"]))
		}
		maxC, _ := get(m, "ScalingConfig", "MaximumConcurrency").(float64)
		if maxC < 2 || (reserved > 0 && maxC > reserved) {
			t.Errorf("event source maximum concurrency %v, reserved concurrency %v: want 2..reserved", maxC, reserved)
		}
		if jsonString(m["FunctionResponseTypes"]) != `["ReportBatchItemFailures"]` || m["BatchSize"] != float64(s.cfg.ImagesBatchSize) {
			t.Errorf("images event source %s", jsonString(m))
		}
	})
	for _, bad := range []string{`{"images":{"memoryMiB":1024,"timeoutSeconds":900,"reservedConcurrency":1}}`, `{"imagesBatchSize":11}`} {
		if _, err := LoadConfig(StageDev, json.RawMessage(bad), testAccount, ""); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// The ingest function sends one message per catalog to the images queue:
// it knows the queue's URL and may send to it, and only the images
// function may receive from it. The images function may write pictures
// and its records of URLs, and no other object of the bucket.
func TestIngestFeedsTheImagesFunction(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		ingest := s.one(t, "Pipeline", "AWS::Lambda::Function", "IngestFunction")
		url := jsonString(get(ingest.Props, "Environment", "Variables", contract.EnvImagesQueueURL))
		if !strings.Contains(url, "dataimagesqueuearn") || !strings.Contains(url, "https://sqs.") {
			t.Errorf("ingest %s = %s, want the images queue's URL", contract.EnvImagesQueueURL, url)
		}
		policies := map[string][]any{} // role -> its statements
		for _, p := range s.resources("Pipeline", "AWS::IAM::Policy") {
			policies[jsonString(p.Props["Roles"])] = append(policies[jsonString(p.Props["Roles"])], get(p.Props, "PolicyDocument", "Statement").([]any)...)
		}
		roleOf := func(fn resource) string {
			role, _ := get(fn.Props, "Role", "Fn::GetAtt").([]any)
			return jsonString([]any{map[string]any{"Ref": role[0]}})
		}
		ingestPolicy := jsonString(policies[roleOf(ingest)])
		if !strings.Contains(ingestPolicy, `"sqs:SendMessage"`) || !strings.Contains(ingestPolicy, "dataimagesqueuearn") {
			t.Errorf("the ingest role may not send to the images queue: %s", ingestPolicy)
		}
		images := s.one(t, "Pipeline", "AWS::Lambda::Function", "ImagesFunction")
		statements := policies[roleOf(images)]
		if len(statements) == 0 {
			t.Fatal("the images role has no policy")
		}
		for _, st := range statements {
			actions := jsonString(get(st, "Action"))
			if !strings.Contains(actions, "s3:PutObject") && !strings.Contains(actions, "s3:GetObject") {
				continue
			}
			resources, ok := get(st, "Resource").([]any)
			if !ok {
				resources = []any{get(st, "Resource")}
			}
			for _, r := range resources {
				res := jsonString(r)
				if strings.Contains(res, `"/`) && !strings.Contains(res, `"/`+contract.ImagesPrefix+`*"`) && !strings.Contains(res, `"/`+contract.ImageMetaPrefix+`*"`) {
					t.Errorf("the images role reaches objects outside images/ and imagemeta/: %s", res)
				}
			}
		}
		env, _ := get(images.Props, "Environment", "Variables").(map[string]any)
		if env[contract.EnvTable] == nil || env[contract.EnvBucket] == nil {
			t.Errorf("images function environment %s", jsonString(env))
		}
	})
}

// Loopback is refused in every deployed stage: the test-only variable
// that lets the images Lambda reach a local server is in no template.
func TestNoStackAllowsLoopbackImages(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for part, tmpl := range s.templates {
			if strings.Contains(jsonString(tmpl), contract.EnvTestImageHosts) {
				t.Errorf("the %s template names %s, which is for tests only", part, contract.EnvTestImageHosts)
			}
		}
	})
}

// CloudFront serves /images/* from the catalog bucket through origin
// access control, cached a year at the edge and in browsers (the keys are
// content-addressed), GET and HEAD only, over HTTPS, and nothing else of
// the bucket: the bucket policy lets CloudFront read images/* only, and
// no other behavior reaches the bucket.
func TestPicturesServedByCloudFront(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		pictures := checkPicturesOrigin(t, s)
		checkPicturesCaching(t, s, pictures)
		checkCloudFrontBucketPolicy(t, s)
	})
}

// checkPicturesOrigin checks the /images/* behavior and its origin (the
// catalog bucket, through origin access control, reached by no other
// behavior) and returns the behavior.
func checkPicturesOrigin(t *testing.T, s *synthesized) map[string]any {
	t.Helper()
	dist := s.one(t, "Website", "AWS::CloudFront::Distribution", "Distribution")
	dc := dist.Props["DistributionConfig"].(map[string]any)
	var pictures map[string]any
	for _, b := range dc["CacheBehaviors"].([]any) {
		if get(b, "PathPattern") == "/"+contract.ImagesPrefix+"*" {
			pictures = b.(map[string]any)
		}
	}
	if pictures == nil {
		t.Fatalf("no /images/* behavior: %s", jsonString(dc["CacheBehaviors"]))
	}
	if jsonString(pictures["AllowedMethods"]) != `["GET","HEAD"]` || pictures["ViewerProtocolPolicy"] != "redirect-to-https" {
		t.Errorf("/images/* behavior %s", jsonString(pictures))
	}
	var origin map[string]any
	bucketOrigins := 0
	for _, o := range dc["Origins"].([]any) {
		if strings.Contains(jsonString(get(o, "DomainName")), "databucketname") {
			bucketOrigins++
			if get(o, "Id") == pictures["TargetOriginId"] {
				origin = o.(map[string]any)
			}
		}
	}
	if origin == nil || bucketOrigins != 1 {
		t.Fatalf("/images/* goes to %v; %d origins on the catalog bucket, want that one", pictures["TargetOriginId"], bucketOrigins)
	}
	for _, b := range append(dc["CacheBehaviors"].([]any), dc["DefaultCacheBehavior"]) {
		if get(b, "TargetOriginId") == origin["Id"] && get(b, "PathPattern") != pictures["PathPattern"] {
			t.Errorf("behavior %v also reaches the catalog bucket", get(b, "PathPattern"))
		}
	}
	oacID, _ := get(origin, "OriginAccessControlId", "Fn::GetAtt").([]any)
	if len(oacID) == 0 || get(origin, "S3OriginConfig", "OriginAccessIdentity") != "" {
		t.Fatalf("the pictures origin has no origin access control: %s", jsonString(origin))
	}
	oac := s.one(t, "Website", "AWS::CloudFront::OriginAccessControl", oacID[0].(string))
	if c := oac.Props["OriginAccessControlConfig"]; get(c, "SigningBehavior") != "always" || get(c, "SigningProtocol") != "sigv4" || get(c, "OriginAccessControlOriginType") != "s3" {
		t.Errorf("origin access control %s", jsonString(c))
	}
	return pictures
}

// checkPicturesCaching checks the behavior's cache policy (a year, a cache
// key of the path only) and response headers (immutable, nosniff).
func checkPicturesCaching(t *testing.T, s *synthesized, pictures map[string]any) {
	t.Helper()
	policy := s.one(t, "Website", "AWS::CloudFront::CachePolicy", get(pictures, "CachePolicyId", "Ref").(string))
	c := policy.Props["CachePolicyConfig"].(map[string]any)
	if c["DefaultTTL"] != float64(PicturesMaxAgeSeconds) || c["MaxTTL"] != float64(PicturesMaxAgeSeconds) || c["MinTTL"].(float64) < 86400 {
		t.Errorf("pictures cache TTLs default %v, max %v, min %v: want a year, a year, at least a day", c["DefaultTTL"], c["MaxTTL"], c["MinTTL"])
	}
	keyed := jsonString(c["ParametersInCacheKeyAndForwardedToOrigin"])
	for _, none := range []string{`"CookieBehavior":"none"`, `"HeaderBehavior":"none"`, `"QueryStringBehavior":"none"`} {
		if !strings.Contains(keyed, none) {
			t.Errorf("the pictures cache key varies: %s", keyed)
		}
	}
	headers := s.one(t, "Website", "AWS::CloudFront::ResponseHeadersPolicy", get(pictures, "ResponseHeadersPolicyId", "Ref").(string))
	if h := jsonString(headers.Props); !strings.Contains(h, `"Header":"Cache-Control"`) || !strings.Contains(h, `"Value":"public, max-age=31536000, immutable"`) ||
		!strings.Contains(h, `"ContentTypeOptions"`) {
		t.Errorf("pictures response headers %s", h)
	}
}

// checkCloudFrontBucketPolicy checks that CloudFront may read images/* of
// the catalog bucket, with source conditions, and nothing else of any
// bucket of the Data stack.
func checkCloudFrontBucketPolicy(t *testing.T, s *synthesized) {
	t.Helper()
	found := 0
	for _, p := range s.resources("Data", "AWS::S3::BucketPolicy") {
		catalogBucket := jsonString(p.Props["Bucket"]) == `{"Ref":"`+LogicalIDCatalogBucket+`"}`
		for _, st := range get(p.Props, "PolicyDocument", "Statement").([]any) {
			if !strings.Contains(jsonString(get(st, "Principal")), "cloudfront") {
				continue
			}
			found++
			res := jsonString(get(st, "Resource"))
			if !catalogBucket || get(st, "Effect") != "Allow" || jsonString(get(st, "Action")) != `"s3:GetObject"` ||
				!strings.HasSuffix(res, `"/`+contract.ImagesPrefix+`*"]]}`) || strings.Count(res, "Fn::Join") != 1 {
				t.Errorf("CloudFront's statement reaches beyond the catalog bucket's images/*: %s", jsonString(st))
			}
			if get(st, "Condition", "StringEquals", "AWS:SourceAccount") == nil ||
				!strings.Contains(jsonString(get(st, "Condition", "ArnLike", "AWS:SourceArn")), ":cloudfront::") {
				t.Errorf("CloudFront's statement has no source condition: %s", jsonString(st))
			}
		}
	}
	if found != 1 {
		t.Errorf("%d statements for CloudFront in the Data stack's bucket policies, want 1", found)
	}
}
