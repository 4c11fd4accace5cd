package awslambda_test

import (
	"encoding/json"
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
