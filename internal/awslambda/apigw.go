package awslambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// APIGatewayHandler adapts API Gateway REST API proxy events to h, the same
// http.Handler that serves the API locally. Paths keep the API's own /v1
// routes; a leading contract.APIPathPrefix is stripped, as the local reverse
// proxy does, so the adapter works whether or not the stage name is part of
// the path it is given.
func APIGatewayHandler(h http.Handler) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		req, err := requestOf(ctx, e)
		if err != nil {
			// A malformed event is the caller's error: a 400 answer, not a Lambda failure.
			return textResponse(http.StatusBadRequest, `{"error":{"code":"invalid","message":"malformed request"}}`), nil //nolint:nilerr // see above
		}
		rec := newRecorder()
		h.ServeHTTP(rec, req)
		return rec.response(), nil
	}
}

func requestOf(ctx context.Context, e events.APIGatewayProxyRequest) (*http.Request, error) {
	path := e.Path
	if path == "" {
		path = "/"
	}
	if rest, ok := strings.CutPrefix(path, contract.APIPathPrefix+"/"); ok {
		path = "/" + rest
	}
	u, err := url.Parse(path)
	if err != nil || u.Path == "" || u.Host != "" || u.Scheme != "" {
		u = &url.URL{Path: path}
	}
	q := url.Values{}
	for k, vs := range e.MultiValueQueryStringParameters {
		q[k] = append(q[k], vs...)
	}
	for k, v := range e.QueryStringParameters {
		if _, ok := q[k]; !ok {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()

	body := []byte(e.Body)
	if e.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	method := e.HTTPMethod
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.RequestURI = u.RequestURI()
	for k, vs := range e.MultiValueHeaders {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, v := range e.Headers {
		if req.Header.Get(k) == "" {
			req.Header.Set(k, v)
		}
	}
	req.Host = req.Header.Get("Host")
	req.ContentLength = int64(len(body))
	if ip := e.RequestContext.Identity.SourceIP; ip != "" {
		req.RemoteAddr = ip + ":0"
	}
	if id := e.RequestContext.RequestID; id != "" && req.Header.Get("X-Request-Id") == "" {
		req.Header.Set("X-Request-Id", id)
	}
	return req, nil
}

// recorder is a minimal http.ResponseWriter that buffers the response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) response() events.APIGatewayProxyResponse {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.header.Get("Content-Type") == "" && r.body.Len() > 0 {
		r.header.Set("Content-Type", http.DetectContentType(r.body.Bytes()))
	}
	resp := events.APIGatewayProxyResponse{StatusCode: r.status, MultiValueHeaders: map[string][]string(r.header)}
	if isText(r.header.Get("Content-Type")) {
		resp.Body = r.body.String()
	} else {
		resp.Body = base64.StdEncoding.EncodeToString(r.body.Bytes())
		resp.IsBase64Encoded = true
	}
	return resp
}

func textResponse(status int, body string) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       body,
	}
}

// isText reports whether a body of this content type can travel as a
// plain string; anything else goes base64 (binaryMediaTypes on the API).
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/xml" || mt == "application/javascript" || mt == "application/yaml"
}
