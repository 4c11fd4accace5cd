package stacks

import (
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestOriginsOnlyAnswerCloudFront checks, in every stage, that CloudFront
// adds the origin secret to its requests to both dynamic origins and that
// the site function gets the same secret (its front controller refuses
// requests without it: web/tests/OriginGuardTest.php); and, where the
// stage has WAF (prod at least), that the distribution has a
// CLOUDFRONT-scope web ACL created in us-east-1 that rate-limits by the
// client's IP address, and that the API stage's regional web ACL blocks
// requests without the origin secret.
func TestOriginsOnlyAnswerCloudFront(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		if s.cfg.IsProd() && !s.cfg.WAF {
			t.Fatal("prod without WAF")
		}
		// The secret is read as a dynamic reference whose ARN comes from the
		// API stack's SSM parameter, never as a value.
		secretParam := ssmParameterRef(t, s, "Website", s.cfg.ParameterName(OriginSecretParameter))
		wantSecret := `{"Fn::Join":["",["{{resolve:secretsmanager:",{"Ref":"` + secretParam + `"},":SecretString:::}}"]]}`
		dist := s.one(t, "Website", "AWS::CloudFront::Distribution", "Distribution")
		custom := 0
		for _, o := range get(dist.Props, "DistributionConfig", "Origins").([]any) {
			if get(o, "CustomOriginConfig") == nil {
				continue // the S3 assets origin: origin access control
			}
			custom++
			headers, _ := get(o, "OriginCustomHeaders").([]any)
			if len(headers) != 1 || get(headers[0], "HeaderName") != contract.OriginVerifyHeader ||
				jsonString(get(headers[0], "HeaderValue")) != wantSecret {
				t.Errorf("origin %v: custom headers %s, want %s = %s", get(o, "DomainName"), jsonString(headers), contract.OriginVerifyHeader, wantSecret)
			}
		}
		if custom != 2 {
			t.Errorf("%d custom origins, want 2 (the site's HTTP API and the REST API)", custom)
		}
		php := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		if got := jsonString(get(php.Props, "Environment", "Variables", contract.EnvOriginSecret)); got != wantSecret {
			t.Errorf("php %s = %s, want %s", contract.EnvOriginSecret, got, wantSecret)
		}
		param := s.one(t, "API", "AWS::SSM::Parameter", "OriginSecretArnParameter")
		secret := s.one(t, "API", "AWS::SecretsManager::Secret", "OriginSecret")
		if param.Props["Name"] != s.cfg.ParameterName(OriginSecretParameter) || jsonString(param.Props["Value"]) != `{"Ref":"`+secret.ID+`"}` {
			t.Errorf("origin secret parameter: %s", jsonString(param.Props))
		}
		if gen, _ := secret.Props["GenerateSecretString"].(map[string]any); gen["PasswordLength"] != float64(64) || secret.Props["SecretString"] != nil {
			t.Errorf("origin secret: %s, want a generated value", jsonString(secret.Props))
		}
		for _, part := range s.stackParts() {
			if tpl := jsonString(s.templates[part]); strings.Contains(tpl, "FORWARDED_IP") || strings.Contains(tpl, "X-Forwarded-For") {
				t.Errorf("%s: a WAF rule keys on a header the client writes", part)
			}
		}

		webACLID := get(dist.Props, "DistributionConfig", "WebACLId")
		if _, edge := s.manifest["artifacts"].(map[string]any)[s.cfg.StackName("Edge")]; edge != s.cfg.WAF {
			t.Fatalf("Edge stack present %v, want %v (StageConfig.WAF)", edge, s.cfg.WAF)
		}
		if !s.cfg.WAF {
			if webACLID != nil || len(s.resources("API", "AWS::WAFv2::WebACL")) != 0 {
				t.Errorf("WAF off, yet web ACLs: %v", webACLID)
			}
			return
		}
		checkEdgeWebACL(t, s, webACLID)
		checkAPIOriginRule(t, s, secret.ID)
	})
}

// checkEdgeWebACL checks the us-east-1 web ACL and how its ARN reaches the
// distribution.
func checkEdgeWebACL(t *testing.T, s *synthesized, webACLID any) {
	t.Helper()
	if env := get(s.manifest, "artifacts", s.cfg.StackName("Edge"), "environment"); env != "aws://"+testAccount+"/us-east-1" {
		t.Errorf("Edge stack environment %v, want us-east-1", env)
	}
	acl := s.one(t, "Edge", "AWS::WAFv2::WebACL", "WebAcl")
	if acl.Props["Scope"] != "CLOUDFRONT" {
		t.Errorf("edge web ACL scope %v, want CLOUDFRONT", acl.Props["Scope"])
	}
	rules := map[string]any{}
	for _, r := range acl.Props["Rules"].([]any) {
		rules[get(r, "Name").(string)] = r
	}
	rate := get(rules["RateLimitPerIp"], "Statement", "RateBasedStatement")
	if get(rate, "AggregateKeyType") != "IP" || get(rate, "ForwardedIPConfig") != nil || get(rate, "Limit") != float64(s.cfg.EdgeRateLimit) ||
		get(rules["RateLimitPerIp"], "Action", "Block") == nil {
		t.Errorf("rate rule %s, want a block keyed on the client IP, limit %d", jsonString(rules["RateLimitPerIp"]), s.cfg.EdgeRateLimit)
	}
	for _, group := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} {
		if get(rules[group], "Statement", "ManagedRuleGroupStatement", "Name") != group {
			t.Errorf("edge web ACL lacks the managed rule group %s", group)
		}
		// Catalog files go from the browser straight to S3 (issue 13 item
		// 4), so no rule of a group, the body size limit included, needs to
		// be turned down to counting.
		if o := get(rules[group], "Statement", "ManagedRuleGroupStatement", "RuleActionOverrides"); o != nil {
			t.Errorf("edge web ACL's %s overrides %s: every rule must block", group, jsonString(o))
		}
	}
	// The ARN is written into an SSM parameter of the stage's region, which
	// the Website stack reads, after the Edge stack (explicit dependency).
	name := s.cfg.ParameterName(EdgeWebACLParameter)
	writer := s.one(t, "Edge", "Custom::EdgeWebAclArnParameter", "WebAclArnParameter")
	create := jsonString(writer.Props["Create"])
	for _, want := range []string{`putParameter`, `\"region\":\"` + s.cfg.Region + `\"`, name, `"Fn::GetAtt":["` + acl.ID + `","Arn"]`} {
		if !strings.Contains(create, want) {
			t.Errorf("web ACL ARN writer lacks %s: %s", want, create)
		}
	}
	if ref := ssmParameterRef(t, s, "Website", name); jsonString(webACLID) != `{"Ref":"`+ref+`"}` {
		t.Errorf("distribution WebACLId %s, want the parameter %s", jsonString(webACLID), name)
	}
	deps := jsonString(get(s.manifest, "artifacts", s.cfg.StackName("Website"), "dependencies"))
	for _, want := range []string{s.cfg.StackName("Edge"), s.cfg.StackName("API")} {
		if !strings.Contains(deps, `"`+want+`"`) {
			t.Errorf("Website stack does not depend on %s: %s", want, deps)
		}
	}
}

// checkAPIOriginRule checks that the API's regional web ACL blocks, first,
// every request whose X-Origin-Verify header is not the origin secret.
func checkAPIOriginRule(t *testing.T, s *synthesized, secretID string) {
	t.Helper()
	acl := s.one(t, "API", "AWS::WAFv2::WebACL", "ApiWebAcl")
	if acl.Props["Scope"] != "REGIONAL" {
		t.Errorf("API web ACL scope %v", acl.Props["Scope"])
	}
	first := get(acl.Props, "Rules", 0)
	match := get(first, "Statement", "NotStatement", "Statement", "ByteMatchStatement")
	want := `{"Fn::Join":["",["{{resolve:secretsmanager:",{"Ref":"` + secretID + `"},":SecretString:::}}"]]}`
	if get(first, "Priority") != float64(0) || get(first, "Action", "Block") == nil ||
		get(match, "FieldToMatch", "SingleHeader", "Name") != strings.ToLower(contract.OriginVerifyHeader) ||
		get(match, "PositionalConstraint") != "EXACTLY" || jsonString(get(match, "SearchString")) != want {
		t.Errorf("API web ACL's first rule %s, want a block of requests whose %s is not %s", jsonString(first), contract.OriginVerifyHeader, want)
	}
	assoc := s.one(t, "API", "AWS::WAFv2::WebACLAssociation", "ApiWebAclAssociation")
	if jsonString(assoc.Props["WebACLArn"]) != `{"Fn::GetAtt":["`+acl.ID+`","Arn"]}` {
		t.Errorf("association %s", jsonString(assoc.Props))
	}
}

// ssmParameterRef returns the logical ID of the template parameter of part
// that CloudFormation resolves from the SSM parameter name at deploy time.
func ssmParameterRef(t *testing.T, s *synthesized, part, name string) string {
	t.Helper()
	params, _ := s.templates[part]["Parameters"].(map[string]any)
	for id, p := range params {
		if get(p, "Type") == "AWS::SSM::Parameter::Value<String>" && get(p, "Default") == name {
			return id
		}
	}
	t.Fatalf("%s: no template parameter reads SSM parameter %s", part, name)
	return ""
}
