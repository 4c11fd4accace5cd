package stacks

import (
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
		objects := map[string]any{"Fn::Join": []any{"", []any{
			map[string]any{"Fn::ImportValue": assertions.Match_StringLikeRegexp(jsii.String("CatalogBucketArn"))}, "/*",
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
