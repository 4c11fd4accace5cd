package osindex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// request is one HTTP call to OpenSearch, as opensearch-go's Request.
type request struct {
	path   string // with a leading slash, query string included
	body   []byte
	ndjson bool
}

// GetRequest implements opensearch.Request.
func (r request) GetRequest(method string) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	// The caller's context replaces this one (opensearch.Do).
	req, err := http.NewRequestWithContext(context.Background(), method, r.path, body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		if r.ndjson {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	return req, nil
}

// engineError is a non-2xx answer of OpenSearch, kept for logs only.
type engineError struct {
	status int
	body   string
}

func (e *engineError) Error() string {
	return fmt.Sprintf("opensearch status %d: %s", e.status, e.body)
}

// retryable reports whether a status means "try again later".
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// do sends one request, retrying with exponential backoff on 429 and 503
// and on transport errors, and returns the status and body of a 2xx (or
// of an accepted status in ok) answer. Other answers become *catalog.Error:
// CodeUnavailable when the engine kept throttling or could not be reached,
// CodeInternal otherwise; the engine's text goes to the log only.
func (x *Index) do(ctx context.Context, method, path string, body []byte, ok ...int) (int, []byte, error) {
	req := request{path: path, body: body, ndjson: strings.HasPrefix(path, "/_bulk") || strings.Contains(path, "/_bulk")}
	var last error
	for attempt := 0; ; attempt++ {
		status, data, err := x.once(ctx, method, req)
		switch {
		case err == nil && (status/100 == 2 || slices.Contains(ok, status)):
			return status, data, nil
		case err == nil && !retryable(status):
			e := &engineError{status, truncate(data)}
			x.log.ErrorContext(ctx, "opensearch", "method", method, "path", path, "err", e)
			return status, data, catalog.Wrap(catalog.CodeInternal, e, "search engine failure")
		case err == nil:
			last = &engineError{status, truncate(data)}
		default:
			last = err
		}
		if ctx.Err() != nil || attempt >= x.cfg.MaxRetries {
			x.log.ErrorContext(ctx, "opensearch", "method", method, "path", path, "attempts", attempt+1, "err", last)
			return status, data, catalog.Wrap(catalog.CodeUnavailable, last, "search engine unavailable, retry later")
		}
		if !x.sleep(ctx, x.backoff(attempt)) {
			return status, data, catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "search engine unavailable, retry later")
		}
	}
}

// once sends req and reads the whole answer. It streams through the
// client (the caller owns the body) and reads the body once into a buffer
// of its announced size: opensearch-go's Do would buffer it a first time
// itself, doubling the copying and the garbage of every search.
func (x *Index) once(ctx context.Context, method string, req request) (int, []byte, error) {
	hreq, err := req.GetRequest(method)
	if err != nil {
		return 0, nil, err
	}
	resp, err := x.client.Stream(hreq.WithContext(ctx))
	if resp == nil {
		if err == nil {
			err = errors.New("no response")
		}
		return 0, nil, err
	}
	if resp.Body == nil {
		return resp.StatusCode, nil, err
	}
	defer resp.Body.Close()
	if err != nil {
		return 0, nil, err
	}
	if method == http.MethodHead { // Content-Length announces the GET's body
		return resp.StatusCode, nil, nil
	}
	data, err := readBody(resp.Body, resp.ContentLength)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, nil
}

// readBody reads r whole, into one buffer of the announced length when
// there is one (net/http ends the body at its Content-Length).
func readBody(r io.Reader, length int64) ([]byte, error) {
	const maxPresize = 64 << 20
	if length <= 0 || length > maxPresize {
		return io.ReadAll(r)
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// backoff is the wait before retry attempt+1: RetryBase doubled per
// attempt, capped at 5 s.
func (x *Index) backoff(attempt int) time.Duration {
	d := x.cfg.RetryBase << attempt
	if d <= 0 || d > 5*time.Second {
		d = 5 * time.Second
	}
	return d
}

func (x *Index) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func truncate(b []byte) string {
	const n = 2000
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

func esc(s string) string { return url.PathEscape(s) }
