package awslambda_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// proxyEvent is a REST API proxy integration event as API Gateway sends it
// for GET /api/v1/catalogs/cat-1 with an API key: header names lowercased
// by the client, the key in both header maps and in the identity.
const proxyEvent = `{
  "resource": "/{proxy+}",
  "path": "/v1/catalogs/cat-1",
  "httpMethod": "GET",
  "headers": {"accept": "application/json", "Host": "abc123.execute-api.eu-west-3.amazonaws.com", "x-api-key": "KEY", "X-Forwarded-Proto": "https"},
  "multiValueHeaders": {"accept": ["application/json"], "Host": ["abc123.execute-api.eu-west-3.amazonaws.com"], "x-api-key": ["KEY"], "X-Forwarded-Proto": ["https"]},
  "queryStringParameters": null,
  "multiValueQueryStringParameters": null,
  "pathParameters": {"proxy": "v1/catalogs/cat-1"},
  "stageVariables": null,
  "requestContext": {
    "resourceId": "2gxmpl", "resourcePath": "/{proxy+}", "httpMethod": "GET", "path": "/api/v1/catalogs/cat-1",
    "accountId": "123456789012", "stage": "api", "requestId": "e0b8b1d2-0000-4000-8000-000000000001",
    "identity": {"sourceIp": "203.0.113.7", "apiKey": "KEY", "apiKeyId": "k1xmpl", "userAgent": "curl/8.5.0"},
    "apiId": "abc123", "protocol": "HTTP/1.1", "requestTimeEpoch": 1764331200000
  },
  "body": null,
  "isBase64Encoded": false
}`

// TestAdapterPassesTheAPIKeyHeader: the key API Gateway checked for the
// usage plan reaches the API as X-Api-Key and identifies the partner.
func TestAdapterPassesTheAPIKeyHeader(t *testing.T) {
	store, blobs := embeddedtest.Open(t)
	if err := store.CreateCatalog(t.Context(), catalog.Catalog{ID: "cat-1", Partner: "acme", Key: "incoming/acme/a.csv",
		Status: catalog.StatusReceived, ReceivedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	keys := partnerkeys.New(blobs)
	acme, err := keys.Issue(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	globex, err := keys.Issue(t.Context(), "globex")
	if err != nil {
		t.Fatal(err)
	}
	h := awslambda.APIGatewayHandler(api.New(api.Deps{Store: store, Blobs: blobs}))
	for _, c := range []struct {
		name, key string
		want      int
	}{
		{"right key", acme, 200}, {"other partner's key", globex, 404}, {"unknown key", "csk_unknown", 401},
	} {
		var e events.APIGatewayProxyRequest
		if err := json.Unmarshal([]byte(strings.ReplaceAll(proxyEvent, "KEY", c.key)), &e); err != nil {
			t.Fatal(err)
		}
		resp, err := h(t.Context(), e)
		if err != nil || resp.StatusCode != c.want {
			t.Fatalf("%s: %d %s (%v)", c.name, resp.StatusCode, resp.Body, err)
		}
		if c.want == 200 && !strings.Contains(resp.Body, `"partner":"acme"`) {
			t.Fatalf("%s: %s", c.name, resp.Body)
		}
		if strings.Contains(resp.Body, c.key) {
			t.Fatalf("%s: the key is in the answer", c.name)
		}
	}
}

// TestAdapterAnswersWrongMethods: on AWS, the ANY method of each routed
// resource (stacks/api.go) sends a method no route takes to the api
// Lambda, which answers through this adapter as openapi.json says: 405
// with Allow and the coded body, and 401 on a partner route without a key
// (the ANY method has no key requirement, so the Lambda's own check is the
// one that holds). API Gateway itself cannot run here: the events are the
// ones it sends for the ANY resources.
func TestAdapterAnswersWrongMethods(t *testing.T) {
	store, blobs := embeddedtest.Open(t)
	h := awslambda.APIGatewayHandler(api.New(api.Deps{Store: store, Blobs: blobs}))
	for _, c := range []struct {
		method, resource, path string
		status                 int
		allow, code            string
	}{
		{"DELETE", "/v1/{proxy+}", "/v1/search", 405, "GET, HEAD", "not_allowed"},
		{"PATCH", "/v1/catalogs/{id}/confirm", "/v1/catalogs/cat-1/confirm", 405, "POST", "not_allowed"},
		{"PUT", "/v1/catalogs", "/v1/catalogs", 405, "GET, HEAD, POST", "not_allowed"},
		{"POST", "/v1/session", "/v1/session", 405, "GET, HEAD", "not_allowed"},
		{"HEAD", "/v1/catalogs", "/v1/catalogs", 401, "", ""},
		{"DELETE", "/v1/{proxy+}", "/v1/nowhere", 404, "", "not_found"},
	} {
		resp, err := h(t.Context(), events.APIGatewayProxyRequest{HTTPMethod: c.method, Resource: c.resource, Path: c.path,
			RequestContext: events.APIGatewayProxyRequestContext{ResourcePath: c.resource, HTTPMethod: c.method, Stage: "api"}})
		if err != nil {
			t.Fatal(err)
		}
		name := c.method + " " + c.path
		hdr := http.Header(resp.MultiValueHeaders)
		if resp.StatusCode != c.status || hdr.Get("Allow") != c.allow || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d Allow %q headers %v, want %d Allow %q", name, resp.StatusCode, hdr.Get("Allow"), hdr, c.status, c.allow)
		}
		if c.code != "" && !strings.Contains(resp.Body, `{"error":{"code":"`+c.code+`"`) {
			t.Errorf("%s: body %s, want code %s", name, resp.Body, c.code)
		}
	}
}
