package stacks

import (
	"path"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// Inputs are the files the app deploys, outside the stage configuration.
type Inputs struct {
	Builder *GoBuilder // builds the Lambda folders of the module
	// LambdasDir is the folder, relative to the module root, that holds one
	// package folder per Go Lambda: the Lambda named n is built from
	// LambdasDir/n (LambdaDir). Empty means DefaultLambdasDir.
	LambdasDir string
	// EveryLambdaFrom, when set, builds every Lambda from this one folder
	// instead (tests working on the stacks while a Lambda does not compile).
	EveryLambdaFrom string
	WebDir          string // the PHP site (web/ of the module)
	// Composer is the Composer command that installs the site's runtime
	// (web/composer.json: Bref) into its Lambda code at synth time; empty:
	// `composer` from PATH. Tests give a stub (stacks/testdata/composer).
	Composer string
	// ParseSynonyms parses a synonyms file as the Lambdas will (the search
	// package's parser, given by the app): see CheckSynonymsFile.
	ParseSynonyms func(path string) error
}

// DefaultLambdasDir is the layout of the repository: lambdas/<name>.
const DefaultLambdasDir = "lambdas"

// LambdaDir is the package folder of the Lambda named name, relative to the
// module root: adding a Lambda is a folder under lambdas/ and one
// NewGoFunction call with Dir: in.LambdaDir(name).
func (in Inputs) LambdaDir(name string) string {
	if in.EveryLambdaFrom != "" {
		return in.EveryLambdaFrom
	}
	dir := in.LambdasDir
	if dir == "" {
		dir = DefaultLambdasDir
	}
	return path.Join(dir, name)
}

// CatalogSearch is one stage's set of stacks.
type CatalogSearch struct {
	Config     StageConfig
	Data       *DataStack
	Pipeline   *PipelineStack
	API        *APIStack
	Website    *WebsiteStack
	Edge       *EdgeStack // nil without StageConfig.WAF
	Monitoring *MonitoringStack
}

// NewCatalogSearch defines every stack of cfg's stage in app, records the
// checkov skips, and applies the cdk-nag rule packs (whose suppressions sit
// next to the resources they concern).
func NewCatalogSearch(app awscdk.App, cfg StageConfig, in Inputs) *CatalogSearch {
	props := func() *awscdk.StackProps {
		p := &awscdk.StackProps{
			Tags: &map[string]*string{"project": jsii.String("catalogsearch"), "stage": jsii.String(cfg.Stage)},
		}
		if cfg.Account != "" || cfg.Region != "" {
			p.Env = &awscdk.Environment{}
			if cfg.Account != "" {
				p.Env.Account = jsii.String(cfg.Account)
			}
			if cfg.Region != "" {
				p.Env.Region = jsii.String(cfg.Region)
			}
		}
		return p
	}
	if in.Builder != nil {
		if err := CheckSynonymsFile(cfg, in.Builder.ModuleDir(), in.ParseSynonyms); err != nil {
			panic(err) // before any stack: the synth fails with the file and the line
		}
		if _, err := cfg.SiteRates(in.Builder.ModuleDir()); err != nil {
			panic(err) // before any stack, as for the synonyms
		}
	}
	cs := &CatalogSearch{Config: cfg}
	cs.Data = NewDataStack(app, cfg, props())
	// The stacks pass values through SSM parameters (handoff.go), not
	// exports: the order of deployment is written here.
	cs.Pipeline = NewPipelineStack(app, cfg, in, props())
	cs.Pipeline.AddStackDependency(cs.Data.Stack, jsii.String("the Data stack's resources (SSM parameters "+cfg.ParameterName("data/*")+")"))
	cs.API = NewAPIStack(app, cfg, in, props())
	cs.API.AddStackDependency(cs.Data.Stack, jsii.String("the Data stack's resources (SSM parameters "+cfg.ParameterName("data/*")+")"))
	if cfg.WAF {
		cs.Edge = NewEdgeStack(app, cfg, props())
	}
	cs.Website = NewWebsiteStack(app, cfg, in, cs.Edge, props())
	cs.Website.AddStackDependency(cs.Data.Stack, jsii.String("the catalog bucket, whose CORS it sets (SSM parameter "+cfg.ParameterName(paramBucketName)+")"))
	cs.Website.AddStackDependency(cs.API.Stack, jsii.String("the REST API and the origin secret (SSM parameters "+cfg.ParameterName("api/*")+", "+cfg.ParameterName(OriginSecretParameter)+")"))
	cs.Monitoring = NewMonitoringStack(app, cfg, cs.API, props())
	for _, st := range []awscdk.Stack{cs.Data.Stack, cs.Pipeline.Stack, cs.API.Stack, cs.Website.Stack} {
		cs.Monitoring.AddStackDependency(st, jsii.String("watches its resources (SSM parameters "+cfg.ParameterName("*")+")"))
	}
	for _, st := range cs.Stacks() {
		setLogRetention(cfg, st)
		addCheckovSkips(cfg, st)
	}
	ApplyNag(app)
	return cs
}

// Stacks returns the stage's stacks in deployment order.
func (cs *CatalogSearch) Stacks() []awscdk.Stack {
	out := []awscdk.Stack{cs.Data.Stack, cs.Pipeline.Stack, cs.API.Stack}
	if cs.Edge != nil {
		out = append(out, cs.Edge.Stack)
	}
	return append(out, cs.Website.Stack, cs.Monitoring.Stack)
}

// NewApp returns a CDK app with the feature flags the stacks are written
// for, so the CLI app and the tests synthesize the same templates.
func NewApp(outdir string) awscdk.App {
	props := &awscdk.AppProps{Context: &map[string]any{
		// Access-log delivery is granted by bucket policy, so the log buckets
		// can keep ACLs disabled (BUCKET_OWNER_ENFORCED).
		"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
		// The stacks hand values over through SSM parameters (handoff.go);
		// a direct reference that slipped in would be a strong export, which
		// TestCrossStackValuesUseParameters refuses.
		"@aws-cdk/core:defaultCrossStackReferences": "strong",
		// Custom resources use the SDK of the Lambda runtime; no download
		// at deploy time.
		"@aws-cdk/customresources:installLatestAwsSdkDefault": false,
		// Resources name their asset folder (aws:asset:path), as under the
		// CLI, so tests and SAM-style local tools can find the bundles.
		"aws:cdk:enable-asset-metadata": true,
		// Lambdas the CDK adds itself (custom resource handlers) get a log
		// group in the template, so that its retention can be set
		// (setLogRetention), instead of one Lambda creates on first use.
		"@aws-cdk/aws-lambda:useCdkManagedLogGroup": true,
	}}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}
