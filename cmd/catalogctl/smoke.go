package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// SmokePartner is the only partner whose key catalogctl smoke accepts: its
// clean-up replaces the key's partner catalog with an empty one, which
// must never happen to a real partner.
const SmokePartner = "smoke"

// siteSecurityHeaders are the headers every page of the site carries
// (web/src/Security.php; CloudFront adds its own on AWS).
var siteSecurityHeaders = []string{
	"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
	"Referrer-Policy", "Strict-Transport-Security",
}

// runSmoke is catalogctl smoke: the post-deploy check. It prints one line
// per step with its time and stops at the first failure (exit 1).
func runSmoke(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "smoke")
	base := fs.String("url", "", "the stage's site URL (the SiteURL output, or the local stack's URL)")
	key := fs.String("key", "", "an API key of partner \"smoke\": adds a full upload through the presigned flow, then removes it")
	wait := fs.Duration("timeout", 3*time.Minute, "how long an upload may take to become searchable")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	u, err := url.Parse(*base)
	if *base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "catalogctl smoke: give --url http(s)://HOST[/] and no other argument")
		return exitUsage
	}
	s := &smoke{base: strings.TrimRight(*base, "/"), key: *key, wait: *wait, out: e.stdout,
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	token := "smk" + strconv.FormatInt(time.Now().UnixNano(), 36)
	steps := []smokeStep{
		{"health", s.health},
		{"home page", func(ctx context.Context) error { return s.page(ctx, "/en/") }},
		{"results page", func(ctx context.Context) error { return s.page(ctx, "/en/?q=chaise") }},
		{"search", func(ctx context.Context) error { _, err := s.search(ctx, "chaise"); return err }},
		{"suggest", s.suggest},
	}
	if s.key != "" {
		steps = append(steps,
			smokeStep{"partner key", s.partner},
			smokeStep{"upload", func(ctx context.Context) error { return s.upload(ctx, token) }},
			smokeStep{"searchable", func(ctx context.Context) error { return s.searchable(ctx, token, 1) }},
			smokeStep{"clean-up", s.cleanUp},
			smokeStep{"removed", func(ctx context.Context) error { return s.searchable(ctx, token, 0) }},
		)
	}
	start := time.Now()
	for _, st := range steps {
		t0 := time.Now()
		err := st.run(ctx)
		took := time.Since(t0).Round(time.Millisecond)
		if err != nil {
			fmt.Fprintf(e.stdout, "FAIL %-13s %8s  %v\n", st.name, took, err)
			return exitFail
		}
		fmt.Fprintf(e.stdout, "ok   %-13s %8s\n", st.name, took)
	}
	fmt.Fprintf(e.stdout, "smoke passed: %d steps in %s\n", len(steps), time.Since(start).Round(time.Millisecond))
	return exitOK
}

type smokeStep struct {
	name string
	run  func(ctx context.Context) error
}

type smoke struct {
	base, key string
	wait      time.Duration
	out       io.Writer
	client    *http.Client
}

// answer is a response read whole.
type answer struct {
	StatusCode int
	Header     http.Header
}

// call sends one request to the stage and reads the answer (at most 1 MiB).
func (s *smoke) call(ctx context.Context, method, path string, body io.Reader, header http.Header) (answer, []byte, error) {
	target := path
	if strings.HasPrefix(path, "/") {
		target = s.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return answer{}, nil, err
	}
	maps.Copy(req.Header, header)
	res, err := s.client.Do(req)
	if err != nil {
		return answer{}, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return answer{StatusCode: res.StatusCode, Header: res.Header}, b, err
}

// api calls the API through the site's /api prefix and decodes the JSON
// answer into v, requiring status want.
func (s *smoke) api(ctx context.Context, method, path string, body any, want int, v any) error {
	var r io.Reader
	h := http.Header{"Accept": {"application/json"}}
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
		h.Set("Content-Type", "application/json")
	}
	if s.key != "" {
		h.Set("X-Api-Key", s.key)
	}
	res, b, err := s.call(ctx, method, "/api"+path, r, h)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s /api%s answered %d, want %d: %s", method, path, res.StatusCode, want, clip(b))
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("%s /api%s: not the expected JSON: %w: %s", method, path, err, clip(b))
		}
	}
	return nil
}

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func (s *smoke) health(ctx context.Context) error {
	var h struct {
		Status   string `json:"status"`
		Products *int   `json:"products"`
	}
	if err := s.api(ctx, http.MethodGet, "/v1/health", nil, http.StatusOK, &h); err != nil {
		return err
	}
	if h.Status != "ok" || h.Products == nil {
		return fmt.Errorf("health answered status %q, products %v", h.Status, h.Products)
	}
	return nil
}

// page loads a page of the site and checks its security headers.
func (s *smoke) page(ctx context.Context, path string) error {
	res, b, err := s.call(ctx, http.MethodGet, path, nil, http.Header{"Accept": {"text/html"}})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %d: %s", path, res.StatusCode, clip(b))
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !bytes.Contains(b, []byte("<html")) {
		return fmt.Errorf("GET %s: not an HTML page (%s)", path, ct)
	}
	var missing []string
	for _, h := range siteSecurityHeaders {
		if res.Header.Get(h) == "" {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("GET %s: security headers missing: %s", path, strings.Join(missing, ", "))
	}
	return nil
}

func (s *smoke) search(ctx context.Context, q string) (int, error) {
	var r struct {
		Total *int            `json:"total"`
		Hits  json.RawMessage `json:"hits"`
	}
	if err := s.api(ctx, http.MethodGet, "/v1/search?q="+url.QueryEscape(q), nil, http.StatusOK, &r); err != nil {
		return 0, err
	}
	if r.Total == nil || len(r.Hits) == 0 {
		return 0, errors.New("search answered without total or hits")
	}
	return *r.Total, nil
}

func (s *smoke) suggest(ctx context.Context) error {
	var r json.RawMessage
	return s.api(ctx, http.MethodGet, "/v1/suggest?q=cha", nil, http.StatusOK, &r)
}

// partner checks that the key is the smoke partner's.
func (s *smoke) partner(ctx context.Context) error {
	var r struct {
		Partner string `json:"partner"`
	}
	if err := s.api(ctx, http.MethodGet, "/v1/catalogs", nil, http.StatusOK, &r); err != nil {
		return err
	}
	if r.Partner != SmokePartner {
		return fmt.Errorf("the key is partner %q's: the upload check replaces its partner's catalog, so it takes only a key of partner %q", r.Partner, SmokePartner)
	}
	return nil
}

// send asks for an upload slot, uploads content to it the way the slot
// says (a presigned S3 POST form, or a PUT), and waits for the catalog to
// reach one of want.
func (s *smoke) send(ctx context.Context, file, mode, content string, want ...string) (string, error) {
	var slot intake.UploadSlot
	if err := s.api(ctx, http.MethodPost, "/v1/catalogs", map[string]string{"file": file, "mode": mode}, http.StatusCreated, &slot); err != nil {
		return "", err
	}
	target := slot.Upload.URL
	if strings.HasPrefix(target, "/") { // a path on the API (no public URL configured)
		target = s.base + "/api" + target
	}
	if err := slot.Upload.Send(ctx, s.client, target, file, strings.NewReader(content)); err != nil {
		return "", fmt.Errorf("upload to the slot: %w", err)
	}
	return slot.CatalogID, s.until(ctx, func(ctx context.Context) (bool, error) {
		var c struct {
			Status string `json:"status"`
			Report struct {
				Reason string `json:"reason"`
			} `json:"report"`
		}
		if err := s.api(ctx, http.MethodGet, "/v1/catalogs/"+slot.CatalogID, nil, http.StatusOK, &c); err != nil {
			return false, err
		}
		if slices.Contains(want, c.Status) {
			return true, nil
		}
		if c.Status == "failed" || c.Status == "refused" || c.Status == "done" || c.Status == "needs_confirmation" {
			return false, fmt.Errorf("catalog %s is %s, want %s: %s", slot.CatalogID, c.Status, strings.Join(want, " or "), c.Report.Reason)
		}
		return false, nil
	}, "catalog "+slot.CatalogID+" to be "+strings.Join(want, " or "))
}

func (s *smoke) upload(ctx context.Context, token string) error {
	content := "Référence;Désignation;Prix unitaire HT\n" + strings.ToUpper(token) + ";Produit de contrôle " + token + ";1,00 €\n"
	_, err := s.send(ctx, "smoke-"+token+".csv", "partial", content, "done")
	return err
}

// searchable waits until a search for token finds want products.
func (s *smoke) searchable(ctx context.Context, token string, want int) error {
	return s.until(ctx, func(ctx context.Context) (bool, error) {
		n, err := s.search(ctx, token)
		return n == want, err
	}, fmt.Sprintf("a search for %s to find %d product(s)", token, want))
}

// cleanUp replaces the smoke partner's catalog with an empty one (held for
// confirmation, as it removes every product) and confirms it.
func (s *smoke) cleanUp(ctx context.Context) error {
	id, err := s.send(ctx, "smoke-empty.csv", "full", "Référence;Désignation;Prix unitaire HT\n", "needs_confirmation", "done")
	if err != nil {
		return err
	}
	var c struct {
		Status string `json:"status"`
	}
	if err := s.api(ctx, http.MethodGet, "/v1/catalogs/"+id, nil, http.StatusOK, &c); err != nil || c.Status == "done" {
		return err
	}
	res, b, err := s.call(ctx, http.MethodPost, "/api/v1/catalogs/"+id+"/confirm", nil, http.Header{"X-Api-Key": {s.key}})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("confirm answered %d: %s", res.StatusCode, clip(b))
	}
	return s.until(ctx, func(ctx context.Context) (bool, error) {
		if err := s.api(ctx, http.MethodGet, "/v1/catalogs/"+id, nil, http.StatusOK, &c); err != nil {
			return false, err
		}
		return c.Status == "done", nil
	}, "the clean-up catalog "+id+" to be done")
}

// until polls ok until it answers true, fails, or the timeout passes.
func (s *smoke) until(ctx context.Context, ok func(context.Context) (bool, error), what string) error {
	deadline := time.Now().Add(s.wait)
	for {
		done, err := ok(ctx)
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %s for %s", s.wait, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
