package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// EdgeStack holds what CloudFront requires in us-east-1: the web ACL of
// the distribution. It exists in stages with StageConfig.WAF.
//
// The distribution (Website stack, the stage's region) needs the ACL's
// ARN. CloudFormation cannot import across regions, so this stack writes
// the ARN into an SSM parameter in the stage's region (a deploy-time SDK
// call, EdgeWebACLParameter) and the Website stack reads that parameter;
// the Website stack depends on this one explicitly. See
// docs/architecture.md ("Cross-stack values") for why this is not the
// CDK's crossRegionReferences.
type EdgeStack struct {
	awscdk.Stack
	WebACL awswafv2.CfnWebACL
	// WebACLParameter is the name of the SSM parameter, in the stage's
	// region, that holds the web ACL's ARN.
	WebACLParameter string
}

// EdgeWebACLParameter is the key (StageConfig.ParameterName) of the SSM
// parameter holding the CloudFront web ACL's ARN.
const EdgeWebACLParameter = "edge/web-acl-arn"

// NewEdgeStack defines cfg's CloudFront web ACL in us-east-1.
func NewEdgeStack(scope constructs.Construct, cfg StageConfig, props *awscdk.StackProps) *EdgeStack {
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: CloudFront web ACL (us-east-1)", cfg.Stage))
	env := &awscdk.Environment{Region: jsii.String(EdgeRegion)}
	if cfg.Account != "" {
		env.Account = jsii.String(cfg.Account)
	}
	props.Env = env
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("Edge")), props)
	s := &EdgeStack{Stack: stack, WebACLParameter: cfg.ParameterName(EdgeWebACLParameter)}

	// AWS managed rules, every rule blocking (catalog files go from the
	// browser straight to S3, so no request through CloudFront carries a
	// body over the common rule set's 8 KB limit), then a rate limit keyed
	// on the IP address the request came from, which a client cannot choose
	// (unlike X-Forwarded-For).
	s.WebACL = awswafv2.NewCfnWebACL(stack, jsii.String("WebAcl"), &awswafv2.CfnWebACLProps{
		Scope:            jsii.String("CLOUDFRONT"),
		Description:      jsii.String("Catalog Search " + cfg.Stage + ": in front of the CloudFront distribution"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: map[string]any{}},
		VisibilityConfig: wafVisibility(cfg.Prefix() + "-edge"),
		Rules: &[]any{
			managedRuleGroup("AWSManagedRulesCommonRuleSet", 1),
			managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 2),
			&awswafv2.CfnWebACL_RuleProperty{
				Name:     jsii.String("RateLimitPerIp"),
				Priority: jsii.Number(3),
				Action:   &awswafv2.CfnWebACL_RuleActionProperty{Block: map[string]any{}},
				Statement: &awswafv2.CfnWebACL_StatementProperty{
					RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
						Limit:            jsii.Number(float64(cfg.EdgeRateLimit)),
						AggregateKeyType: jsii.String("IP"),
					},
				},
				VisibilityConfig: wafVisibility("RateLimitPerIp"),
			},
		},
	})

	// The ARN goes to the stage's region, where the Website stack reads it.
	region := cfg.Region
	paramArn := fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s", *awscdk.Aws_PARTITION(), region, *stack.Account(), s.WebACLParameter)
	put := &customresources.AwsSdkCall{
		Service: jsii.String("SSM"),
		Action:  jsii.String("putParameter"),
		Parameters: map[string]any{
			"Name":        s.WebACLParameter,
			"Value":       s.WebACL.AttrArn(),
			"Type":        "String",
			"Overwrite":   true,
			"Description": "Catalog Search " + cfg.Stage + ": ARN of the CloudFront web ACL (written by " + cfg.StackName("Edge") + ")",
		},
		Region:             jsii.String(region),
		PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String(s.WebACLParameter)),
	}
	customresources.NewAwsCustomResource(stack, jsii.String("WebAclArnParameter"), &customresources.AwsCustomResourceProps{
		ResourceType: jsii.String("Custom::EdgeWebAclArnParameter"),
		OnCreate:     put,
		OnUpdate:     put,
		OnDelete: &customresources.AwsSdkCall{
			Service:                  jsii.String("SSM"),
			Action:                   jsii.String("deleteParameter"),
			Parameters:               map[string]any{"Name": s.WebACLParameter},
			Region:                   jsii.String(region),
			IgnoreErrorCodesMatching: jsii.String("ParameterNotFound"),
		},
		Policy: customresources.AwsCustomResourcePolicy_FromStatements(&[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("ssm:PutParameter", "ssm:DeleteParameter"),
				Resources: jsii.Strings(paramArn),
			}),
		}),
		InstallLatestAwsSdk: jsii.Bool(false),
		LogGroup: awslogs.NewLogGroup(stack, jsii.String("WebAclArnParameterLogs"), &awslogs.LogGroupProps{
			Retention:     cfg.LogRetention(),
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		}),
	})
	suppressCDKSingletons(stack, "AWS679f53fac002430cb0da5b7982bd2287", cdkHandlerFindings()...)
	return s
}

// wafVisibility turns on the metrics and sampled requests of a web ACL or rule.
func wafVisibility(name string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
	return &awswafv2.CfnWebACL_VisibilityConfigProperty{
		CloudWatchMetricsEnabled: jsii.Bool(true),
		MetricName:               jsii.String(name),
		SampledRequestsEnabled:   jsii.Bool(true),
	}
}

// managedRuleGroup is an AWS managed rule group at priority, every rule of
// it blocking.
func managedRuleGroup(name string, priority float64) *awswafv2.CfnWebACL_RuleProperty {
	return &awswafv2.CfnWebACL_RuleProperty{
		Name:           jsii.String(name),
		Priority:       jsii.Number(priority),
		OverrideAction: &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}},
		Statement: &awswafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{
			VendorName: jsii.String("AWS"),
			Name:       jsii.String(name),
		}},
		VisibilityConfig: wafVisibility(name),
	}
}
