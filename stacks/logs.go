package stacks

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// helperHandlers are the IDs of CDK helper Lambdas that are not
// awslambda.Function constructs, so no feature flag gives them a log group,
// and the custom resource types that invoke them during a deployment.
func helperHandlers() map[string]string {
	return map[string]string{
		"BucketNotificationsHandler":                        "Custom::S3BucketNotifications",
		"Custom::S3AutoDeleteObjectsCustomResourceProvider": "Custom::S3AutoDeleteObjects",
	}
}

// setLogRetention gives every log group of stack the stage's retention,
// including those the CDK adds for its helper Lambdas, and defines the log
// groups of the helper Lambdas that would otherwise get one, with no
// retention, on their first invocation.
func setLogRetention(cfg StageConfig, stack awscdk.Stack) {
	for _, c := range *stack.Node().Children() {
		id := *c.Node().Id()
		for prefix, invokerType := range helperHandlers() {
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			fn := findCfn(c, "AWS::Lambda::Function")
			if fn == nil {
				continue
			}
			lg := awslogs.NewLogGroup(stack, jsii.String(strings.ReplaceAll(id, ":", "")+"Logs"), &awslogs.LogGroupProps{
				LogGroupName:  jsii.String("/aws/lambda/" + *fn.Ref()),
				Retention:     cfg.LogRetention(),
				RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
			})
			// The group must exist before the helper's first run, which a
			// custom resource triggers: make every such resource wait for it.
			for _, r := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
				if res, ok := r.(awscdk.CfnResource); ok && *awscdk.CfnResource_IsCfnResource(r) && *res.CfnResourceType() == invokerType {
					res.Node().AddDependency(lg)
				}
			}
		}
	}
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if lg, ok := c.(awslogs.CfnLogGroup); ok && *awscdk.CfnResource_IsCfnResource(c) && *lg.CfnResourceType() == "AWS::Logs::LogGroup" {
			lg.SetRetentionInDays(jsii.Number(float64(cfg.LogRetentionDays)))
		}
	}
}

// findCfn returns the first CloudFormation resource of type typ under c.
func findCfn(c constructs.IConstruct, typ string) awscdk.CfnResource {
	for _, n := range *c.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if res, ok := n.(awscdk.CfnResource); ok && *awscdk.CfnResource_IsCfnResource(n) && *res.CfnResourceType() == typ {
			return res
		}
	}
	return nil
}
