package stacks

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// APIStageName is the API Gateway stage name. It equals the site's API path
// prefix without its slash, so CloudFront forwards /api/v1/search unchanged
// to the execute-api host, where stage "api" serves resource /v1/search: the
// API's own routes start at /v1 on both homes.
const APIStageName = "api"

// OriginSecretParameter is the key (StageConfig.ParameterName) of the SSM
// parameter holding the origin secret's ARN.
const OriginSecretParameter = "origin-secret-arn"

// APIStack is the REST API in front of the api Lambda.
type APIStack struct {
	awscdk.Stack
	Function *GoFunction
	// Analytics counts the search_event lines of Function's log group.
	Analytics *SearchAnalytics
	API       awsapigateway.RestApi
	AccessLog awslogs.LogGroup
	// OriginSecret is the value CloudFront sends in contract.OriginVerifyHeader.
	OriginSecret awssecretsmanager.Secret
	// WebACL is the regional web ACL of the API stage (StageConfig.WAF), or nil.
	WebACL awswafv2.CfnWebACL
}

// NewAPIStack defines the API of cfg's stage on the resources of the Data
// stack, which it reads from their SSM parameters (DataRefsIn).
func NewAPIStack(scope constructs.Construct, cfg StageConfig, in Inputs, props *awscdk.StackProps) *APIStack {
	props.Description = jsii.String(fmt.Sprintf("Catalog Search %s: REST API", cfg.Stage))
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("API")), props)
	s := &APIStack{Stack: stack}
	data := DataRefsIn(stack, cfg)

	synFiles, synEnv := searchIndexBundle(cfg, in.Builder.ModuleDir())
	s.Function = NewGoFunction(stack, "Handler", GoFunctionProps{
		Builder: in.Builder, Dir: in.LambdaDir("api"), Stage: cfg.Stage, Retention: cfg.LogRetention(),
		Description: "The HTTP API (search, products, catalogs, uploads)",
		Sizing:      cfg.API,
		Files:       synFiles,
		Environment: withEnv(synEnv, map[string]string{
			contract.EnvTable:              *data.Table().TableName(),
			contract.EnvBucket:             *data.Bucket().BucketName(),
			contract.EnvOpenSearchEndpoint: "https://" + *data.Domain().DomainEndpoint(),
			contract.EnvIndexAlias:         contract.DefaultIndexAlias,
			contract.EnvUploadMaxBytes:     strconv.Itoa(cfg.UploadMaxBytes),
			contract.EnvIngestQueueURL:     *data.IngestQueue().QueueUrl(),
			// The insights read no search analytics older than the table keeps.
			contract.EnvHistoryTTLDays: strconv.Itoa(cfg.HistoryDays),
		}),
	})
	fn := s.Function.Function
	data.Table().GrantReadWriteData(fn)
	data.Bucket().GrantRead(fn, nil) // reports, rejected rows, and partner key records (partners/_keys/*)
	data.Bucket().GrantPut(fn, jsii.String(contract.IncomingPrefix+"*"))
	data.Domain().GrantRead(fn)
	// Confirmations of held catalogs are queued for the ingest Lambda.
	data.IngestQueue().GrantSendMessages(fn)
	s.Analytics = newSearchAnalytics(s, cfg, in, data)

	s.AccessLog = awslogs.NewLogGroup(stack, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
		Retention:     cfg.LogRetention(),
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	apiProps := &awsapigateway.RestApiProps{
		RestApiName:    jsii.String(cfg.Prefix() + "-api"),
		Description:    jsii.String("Catalog Search API, " + cfg.Stage),
		EndpointTypes:  &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		CloudWatchRole: jsii.Bool(true),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(APIStageName),
			ThrottlingRateLimit:  jsii.Number(cfg.ThrottleRateLimit),
			ThrottlingBurstLimit: jsii.Number(float64(cfg.ThrottleBurstLimit)),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(s.AccessLog),
			AccessLogFormat:      awsapigateway.AccessLogFormat_JsonWithStandardFields(standardAccessLogFields()),
			LoggingLevel:         awsapigateway.MethodLoggingLevel_ERROR,
			MetricsEnabled:       jsii.Bool(true),
			TracingEnabled:       jsii.Bool(true),
		},
	}
	if len(cfg.CORSOrigins) > 0 || cfg.DomainName != "" {
		origins := append([]string(nil), cfg.CORSOrigins...)
		if cfg.DomainName != "" {
			origins = append(origins, "https://"+cfg.DomainName)
		}
		apiProps.DefaultCorsPreflightOptions = &awsapigateway.CorsOptions{
			AllowOrigins: jsii.Strings(origins...),
			AllowMethods: jsii.Strings("GET", "POST", "OPTIONS"),
			AllowHeaders: jsii.Strings("Content-Type", "X-Api-Key"),
			MaxAge:       awscdk.Duration_Hours(jsii.Number(1)),
		}
	}
	api := awsapigateway.NewRestApi(stack, jsii.String("RestApi"), apiProps)
	s.API = api

	integration := awsapigateway.NewLambdaIntegration(fn, &awsapigateway.LambdaIntegrationOptions{Proxy: jsii.Bool(true)})
	validator := api.AddRequestValidator(jsii.String("Validator"), &awsapigateway.RequestValidatorOptions{
		ValidateRequestBody:       jsii.Bool(true),
		ValidateRequestParameters: jsii.Bool(true),
	})
	get := func(r awsapigateway.IResource, params ...string) {
		rp := map[string]*bool{}
		for _, p := range params {
			rp["method.request.path."+p] = jsii.Bool(true)
		}
		r.AddMethod(jsii.String("GET"), integration, &awsapigateway.MethodOptions{
			RequestValidator:  validator,
			RequestParameters: &rp,
		})
	}
	// The gateway rejects a malformed upload request before it costs an
	// invocation; the Go handler still validates everything (its OpenAPI
	// schema UploadRequest is the reference). The stacks cannot import the
	// domain: TestAPIStack checks the mode enum against catalog.Modes.
	str := &awsapigateway.JsonSchema{Type: awsapigateway.JsonSchemaType_STRING, MinLength: jsii.Number(1)}
	uploadBody := api.AddModel(jsii.String("UploadRequest"), &awsapigateway.ModelOptions{
		ContentType: jsii.String("application/json"),
		Schema: &awsapigateway.JsonSchema{
			Schema:   awsapigateway.JsonSchemaVersion_DRAFT4,
			Type:     awsapigateway.JsonSchemaType_OBJECT,
			Required: jsii.Strings("file"), // "partner" is optional: the API key names the partner
			Properties: &map[string]*awsapigateway.JsonSchema{
				"partner": str,
				"file":    str,
				"mode":    {Type: awsapigateway.JsonSchemaType_STRING, Enum: &[]any{"full", "partial"}},
			},
		},
	})
	post := func(r awsapigateway.IResource, body awsapigateway.IModel, params ...string) {
		rp := map[string]*bool{}
		for _, p := range params {
			rp["method.request.path."+p] = jsii.Bool(true)
		}
		opts := &awsapigateway.MethodOptions{
			ApiKeyRequired:    jsii.Bool(true),
			RequestValidator:  validator,
			RequestParameters: &rp,
		}
		if body != nil {
			opts.RequestModels = &map[string]awsapigateway.IModel{"application/json": body}
		}
		r.AddMethod(jsii.String("POST"), integration, opts)
	}

	// Reads go to the Go router through one greedy resource, so a new GET
	// route needs no change here; the routes partners write to are explicit,
	// because they need an API key, and so are their read siblings (API
	// Gateway does not fall back to the greedy resource).
	v1 := api.Root().AddResource(jsii.String("v1"), nil)
	get(v1.AddResource(jsii.String("{proxy+}"), nil), "proxy")
	catalogs := v1.AddResource(jsii.String("catalogs"), nil)
	get(catalogs)
	post(catalogs, uploadBody)
	catalog := catalogs.AddResource(jsii.String("{id}"), nil)
	get(catalog, "id")
	get(catalog.AddResource(jsii.String("{proxy+}"), nil), "id", "proxy")
	post(catalog.AddResource(jsii.String("confirm"), nil), nil, "id")
	// The site's partner sessions: GET /v1/session at sign-in, POST
	// /v1/session/end at sign-out (no body).
	session := v1.AddResource(jsii.String("session"), nil)
	get(session)
	sessionEnd := session.AddResource(jsii.String("end"), nil)
	post(sessionEnd, nil)

	// A method no route takes reaches the api Lambda too, which answers 405
	// with Allow (or 404) as openapi.json says, instead of the gateway's 403
	// "Missing Authentication Token". API Gateway picks a resource's
	// specific methods first, so ANY only gets the other methods: the POST
	// routes keep their API key requirement, and the Lambda checks the
	// partner key of every partner route itself (a keyless call is 401).
	// One invoke permission for the whole API instead of one per method.
	anyIntegration := awsapigateway.NewLambdaIntegration(fn, &awsapigateway.LambdaIntegrationOptions{
		Proxy: jsii.Bool(true), ScopePermissionToMethod: jsii.Bool(false),
	})
	for _, r := range []awsapigateway.IResource{v1.GetResource(jsii.String("{proxy+}")), catalogs, catalog,
		catalog.GetResource(jsii.String("{proxy+}")), catalog.GetResource(jsii.String("confirm")), session, sessionEnd} {
		r.AddMethod(jsii.String("ANY"), anyIntegration, nil)
	}
	addGatewayErrors(api)

	// One usage plan per partner, named catalogsearch-<stage>-<partner>, on
	// the API stage. The stack makes no API key: a partner's gateway key must
	// have the same value as the partner key whose digest record is in the
	// bucket, so operators create it by CLI and attach it to this plan
	// (docs/operations.md, "Partner API keys").
	for _, partner := range cfg.Partners {
		api.AddUsagePlan(jsii.String("Partner"+exportName(partner)+"Plan"), &awsapigateway.UsagePlanProps{
			Name:        jsii.String(cfg.PartnerUsagePlanName(partner)),
			Description: jsii.String("Upload routes of partner " + partner + ": attach the partner's API keys (created by CLI) here"),
			Throttle:    &awsapigateway.ThrottleSettings{RateLimit: jsii.Number(5), BurstLimit: jsii.Number(10)},
			Quota:       &awsapigateway.QuotaSettings{Limit: jsii.Number(float64(cfg.PartnerQuotaPerDay)), Period: awsapigateway.Period_DAY},
			ApiStages: &[]*awsapigateway.UsagePlanPerApiStage{{
				Api: api, Stage: api.DeploymentStage(),
			}},
		})
	}

	// The origin secret: CloudFront adds it to every request it sends to
	// the site's and the API's origins (header contract.OriginVerifyHeader),
	// and the origins refuse requests without it. Secrets Manager generates
	// it; every user reads it through a CloudFormation dynamic reference,
	// so the value is in no template. The Website stack finds the secret
	// through an SSM parameter (no export).
	s.OriginSecret = awssecretsmanager.NewSecret(stack, jsii.String("OriginSecret"), &awssecretsmanager.SecretProps{
		Description:          jsii.String("Catalog Search " + cfg.Stage + ": value of the " + contract.OriginVerifyHeader + " header CloudFront adds to requests to its origins"),
		GenerateSecretString: alnumSecret(),
		RemovalPolicy:        awscdk.RemovalPolicy_DESTROY,
	})
	suppress(s.OriginSecret, true, finding{"AwsSolutions-SMG4",
		"Read at deploy time by CloudFront's origin headers, the WAF rule and the site function (dynamic references): a scheduled rotation would not reach them; docs/deploy.md says how to replace it."})
	awsssm.NewStringParameter(stack, jsii.String("OriginSecretArnParameter"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(cfg.ParameterName(OriginSecretParameter)),
		StringValue:   s.OriginSecret.SecretArn(),
		Description:   jsii.String("Catalog Search " + cfg.Stage + ": ARN of the origin secret (read by the Website stack)"),
	})
	if cfg.WAF {
		s.WebACL = newAPIWebACL(stack, cfg, api, *s.OriginSecret.SecretValue().UnsafeUnwrap())
	} else {
		suppress(api, true, finding{"AwsSolutions-APIG3",
			"WAF is a prod choice (StageConfig.WAF); dev and staging are not public-facing and rely on stage throttling and API keys on the write routes."})
	}
	suppress(fn, false, findingSyncDLQ())
	suppress(api, true,
		finding{"AwsSolutions-APIG4", "The read routes are the public catalog search of the site and need no authorization; the write routes require a partner API key. The ANY methods only take the methods no route has, for the api Lambda to answer 405 (it checks partner keys itself)."},
		finding{"AwsSolutions-COG4", "Partners authenticate with API keys and usage plans (issue 6); buyers search anonymously. There is no user pool."},
		finding{"AwsSolutions-IAM4", "The API Gateway account role needs AmazonAPIGatewayPushToCloudWatchLogs to write execution and access logs."},
	)

	publish(stack, cfg, "RestApiIdParameter", paramRestAPIID, api.RestApiId())
	publish(stack, cfg, "FunctionArnParameter", paramAPIFnArn, fn.FunctionArn())
	return s
}

// gatewayError is an answer API Gateway gives by itself, before the api
// Lambda, rewritten to the status and coded JSON error body
// ({"error":{"code":...,"message":...}}) and headers the API's own error
// writer (internal/api) uses, so that both homes answer as openapi.json says.
type gatewayError struct {
	Type    awsapigateway.ResponseType
	Status  int
	Code    string // a catalog.Code (the stacks do not import the domain: TestGatewayResponses checks it)
	Message string // no '$' or '#': the body is a mapping template
}

// gatewayErrors lists the rewritten gateway answers. There is no authorizer
// (partner keys are usage-plan keys, checked again by the Lambda), so
// UNAUTHORIZED and ACCESS_DENIED never occur.
func gatewayErrors() []gatewayError {
	return []gatewayError{
		// No resource or method for the path: the gateway's default is 403
		// "Missing Authentication Token".
		{awsapigateway.ResponseType_MISSING_AUTHENTICATION_TOKEN(), 404, "not_found", "no route for this method and path"},
		// A missing or unknown key on a route that requires one (the POST
		// routes): the gateway's default is 403 "Forbidden".
		{awsapigateway.ResponseType_INVALID_API_KEY(), 401, "unauthorized", "a valid partner API key is required (header X-Api-Key)"},
		// The request validator: the gateway's default body is {"message":...}.
		{awsapigateway.ResponseType_BAD_REQUEST_BODY(), 400, "invalid", "the request body does not match this API's document (openapi.json)"},
		{awsapigateway.ResponseType_BAD_REQUEST_PARAMETERS(), 400, "invalid", "a request parameter is missing or does not match this API's document (openapi.json)"},
	}
}

// Body is the JSON error body, as internal/api writes it (with its newline).
func (g gatewayError) Body() string {
	var b struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	b.Error.Code, b.Error.Message = g.Code, g.Message
	out, _ := json.Marshal(b) // a struct of two strings always marshals
	return string(out) + "\n"
}

func addGatewayErrors(api awsapigateway.RestApi) {
	for _, g := range gatewayErrors() {
		headers := map[string]*string{
			"Content-Type":           jsii.String("'application/json; charset=utf-8'"),
			"X-Content-Type-Options": jsii.String("'nosniff'"),
			"Cache-Control":          jsii.String("'no-store'"),
		}
		if g.Status == 401 {
			headers["WWW-Authenticate"] = jsii.String(`'ApiKey header="X-Api-Key"'`)
		}
		api.AddGatewayResponse(jsii.String("Gateway"+exportName(strings.ToLower(*g.Type.ResponseType()))), &awsapigateway.GatewayResponseOptions{
			Type:            g.Type,
			StatusCode:      jsii.String(strconv.Itoa(g.Status)),
			ResponseHeaders: &headers,
			Templates:       &map[string]*string{"application/json": jsii.String(g.Body())},
		})
	}
}

// APIDomain is the execute-api host name of the REST API restAPIID in
// stack's region (CloudFront's origin).
func APIDomain(stack awscdk.Stack, restAPIID string) string {
	return fmt.Sprintf("%s.execute-api.%s.%s", restAPIID, *stack.Region(), *stack.UrlSuffix())
}

// APIBaseURL is the REST API's base URL for server-side callers (the PHP
// site): https://{host}/api, to which they append /v1/...
func APIBaseURL(stack awscdk.Stack, restAPIID string) string {
	return "https://" + APIDomain(stack, restAPIID) + "/" + APIStageName
}

func standardAccessLogFields() *awsapigateway.JsonWithStandardFieldProps {
	t := jsii.Bool(true)
	return &awsapigateway.JsonWithStandardFieldProps{
		Caller: t, HttpMethod: t, Ip: t, Protocol: t, RequestTime: t,
		ResourcePath: t, ResponseLength: t, Status: t, User: t,
	}
}

// exportName turns a partner name into an identifier fragment: "acme-eu" -> "AcmeEu".
func exportName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if upper {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}

// newAPIWebACL puts a regional WAF web ACL in front of the API stage. Its
// first rule blocks every request without the origin secret (a call to the
// execute-api address, around CloudFront and its web ACL); AWS managed
// common and known-bad-input rules follow. The rate limit per client IP is
// the CloudFront web ACL's (EdgeStack): behind CloudFront the API sees
// CloudFront's addresses, and X-Forwarded-For is the client's to write.
func newAPIWebACL(stack awscdk.Stack, cfg StageConfig, api awsapigateway.RestApi, originSecret string) awswafv2.CfnWebACL {
	acl := awswafv2.NewCfnWebACL(stack, jsii.String("ApiWebAcl"), &awswafv2.CfnWebACLProps{
		Scope:            jsii.String("REGIONAL"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: map[string]any{}},
		VisibilityConfig: wafVisibility(cfg.Prefix() + "-api"),
		Rules: &[]any{
			&awswafv2.CfnWebACL_RuleProperty{
				Name:     jsii.String("RequireOriginHeader"),
				Priority: jsii.Number(0),
				Action:   &awswafv2.CfnWebACL_RuleActionProperty{Block: map[string]any{}},
				Statement: &awswafv2.CfnWebACL_StatementProperty{
					NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{
						Statement: &awswafv2.CfnWebACL_StatementProperty{
							ByteMatchStatement: &awswafv2.CfnWebACL_ByteMatchStatementProperty{
								FieldToMatch: &awswafv2.CfnWebACL_FieldToMatchProperty{
									// SingleHeader is free-form JSON in the CloudFormation spec:
									// a struct would be written with a lowercase "name".
									SingleHeader: map[string]any{"Name": strings.ToLower(contract.OriginVerifyHeader)},
								},
								PositionalConstraint: jsii.String("EXACTLY"),
								SearchString:         jsii.String(originSecret),
								TextTransformations: &[]any{&awswafv2.CfnWebACL_TextTransformationProperty{
									Priority: jsii.Number(0), Type: jsii.String("NONE"),
								}},
							},
						},
					},
				},
				VisibilityConfig: wafVisibility("RequireOriginHeader"),
			},
			managedRuleGroup("AWSManagedRulesCommonRuleSet", 1),
			managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 2),
		},
	})
	awswafv2.NewCfnWebACLAssociation(stack, jsii.String("ApiWebAclAssociation"), &awswafv2.CfnWebACLAssociationProps{
		ResourceArn: api.DeploymentStage().StageArn(),
		WebAclArn:   acl.AttrArn(),
	})
	return acl
}
