package stacks

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// checkovSkip is a checkov check that does not apply to some resources,
// and why. checkov reads the skips from each resource's Metadata:
//
//	Metadata: {checkov: {skip: [{id: CKV_AWS_117, comment: "..."}]}}
type checkovSkip struct {
	id, reason string
	cfnType    string                                  // resource type it concerns
	applies    func(cfg StageConfig, path string) bool // nil: every resource of the type
}

func always(StageConfig, string) bool { return true }

func pathHas(parts ...string) func(StageConfig, string) bool {
	return func(_ StageConfig, path string) bool {
		for _, p := range parts {
			if strings.Contains(path, p) {
				return true
			}
		}
		return false
	}
}

// checkovSkips lists every skipped checkov check with its reason.
func checkovSkips() []checkovSkip {
	return []checkovSkip{
		// The analytics function, invoked asynchronously by CloudWatch Logs, has a DLQ.
		{id: "CKV_AWS_116", cfnType: "AWS::Lambda::Function", applies: func(_ StageConfig, path string) bool { return !strings.Contains(path, "/Analytics/") }, reason: "Invoked synchronously (event source mappings, API Gateway, function URL, CloudFormation): failures go to the SQS redrive DLQ or the stream on-failure queue; an async DLQ would never receive anything."},
		{id: "CKV_AWS_117", cfnType: "AWS::Lambda::Function", reason: "No VPC resources to reach: S3, DynamoDB and the OpenSearch domain are reached over HTTPS with IAM (SigV4); a VPC would add NAT gateways to every stage."},
		{id: "CKV_AWS_173", cfnType: "AWS::Lambda::Function", applies: func(_ StageConfig, path string) bool { return !strings.Contains(path, "/Php/") },
			reason: "Environment variables hold resource names and URLs only, never secrets; Lambda encrypts them at rest with its service key."},
		{id: "CKV_AWS_173", cfnType: "AWS::Lambda::Function", applies: pathHas("/Php/"),
			reason: "Besides names and URLs, the site function's environment holds the session-sealing secret and the origin secret, put there at deploy time from Secrets Manager by a dynamic reference (never in the template); Lambda encrypts it at rest with its service key, and only the function's execution role and the account's administrators can read the configuration."},
		{id: "CKV_AWS_149", cfnType: "AWS::SecretsManager::Secret",
			reason: "The site's session-sealing secret and the origin secret: encrypted with the account's aws/secretsmanager key; a customer key would add key management and cost without changing who can read it (the deploy role and administrators)."},
		{id: "CKV_AWS_115", cfnType: "AWS::Lambda::Function", applies: pathHas("/Handler/", "/Php", "Custom::", "CustomS3AutoDeleteObjects", "BucketNotificationsHandler", "AWS679f53fac002430cb0da5b7982bd2287"),
			reason: "Request-serving (api, web) and deploy-time helper functions: API Gateway stage throttling and usage plans bound their concurrency; reserving it would throttle buyers. The pipeline Lambdas that can overrun OpenSearch and DynamoDB have reserved concurrency."},
		{id: "CKV_AWS_158", cfnType: "AWS::Logs::LogGroup", reason: "CloudWatch Logs encrypts every log group at rest; the project logs no secrets or personal data, so a customer key per log group adds cost and key management without protecting anything more."},
		{id: "CKV_AWS_119", cfnType: "AWS::DynamoDB::Table", reason: "Encrypted at rest with the AWS-managed key (SSESpecification); the table holds public product catalog data."},
		{id: "CKV_AWS_28", cfnType: "AWS::DynamoDB::Table", applies: func(cfg StageConfig, _ string) bool { return !cfg.PointInTimeRecovery },
			reason: "PITR is off in this stage by choice (StageConfig.PointInTimeRecovery): its data is reloaded by ingesting the catalog files again. Staging and prod have it on."},
		{id: "CKV_AWS_120", cfnType: "AWS::ApiGateway::Stage", reason: "Search results must reflect the catalog within seconds of an ingest; a cache cluster bills hourly and would serve stale products."},
		{id: "CKV_AWS_59", cfnType: "AWS::ApiGateway::Method", applies: func(_ StageConfig, path string) bool {
			return strings.HasSuffix(path, "/GET/Resource") || strings.HasSuffix(path, "/OPTIONS/Resource")
		},
			reason: "Read routes of the public catalog search (and CORS preflight): anonymous by design; the write routes require a partner API key."},
		{id: "CKV_AWS_59", cfnType: "AWS::ApiGateway::Method", applies: func(_ StageConfig, path string) bool { return strings.HasSuffix(path, "/ANY/Resource") },
			reason: "Catch-all for the methods no route takes (API Gateway prefers a resource's specific methods, so the POST routes keep their API key): the api Lambda answers them 405 with Allow, or 401 on a partner route without a valid key."},
		{id: "CKV_AWS_174", cfnType: "AWS::CloudFront::Distribution", applies: func(cfg StageConfig, _ string) bool { return cfg.DomainName == "" },
			reason: "No custom domain in this stage: the default *.cloudfront.net certificate's security policy is fixed by CloudFront. With domainName set, TLSv1.2_2021 is enforced."},
		{id: "CKV_AWS_68", cfnType: "AWS::CloudFront::Distribution", applies: func(cfg StageConfig, _ string) bool { return !cfg.WAF },
			reason: "WAF is a prod choice (StageConfig.WAF): there the distribution has the Edge stack's web ACL; dev and staging rely on API Gateway throttling."},
		{id: "CKV_AWS_18", cfnType: "AWS::S3::Bucket", applies: pathHas("/"+LogicalIDAccessLogsBucket+"/", "/SiteLogs/"),
			reason: "This bucket is the access-log destination itself; logging it to itself would loop."},
		{id: "CKV_AWS_27", cfnType: "AWS::SQS::Queue", reason: "Encrypted with SSE-SQS (SqsManagedSseEnabled); checkov only recognises KMS keys."},
		{id: "CKV_AWS_317", cfnType: "AWS::OpenSearchService::Domain", reason: "Audit logs need fine-grained access control; access here is IAM-only (SigV4 by the project's roles), recorded by CloudTrail. Slow and error logs are on."},
		{id: "CKV_AWS_111", cfnType: "AWS::IAM::Policy", applies: pathHas("Custom::CDKBucketDeployment"),
			reason: "Policy the CDK generates for its asset deployment helper: it writes the site's static assets into the assets bucket."},
	}
}

// addCheckovSkips records the skips of checkovSkips on the matching
// CloudFormation resources of stack.
func addCheckovSkips(cfg StageConfig, stack awscdk.Stack) {
	skips := checkovSkips()
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		res, ok := c.(awscdk.CfnResource)
		if !ok || !*awscdk.CfnResource_IsCfnResource(c) {
			continue
		}
		typ := *res.CfnResourceType()
		path := *c.Node().Path()
		var entries []map[string]string
		for _, s := range skips {
			applies := s.applies
			if applies == nil {
				applies = always
			}
			if s.cfnType == typ && applies(cfg, path) {
				entries = append(entries, map[string]string{"id": s.id, "comment": s.reason})
			}
		}
		if len(entries) > 0 {
			res.AddMetadata(jsii.String("checkov"), map[string]any{"skip": entries})
		}
	}
}
