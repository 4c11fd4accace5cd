package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// ApplyNag adds the cdk-nag AwsSolutions and Serverless rule packs to every
// construct of app: each finding becomes an error or warning annotation, and
// `cdk synth` fails on errors. Suppressions are declared next to the resource
// they concern (see suppress), each with the rule ID and a reason.
func ApplyNag(app awscdk.App) {
	aspects := awscdk.Aspects_Of(app)
	aspects.Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	aspects.Add(cdknag.NewServerlessChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}
