package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// joined renders a CloudFormation value (a string or an Fn::Join of
// strings and intrinsics) as one string, each intrinsic shown as
// «Fn::Name:argument» (an import's export name, a GetAtt's resource).
func joined(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 && j[0] == "" {
			var b strings.Builder
			for _, part := range j[1].([]any) {
				b.WriteString(joined(t, part))
			}
			return b.String()
		}
		for name, arg := range x {
			if a, ok := arg.([]any); ok && len(a) > 0 {
				arg = a[0]
			}
			return fmt.Sprintf("«%s:%v»", name, arg)
		}
	}
	t.Fatalf("not a string or Fn::Join: %s", jsonString(v))
	return ""
}

// corsRules reads the CORS rules the UploadCors custom resource of a
// website template puts on the catalog bucket (on create and on update),
// and the bucket it names.
func corsRules(t *testing.T, props map[string]any) (bucket string, rules []map[string]any) {
	t.Helper()
	var calls []string
	for _, op := range []string{"Create", "Update"} {
		var call struct {
			Action     string `json:"action"`
			Service    string `json:"service"`
			Parameters struct {
				Bucket            string `json:"Bucket"`
				CORSConfiguration struct {
					CORSRules []map[string]any `json:"CORSRules"`
				} `json:"CORSConfiguration"`
			} `json:"parameters"`
		}
		raw := joined(t, props[op])
		if err := json.Unmarshal([]byte(raw), &call); err != nil {
			t.Fatalf("%s call %s: %v", op, raw, err)
		}
		if call.Service != "S3" || call.Action != "putBucketCors" {
			t.Fatalf("%s call is %s.%s, want S3.putBucketCors", op, call.Service, call.Action)
		}
		calls = append(calls, raw)
		bucket, rules = call.Parameters.Bucket, call.Parameters.CORSConfiguration.CORSRules
	}
	if calls[0] != calls[1] {
		t.Errorf("create and update set different rules:\n%s\n%s", calls[0], calls[1])
	}
	return bucket, rules
}

// checkUploadCORS checks the one CORS rule of the catalog bucket: the
// site's origin (exactly, never a wildcard) may POST, nothing else.
func checkUploadCORS(t *testing.T, website map[string]any, wantOrigin string, cfg StageConfig) {
	t.Helper()
	bucketRef := bucketParameter(t, website, cfg)
	res, _ := website["Resources"].(map[string]any)
	var found []map[string]any
	for id, r := range res {
		m := r.(map[string]any)
		if m["Type"] == "Custom::AWS" && strings.HasPrefix(id, "UploadCors") {
			found = append(found, m["Properties"].(map[string]any))
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d UploadCors custom resources, want 1", len(found))
	}
	bucket, rules := corsRules(t, found[0])
	if bucket != bucketRef {
		t.Errorf("CORS set on bucket %s, want the catalog bucket %s", bucket, bucketRef)
	}
	if len(rules) != 1 {
		t.Fatalf("CORS rules %v, want one", rules)
	}
	r := rules[0]
	if got := jsonString(r["AllowedOrigins"]); got != jsonString([]string{wantOrigin}) || strings.Contains(got, "*") {
		t.Errorf("AllowedOrigins %s, want exactly [%q]", got, wantOrigin)
	}
	if got := jsonString(r["AllowedMethods"]); got != `["POST"]` {
		t.Errorf("AllowedMethods %s, want [\"POST\"] (the presigned POST)", got)
	}
	for _, k := range []string{"AllowedHeaders", "ExposedHeaders"} {
		if r[k] != nil {
			t.Errorf("%s %v: the upload sends and reads no custom header", k, r[k])
		}
	}
	// Only s3:PutBucketCORS on that bucket, for the deploy-time call.
	var policies []string
	for id, r := range res {
		m := r.(map[string]any)
		if m["Type"] == "AWS::IAM::Policy" && strings.HasPrefix(id, "UploadCors") {
			policies = append(policies, jsonString(get(m["Properties"], "PolicyDocument", "Statement")))
		}
	}
	if len(policies) != 1 || !strings.Contains(policies[0], `"Action":"s3:PutBucketCORS"`) || strings.Count(policies[0], `"Action"`) != 1 ||
		!strings.Contains(policies[0], `":s3:::",{"Ref":"`+strings.TrimSuffix(strings.TrimPrefix(bucketRef, "«Ref:"), "»")+`"}`) || strings.Contains(policies[0], `"*"`) {
		t.Errorf("UploadCors policy %v, want s3:PutBucketCORS on the catalog bucket only", policies)
	}
}

// bucketParameter is the website template's reference («Ref:ID») to the
// SSM parameter through which the Data stack hands over the bucket's name.
func bucketParameter(t *testing.T, website map[string]any, cfg StageConfig) string {
	t.Helper()
	params, _ := website["Parameters"].(map[string]any)
	var ids []string
	for id, p := range params {
		if get(p, "Default") == cfg.ParameterName(paramBucketName) {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("website template parameters for %s: %v", cfg.ParameterName(paramBucketName), ids)
	}
	return "«Ref:" + ids[0] + "»"
}

// TestUploadCORS: partners' browsers post catalog files straight to the
// bucket (the API's presigned POST), so the bucket allows exactly the
// site's origin, POST only; the site's CSP may connect to the bucket's
// endpoint (CATALOG_UPLOAD_ORIGIN), which is where the API presigns.
func TestUploadCORS(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		dist := s.one(t, "Website", "AWS::CloudFront::Distribution", "Distribution")
		checkUploadCORS(t, s.templates["Website"], "https://«Fn::GetAtt:"+dist.ID+"»", s.cfg)
		php := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		origin := joined(t, get(php.Props, "Environment", "Variables", contract.EnvUploadOrigin))
		if want := "https://" + bucketParameter(t, s.templates["Website"], s.cfg) + ".s3.«Ref:AWS::Region».«Ref:AWS::URLSuffix»"; origin != want {
			t.Errorf("php %s = %s, want %s", contract.EnvUploadOrigin, origin, want)
		}
		if len(s.resources("Data", "AWS::S3::Bucket")) == 0 {
			t.Fatal("no bucket in the data stack")
		}
		for _, b := range s.resources("Data", "AWS::S3::Bucket") {
			if b.Props["CorsConfiguration"] != nil {
				t.Errorf("bucket %s has its own CORS %s: the website stack owns the rule", b.ID, jsonString(b.Props["CorsConfiguration"]))
			}
		}
	})
}
