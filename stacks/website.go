package stacks

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// WebsiteStack serves the PHP site of web/ unchanged: PHP-FPM on Lambda with
// the Bref layer behind an HTTP API and CloudFront, /api/* routed to the REST
// API, /assets/* from S3 through origin access control. Partners' browsers
// send catalog files straight to the catalog bucket (presigned POST), whose
// CORS this stack sets for the site's origin (UploadCORS).
type WebsiteStack struct {
	awscdk.Stack
	Function     awslambda.Function
	SiteAPI      awsapigatewayv2.HttpApi
	LogGroup     awslogs.LogGroup
	Assets       awss3.Bucket
	Logs         awss3.Bucket
	Distribution awscloudfront.Distribution
	SiteSecret   awssecretsmanager.Secret
	// UploadCORS sets the catalog bucket's CORS rule: the site's origin
	// may POST files (S3 presigned POST), nothing else.
	UploadCORS customresources.AwsCustomResource
	// PicturesCache caches /images/* (content-addressed keys) for a year.
	PicturesCache awscloudfront.CachePolicy
}

// NewWebsiteStack defines the site of cfg's stage. webDir is the site's
// folder (in.WebDir, holding public/index.php and public/assets), bundled
// with Bref's runtime by in.Composer (sitebundle.go); edge is the stage's
// CloudFront web ACL stack, nil without StageConfig.WAF. The REST API and
// the origin secret come from the API stack's SSM parameters, the catalog
// bucket (whose CORS it sets for the site's uploads) from the Data stack's.
func NewWebsiteStack(scope constructs.Construct, cfg StageConfig, in Inputs, edge *EdgeStack, props *awscdk.StackProps) *WebsiteStack {
	webDir := in.WebDir
	for _, p := range []string{"public/index.php", "public/assets"} {
		if _, err := os.Stat(filepath.Join(webDir, p)); err != nil {
			panic(fmt.Sprintf("website: %s/%s is missing: %v", webDir, p, err))
		}
	}
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: PHP website (Bref) behind CloudFront", cfg.Stage))
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("Website")), props)
	s := &WebsiteStack{Stack: stack}
	restAPIID := *lookup(stack, cfg, paramRestAPIID)
	bucketName := lookup(stack, cfg, paramBucketName)

	// Access logs of the assets bucket and CloudFront standard logs.
	// CloudFront's log delivery needs ACLs; BUCKET_OWNER_PREFERRED allows
	// them and still makes the account own every object.
	s.Logs = awss3.NewBucket(stack, jsii.String("SiteLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		Versioned:         jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
		AutoDeleteObjects: jsii.Bool(true),
		LifecycleRules:    logsLifecycle("expire-site-logs", cfg),
	})
	s.Assets = awss3.NewBucket(stack, jsii.String("SiteAssets"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: s.Logs,
		ServerAccessLogsPrefix: jsii.String("assets-bucket/"),
		RemovalPolicy:          awscdk.RemovalPolicy_DESTROY,
		AutoDeleteObjects:      jsii.Bool(true),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                          jsii.String("expire-old-assets"),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(7)),
		}},
	})

	// The secret that seals partner sessions in a cookie (stateless: any
	// instance of the function reads any partner's session). Secrets Manager
	// generates it (64 letters and digits: valid base64 of 48 random bytes);
	// the function gets it through a CloudFormation dynamic reference,
	// resolved at deploy time, so its value is never in the template or the
	// cloud assembly. Rotation: raise siteSecretGeneration (a new secret, a
	// new reference, so the function is updated; docs/deploy.md).
	s.SiteSecret = awssecretsmanager.NewSecret(stack, jsii.String(fmt.Sprintf("SiteSecretG%d", cfg.SiteSecretGeneration)), &awssecretsmanager.SecretProps{
		Description:          jsii.String(fmt.Sprintf("Catalog Search %s: seals partner sign-in cookies of the site (generation %d)", cfg.Stage, cfg.SiteSecretGeneration)),
		GenerateSecretString: alnumSecret(),
		RemovalPolicy:        awscdk.RemovalPolicy_DESTROY,
	})
	suppress(s.SiteSecret, true, finding{"AwsSolutions-SMG4",
		"Rotated on purpose by raising siteSecretGeneration (docs/deploy.md): a scheduled rotation would need a rotation Lambda and would not reach the function, which reads the value at deploy time; rotating signs every partner out."})

	// The origin secret of the API stack, found through its SSM parameter
	// (resolved by CloudFormation at each deploy of this stack) and read as
	// a dynamic reference: CloudFront sends it to both origins, and the
	// site checks it (web/src/OriginGuard.php) and sends it to the API.
	originSecretArn := awsssm.StringParameter_ValueForStringParameter(stack, jsii.String(cfg.ParameterName(OriginSecretParameter)), nil)
	originSecret := awscdk.SecretValue_SecretsManager(originSecretArn, nil).UnsafeUnwrap()
	originHeaders := &map[string]*string{contract.OriginVerifyHeader: originSecret}

	s.LogGroup = awslogs.NewLogGroup(stack, jsii.String("PhpLogs"), &awslogs.LogGroupProps{
		Retention:     cfg.LogRetention(),
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	siteEnv := map[string]*string{
		contract.EnvAPIBaseURL: jsii.String(APIBaseURL(stack, restAPIID)),
		// The browser posts catalog files here (the API's presigned
		// POSTs): the pages' CSP lets them connect to it.
		contract.EnvUploadOrigin: bucketOrigin(bucketName),
		contract.EnvStage:        jsii.String(cfg.Stage),
		// Bref 3 layers serve every runtime; this picks PHP-FPM.
		EnvBrefRuntime: jsii.String(BrefRuntimeFPM),
		// {{resolve:secretsmanager:...}}: CloudFormation resolves it when
		// it deploys the function; the template holds only the reference.
		contract.EnvSiteSecret: s.SiteSecret.SecretValue().UnsafeUnwrap(),
		// Requests without it went around CloudFront: refused.
		contract.EnvOriginSecret: originSecret,
	}
	// The operator's dated exchange rates, when the stage names a file.
	if in.Builder != nil {
		rates, err := cfg.SiteRates(in.Builder.ModuleDir())
		if err != nil {
			panic(err)
		}
		if rates != "" {
			siteEnv[contract.EnvRates] = jsii.String(rates)
		}
	}
	s.Function = awslambda.NewFunction(stack, jsii.String("Php"), &awslambda.FunctionProps{
		Description:  jsii.String("The PHP site (PHP-FPM through the Bref layer)"),
		Runtime:      WebRuntime(),
		Architecture: WebArchitecture(),
		// Bref's FPM runtime (BREF_RUNTIME=fpm) serves every request through
		// this script, relative to the task root: the same front controller
		// php -S uses locally.
		Handler: jsii.String(WebHandler),
		// What the site runs (web/ without its tests and browser tooling)
		// and the Composer vendor folder with Bref's runtime, which Bref 3's
		// bootstrap requires: installed at synth time on this machine by
		// `composer install --no-dev` (sitebundle.go), never by Docker.
		Code: awslambda.Code_FromAsset(jsii.String(webDir), &awss3assets.AssetOptions{
			AssetHashType: awscdk.AssetHashType_OUTPUT,
			Bundling: &awscdk.BundlingOptions{
				// Required by the type; never pulled, local bundling always answers.
				Image: awscdk.DockerImage_FromRegistry(jsii.String("local-composer-bundling-only")),
				Local: &siteBundling{webDir: webDir, composer: in.Composer},
			},
		}),
		Layers: &[]awslambda.ILayerVersion{
			awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("BrefPhp84"), jsii.String(cfg.BrefLayerArn)),
		},
		MemorySize:  jsii.Number(float64(cfg.Web.MemoryMiB)),
		Timeout:     awscdk.Duration_Seconds(jsii.Number(float64(cfg.Web.TimeoutSeconds))),
		Environment: &siteEnv,
		Tracing:     awslambda.Tracing_ACTIVE,
		LogGroup:    s.LogGroup,
	})
	// The site's origin is an HTTP API in front of the PHP function: it
	// passes browser form POSTs through as they are (a Lambda function URL
	// behind origin access control would need every POST body signed by the
	// browser), and Bref's FPM runtime understands its events.
	siteLogs := awslogs.NewLogGroup(stack, jsii.String("SiteAccessLogs"), &awslogs.LogGroupProps{
		Retention:     cfg.LogRetention(),
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	httpAPI := awsapigatewayv2.NewHttpApi(stack, jsii.String("SiteApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(cfg.Prefix() + "-site"),
		Description:        jsii.String("Catalog Search " + cfg.Stage + " PHP site (CloudFront origin)"),
		CreateDefaultStage: jsii.Bool(false),
		DefaultIntegration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Php"), s.Function, nil),
	})
	awsapigatewayv2.NewHttpStage(stack, jsii.String("SiteStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    httpAPI,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(cfg.ThrottleRateLimit),
			BurstLimit: jsii.Number(float64(cfg.ThrottleBurstLimit)),
		},
		AccessLogSettings: &httpAccessLogs{
			dest:   awsapigatewayv2.NewLogGroupLogDestination(siteLogs),
			format: awsapigateway.AccessLogFormat_JsonWithStandardFields(standardAccessLogFields()),
		},
	})
	suppress(httpAPI, true, finding{"AwsSolutions-APIG4",
		"The public website: buyers browse anonymously; uploads from its partner pages go to the REST API upload routes, which require a partner API key, and its forms carry a CSRF token."})
	s.SiteAPI = httpAPI
	siteDomain := fmt.Sprintf("%s.execute-api.%s.%s", *httpAPI.ApiId(), *stack.Region(), *stack.UrlSuffix())

	secure := awscloudfront.ResponseHeadersPolicy_SECURITY_HEADERS()
	dynamic := func(origin awscloudfront.IOrigin) *awscloudfront.BehaviorOptions {
		return &awscloudfront.BehaviorOptions{
			Origin:                origin,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_ALL(),
			CachePolicy:           awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			ResponseHeadersPolicy: secure,
		}
	}
	apiOrigin := awscloudfrontorigins.NewHttpOrigin(jsii.String(APIDomain(stack, restAPIID)), &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
		ReadTimeout:        awscdk.Duration_Seconds(jsii.Number(30)),
		CustomHeaders:      originHeaders,
	})
	distProps := &awscloudfront.DistributionProps{
		Comment: jsii.String("Catalog Search " + cfg.Stage),
		DefaultBehavior: dynamic(awscloudfrontorigins.NewHttpOrigin(jsii.String(siteDomain), &awscloudfrontorigins.HttpOriginProps{
			ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
			OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
			CustomHeaders:      originHeaders,
		})),
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			contract.APIPathPrefix + "/*": dynamic(apiOrigin),
			"/assets/*": {
				Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(s.Assets, nil),
				CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
				ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
				ResponseHeadersPolicy: secure,
			},
			"/" + contract.ImagesPrefix + "*": s.picturesBehavior(stack, cfg, bucketName),
		},
		HttpVersion:   awscloudfront.HttpVersion_HTTP2_AND_3,
		EnableLogging: jsii.Bool(true),
		LogBucket:     s.Logs,
		LogFilePrefix: jsii.String("cloudfront/"),
		PriceClass:    awscloudfront.PriceClass_PRICE_CLASS_100,
	}
	if edge != nil {
		// The web ACL lives in us-east-1; its ARN comes through the SSM
		// parameter the Edge stack writes in this region.
		distProps.WebAclId = awsssm.StringParameter_ValueForStringParameter(stack, jsii.String(edge.WebACLParameter), nil)
		stack.AddStackDependency(edge.Stack, jsii.String("the distribution's web ACL (SSM parameter "+edge.WebACLParameter+")"))
	}
	if cfg.PriceClassAll {
		distProps.PriceClass = awscloudfront.PriceClass_PRICE_CLASS_ALL
	}
	if cfg.DomainName != "" {
		distProps.DomainNames = jsii.Strings(cfg.DomainName)
		distProps.Certificate = awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Certificate"), jsii.String(cfg.CertificateArn))
		distProps.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
	}
	s.Distribution = awscloudfront.NewDistribution(stack, jsii.String("Distribution"), distProps)
	// The catalog bucket is the Data stack's: its policy there lets this
	// origin read images/* (allowCloudFrontPictures), so the CDK need not
	// (and could not) write it from here.
	awscdk.Annotations_Of(s.Distribution).AcknowledgeWarning(jsii.String("@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac"),
		jsii.String("The Data stack's bucket policy grants CloudFront s3:GetObject on images/* (allowCloudFrontPictures)."))
	suppress(s.Distribution, true,
		finding{"AwsSolutions-CFR1", "A public product catalog for buyers everywhere: no geo restriction."})
	if edge == nil {
		suppress(s.Distribution, true, finding{"AwsSolutions-CFR2",
			"WAF is a prod choice (StageConfig.WAF): there the distribution has the Edge stack's web ACL; dev and staging rely on API Gateway throttling."})
	}
	if cfg.DomainName == "" {
		suppress(s.Distribution, true, finding{"AwsSolutions-CFR4",
			"Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes; with domainName and certificateArn set, TLSv1.2_2021 is enforced."})
	}
	suppress(s.Function, true, findingSyncDLQ(), findingBasicRole(), finding{"AwsSolutions-IAM5",
		"X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions."})

	awss3deployment.NewBucketDeployment(stack, jsii.String("DeployAssets"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket:    s.Assets,
		DestinationKeyPrefix: jsii.String("assets/"),
		Sources:              &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(filepath.Join(webDir, "public", "assets")), nil)},
		Distribution:         s.Distribution,
		DistributionPaths:    jsii.Strings("/assets/*"),
		MemoryLimit:          jsii.Number(256),
		LogGroup: awslogs.NewLogGroup(stack, jsii.String("DeployAssetsLogs"), &awslogs.LogGroupProps{
			Retention:     cfg.LogRetention(),
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		}),
	})

	suppressCDKSingletons(stack, "Custom::CDKBucketDeployment", cdkHandlerFindings()...)
	publish(stack, cfg, "PhpFunctionArnParameter", paramWebsiteFnArn, s.Function.FunctionArn())

	s.UploadCORS = newUploadCORS(stack, cfg, bucketName, siteOrigin(cfg, s.Distribution))
	suppressCDKSingletons(stack, "AWS679f53fac002430cb0da5b7982bd2287", cdkHandlerFindings()...)

	awscdk.NewCfnOutput(stack, jsii.String("SiteURL"), &awscdk.CfnOutputProps{
		Value:       jsii.String("https://" + *s.Distribution.DistributionDomainName()),
		Description: jsii.String("The site; /api/v1/... is the API"),
	})
	return s
}

// PicturesMaxAgeSeconds is how long CloudFront and browsers keep a
// picture: a year, since a key changes when its content does
// (images/{sha256}/{width}.jpg).
const PicturesMaxAgeSeconds = 365 * 24 * 3600

// picturesBehavior serves the derived product pictures straight from the
// catalog bucket's images/ prefix (the path is the key) through origin
// access control: CloudFront signs its requests, and the Data stack's
// bucket policy lets it read images/* and nothing else
// (allowCloudFrontPictures). Cached for a year at the edge and in the
// browser (immutable); no query string, header or cookie varies them.
func (s *WebsiteStack) picturesBehavior(stack awscdk.Stack, cfg StageConfig, bucketName *string) *awscloudfront.BehaviorOptions {
	bucket := awss3.Bucket_FromBucketAttributes(stack, jsii.String("CatalogBucket"), &awss3.BucketAttributes{
		BucketName: bucketName,
		// The regional name: a new bucket's global name may not resolve
		// to its region at first.
		BucketRegionalDomainName: jsii.String(*bucketName + ".s3." + *awscdk.Aws_REGION() + "." + *awscdk.Aws_URL_SUFFIX()),
	})
	oac := awscloudfront.NewS3OriginAccessControl(stack, jsii.String("PicturesAccess"), &awscloudfront.S3OriginAccessControlProps{
		Description: jsii.String("Catalog Search " + cfg.Stage + ": CloudFront reads the catalog bucket's images/"),
		Signing:     awscloudfront.Signing_SIGV4_ALWAYS(),
	})
	year := awscdk.Duration_Seconds(jsii.Number(PicturesMaxAgeSeconds))
	s.PicturesCache = awscloudfront.NewCachePolicy(stack, jsii.String("PicturesCache"), &awscloudfront.CachePolicyProps{
		Comment:                    jsii.String("Catalog Search " + cfg.Stage + ": content-addressed pictures, a year"),
		DefaultTtl:                 year,
		MaxTtl:                     year,
		MinTtl:                     awscdk.Duration_Days(jsii.Number(1)),
		QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_None(),
		HeaderBehavior:             awscloudfront.CacheHeaderBehavior_None(),
		CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
		EnableAcceptEncodingGzip:   jsii.Bool(false), // JPEG: nothing to gain
		EnableAcceptEncodingBrotli: jsii.Bool(false),
	})
	headers := awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("PicturesHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("Catalog Search " + cfg.Stage + ": pictures are immutable"),
		CustomHeadersBehavior: &awscloudfront.ResponseCustomHeadersBehavior{CustomHeaders: &[]*awscloudfront.ResponseCustomHeader{{
			Header: jsii.String("Cache-Control"), Value: jsii.String(fmt.Sprintf("public, max-age=%d, immutable", PicturesMaxAgeSeconds)), Override: jsii.Bool(true),
		}}},
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(365)), IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true),
			},
		},
	})
	return &awscloudfront.BehaviorOptions{
		Origin: awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, &awscloudfrontorigins.S3BucketOriginWithOACProps{
			OriginAccessControl: oac,
			OriginAccessLevels:  &[]awscloudfront.AccessLevel{awscloudfront.AccessLevel_READ},
		}),
		AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
		CachePolicy:           s.PicturesCache,
		ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
		ResponseHeadersPolicy: headers,
	}
}

// httpAccessLogs implements awsapigatewayv2.IAccessLogSettings.
type httpAccessLogs struct {
	dest   awsapigatewayv2.IAccessLogDestination
	format awsapigateway.AccessLogFormat
}

func (h *httpAccessLogs) Destination() awsapigatewayv2.IAccessLogDestination { return h.dest }
func (h *httpAccessLogs) Format() awsapigateway.AccessLogFormat              { return h.format }

// siteOrigin is the origin buyers and partners use: the custom domain when
// the stage has one, else the distribution's own *.cloudfront.net name.
func siteOrigin(cfg StageConfig, dist awscloudfront.Distribution) *string {
	if cfg.DomainName != "" {
		return jsii.String("https://" + cfg.DomainName)
	}
	return jsii.String("https://" + *dist.DistributionDomainName())
}

// bucketOrigin is the origin of the URLs the API presigns for the bucket
// named bucketName: the SDK's virtual-hosted regional endpoint,
// https://{bucket}.s3.{region}.{suffix}.
func bucketOrigin(bucketName *string) *string {
	return jsii.String("https://" + *bucketName + ".s3." + *awscdk.Aws_REGION() + "." + *awscdk.Aws_URL_SUFFIX())
}

// UploadCORSMaxAgeSeconds is how long browsers keep a preflight answer.
const UploadCORSMaxAgeSeconds = 3600

// newUploadCORS sets the catalog bucket's CORS configuration at deploy
// time (PutBucketCors), with one rule: origin may POST (the presigned POST
// of an upload slot; a preflight precedes it because the page follows the
// upload's progress). It lives here, not on the bucket in the data stack,
// because the site's origin is the distribution's domain name, known only
// in this stack, which is deployed after the data stack. Deleting this
// stack removes the rule.
func newUploadCORS(stack awscdk.Stack, cfg StageConfig, bucketName, origin *string) customresources.AwsCustomResource {
	rules := map[string]any{
		"CORSRules": []any{map[string]any{
			"ID":             "site-uploads",
			"AllowedOrigins": []any{origin},
			"AllowedMethods": []any{"POST"},
			"MaxAgeSeconds":  UploadCORSMaxAgeSeconds,
		}},
	}
	put := &customresources.AwsSdkCall{
		Service:            jsii.String("S3"),
		Action:             jsii.String("putBucketCors"),
		Parameters:         map[string]any{"Bucket": bucketName, "CORSConfiguration": rules},
		PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String(*bucketName + "-cors")),
	}
	return customresources.NewAwsCustomResource(stack, jsii.String("UploadCors"), &customresources.AwsCustomResourceProps{
		OnCreate: put,
		OnUpdate: put,
		OnDelete: &customresources.AwsSdkCall{
			Service:    jsii.String("S3"),
			Action:     jsii.String("deleteBucketCors"),
			Parameters: map[string]any{"Bucket": bucketName},
		},
		// PutBucketCors and DeleteBucketCors both need s3:PutBucketCORS,
		// on this bucket only.
		Policy: customresources.AwsCustomResourcePolicy_FromStatements(&[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("s3:PutBucketCORS"),
				Resources: &[]*string{jsii.String("arn:" + *awscdk.Aws_PARTITION() + ":s3:::" + *bucketName)},
			}),
		}),
		InstallLatestAwsSdk: jsii.Bool(false),
		LogGroup: awslogs.NewLogGroup(stack, jsii.String("UploadCorsLogs"), &awslogs.LogGroupProps{
			Retention:     cfg.LogRetention(),
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		}),
	})
}
