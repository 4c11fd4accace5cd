package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
)

// logsLifecycle is the lifecycle of a bucket of logs (S3 access logs,
// CloudFront logs): objects expire after the stage's AccessLogsExpireDays,
// replaced versions and unfinished uploads after a day. id names the rule.
func logsLifecycle(id string, cfg StageConfig) *[]*awss3.LifecycleRule {
	return &[]*awss3.LifecycleRule{{
		Id:                                  jsii.String(id),
		Expiration:                          awscdk.Duration_Days(jsii.Number(float64(cfg.AccessLogsExpireDays))),
		NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(1)),
		AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
	}}
}

// alnumSecret is how Secrets Manager generates the stacks' secrets: 64
// letters and digits, which is also valid base64 of 48 random bytes.
func alnumSecret() *awssecretsmanager.SecretStringGenerator {
	return &awssecretsmanager.SecretStringGenerator{
		PasswordLength:          jsii.Number(64),
		ExcludePunctuation:      jsii.Bool(true),
		IncludeSpace:            jsii.Bool(false),
		RequireEachIncludedType: jsii.Bool(false),
	}
}
