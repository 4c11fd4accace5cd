package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestAPIReadsPartnerKeys: the api Lambda resolves partner API keys from
// the records under partners/_keys/ in the bucket, so its role may read
// the bucket's objects; and the upload route's model lets a body omit
// "partner" (the key names it).
func TestAPIReadsPartnerKeys(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		apiTemplate := s.templates["API"]
		tpl := assertions.Template_FromJSON(&apiTemplate, nil)
		// The bucket's name comes from the Data stack's SSM parameter.
		bucket := ssmParameterRef(t, s, "API", s.cfg.ParameterName(paramBucketName))
		objects := map[string]any{"Fn::Join": []any{"", []any{
			"arn:", map[string]any{"Ref": "AWS::Partition"}, ":s3:::", map[string]any{"Ref": bucket}, "/*",
		}}}
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"Roles": assertions.Match_ArrayWith(&[]any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^HandlerFunctionServiceRole"))}}),
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
				"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Effect":   "Allow",
					"Action":   assertions.Match_ArrayWith(&[]any{"s3:GetObject*"}),
					"Resource": assertions.Match_ArrayWith(&[]any{objects}),
				})}),
			}),
		})
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Model"), map[string]any{
			"Schema": assertions.Match_ObjectLike(&map[string]any{"required": []any{"file"}}),
		})
	})
}

// TestOperationsDocNamesTheUsagePlans: the runbook's CLI commands find the
// partner's usage plan by the name the stack gives it.
func TestOperationsDocNamesTheUsagePlans(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(StageDev, nil, "", "eu-west-3")
	if err != nil {
		t.Fatal(err)
	}
	// The doc's shell uses $STAGE and $PARTNER; the stack's name for them.
	want := strings.NewReplacer(cfg.Stage, "$STAGE", "acme", "$PARTNER").Replace(cfg.PartnerUsagePlanName("acme"))
	for _, line := range []string{
		"aws apigateway get-usage-plans --query \"items[?name=='" + want + "'].id\" --output text",
		"aws apigateway create-api-key --name \"" + want + "-$(date +%Y%m%d)\"",
		"aws apigateway create-usage-plan-key --usage-plan-id \"$PLAN_ID\" --key-id \"$KEY_ID\" --key-type API_KEY",
	} {
		if !strings.Contains(string(doc), line) {
			t.Errorf("docs/operations.md lacks %q", line)
		}
	}
}
