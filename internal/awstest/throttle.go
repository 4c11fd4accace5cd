package awstest

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// PutItemThrottler is an SDK HTTP client (aws.Config.HTTPClient) that
// answers the next Left PutItem requests with DynamoDB's throttling error,
// as a table past its throughput does, and sends every other request on
// with http.DefaultClient (to moto). Throttled counts the answers it made.
type PutItemThrottler struct {
	Left, Throttled atomic.Int64
}

// Do implements the SDK's HTTP client.
func (c *PutItemThrottler) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutItem") && c.Left.Add(-1) >= 0 {
		c.Throttled.Add(1)
		body := `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}`
		return &http.Response{
			StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Request: r, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body:   io.NopCloser(strings.NewReader(body)),
		}, nil
	}
	return http.DefaultClient.Do(r) //nolint:gosec // G704: the SDK's own request, sent on to moto by a test client
}
