// Package api is the HTTP API of Catalog Search as one http.Handler with one
// route table. The same handler serves API Gateway events on AWS (through the
// api Lambda) and localhost under catalogctl serve. Errors are JSON
// {"error":{"code":...,"message":...}}; the status comes from one table of
// domain codes, and internal errors are logged in full but shown only as
// "internal error".
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

//go:embed openapi.json
var openapiDoc []byte // read-only: the embedded OpenAPI document

// Deps are what the API needs. Store, Index and Blobs are required.
type Deps struct {
	Store  catalog.Store
	Index  catalog.Index
	Blobs  catalog.Blobs
	Logger *slog.Logger // nil = discard
	Clock  func() time.Time
	// Ingest serves the ingest routes (catalogs_ingest.go); nil answers
	// them with CodeUnavailable.
	Ingest Intake
	// Uploads presigns upload slots (S3 on AWS); nil means uploads are
	// PUTs to this API (the embedded default).
	Uploads        intake.Uploader
	MaxUploadBytes int64 // 0 = DefaultMaxUploadBytes
	// Downloads signs the short-lived URLs that file downloads (rejected
	// rows) redirect to: presigned S3 GETs on AWS; nil means signed URLs on
	// this API's download route (the embedded default).
	Downloads intake.Downloader
	// PublicURL is the API's public root URL (scheme://host[:port][/prefix],
	// e.g. http://127.0.0.1:8080/api) under which the embedded default
	// builds its upload URLs. "" = upload URLs are paths on the API
	// (/v1/uploads/...), which clients append to the API base URL they use.
	// Never derived from the request (Host, X-Forwarded-*).
	PublicURL string
	// Keys resolves partner API keys (auth.go); nil = a registry over Blobs.
	Keys *partnerkeys.Registry
	// Backlog counts the store's changes the index has not taken yet (the
	// local outbox), shown by health while the index catches up; nil =
	// not reported (on AWS the stream's age is a CloudWatch metric).
	Backlog func(ctx context.Context) (int, error)
	// Recorder takes the search analytics events (analytics.go); nil =
	// none recorded.
	Recorder Recorder
	// SearchLog reads the search analytics for the insights; nil = the
	// search views answer CodeUnavailable (not kept on this home).
	SearchLog catalog.SearchLog
	local     *intake.LocalUploads
}

// API serves the routes of Routes.
type API struct {
	deps  Deps
	log   *slog.Logger
	mux   *http.ServeMux
	names partnerNames
}

// Route is one line of the route table: the OpenAPI test checks the table
// against openapi.json, both ways.
type Route struct {
	Method  string
	Path    string // ServeMux pattern path, e.g. /v1/products/{id}
	Summary string
	handler func(w http.ResponseWriter, r *http.Request) error
}

// New returns the API handler.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Keys == nil {
		d.Keys = partnerkeys.New(d.Blobs)
	}
	if err := ingestDefaults(&d); err != nil {
		d.Logger.Error("uploads disabled", "err", err.Error())
	}
	a := &API{deps: d, log: d.Logger, mux: http.NewServeMux()}
	allow := map[string][]string{} // path -> its methods, in table order
	for _, rt := range a.Routes() {
		a.mux.Handle(rt.Method+" "+rt.Path, a.wrap(rt))
		if rt.Method == http.MethodGet {
			allow[rt.Path] = append(allow[rt.Path], http.MethodGet, http.MethodHead)
		} else {
			allow[rt.Path] = append(allow[rt.Path], rt.Method)
		}
	}
	// A route's path with another method is 405 with Allow, not 404.
	for path, methods := range allow {
		a.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			a.writeError(w, r, catalog.Errorf(catalog.CodeNotAllowed, "%s takes %s, not %s", r.URL.Path, strings.Join(methods, ", "), r.Method))
		})
	}
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, catalog.Errorf(catalog.CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
	})
	return a
}

// Routes is the route table.
func (a *API) Routes() []Route {
	return []Route{
		{"GET", "/v1/health", "Liveness and product count", a.health},
		{"GET", "/v1/openapi.json", "This API's OpenAPI document", a.openapi},
		{"GET", "/v1/search", "Search products", a.search},
		{"POST", "/v1/search/clicks", "Count a click on a search result (its position), for the search analytics", a.click},
		{"GET", "/v1/suggest", "Autocomplete: brands, categories and product names for the text being typed", a.suggest},
		{"GET", "/v1/products/{id}", "One product", a.product},
		{"GET", "/v1/products/{id}/offers", "Every partner's offer of the same product (same GTIN, or brand and part number), cheapest first", a.offers},
		{"GET", "/v1/products/{id}/prices", "A product's price history: the price each upload set, newest first", a.productPrices},
		{"GET", "/v1/catalogs", "Ingested catalog files, newest first", a.listCatalogs},
		{"GET", "/v1/catalogs/{id}", "One catalog file with its ingest report", a.getCatalog},
		{"POST", "/v1/catalogs", "Ask where to upload a partner's catalog file", a.createCatalog},
		{"PUT", "/v1/uploads/{token}", "Upload a catalog file to the URL POST /v1/catalogs returned (embedded default)", a.upload},
		{"GET", "/v1/downloads/{token}", "Download a file a redirect of this API pointed to (embedded default)", a.download},
		{"POST", "/v1/catalogs/{id}/confirm", "Apply a catalog held for confirmation", a.confirmCatalog},
		{"GET", "/v1/catalogs/{id}/rejected.csv", "A catalog's rejected rows as CSV, ready to fix and upload again", a.rejectedCSV},
		{"GET", "/v1/catalogs/{id}/removals.csv", "The products a held full catalog would remove, as CSV", a.removalsCSV},
		{"GET", "/v1/catalogs/{id}/to-fix.csv", "A catalog's products that fail a quality rule, as CSV", a.toFixCSV},
		{"GET", "/v1/catalogs/{id}/changes", "What an upload changed: the products it created, changed (fields, price before and after) and removed", a.catalogChanges},
		{"GET", "/v1/partner/settings", "The key's partner's display name", a.getPartnerSettings},
		{"PUT", "/v1/partner/settings", "Set the key's partner's display name (buyers see it instead of the partner id)", a.putPartnerSettings},
		{"GET", "/v1/session", "The API key's partner and the generation of its site sessions (sign-in)", a.session},
		{"POST", "/v1/session/end", "End the key's site sessions of a generation (sign-out)", a.endSession},
		{"GET", "/v1/quality/rules", "The quality rules and grades every product is scored by", a.qualityRules},
		{"GET", "/v1/insights/{view}", "The operator's insights: one view of the catalogs or of the searches, over a period", a.insights},
	}
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mux.ServeHTTP(w, r)
}

func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				a.log.ErrorContext(r.Context(), "panic", "route", rt.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				a.writeError(w, r, catalog.Errorf(catalog.CodeInternal, "internal error"))
			}
		}()
		if err := rt.handler(w, r); err != nil {
			a.writeError(w, r, err)
		}
		a.log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// Status maps a domain error code to its HTTP status: the one table.
func Status(code catalog.Code) int {
	switch code {
	case catalog.CodeInvalid:
		return http.StatusBadRequest
	case catalog.CodeNotFound:
		return http.StatusNotFound
	case catalog.CodeUnauthorized:
		return http.StatusUnauthorized
	case catalog.CodeForbidden:
		return http.StatusForbidden
	case catalog.CodeConflict:
		return http.StatusConflict
	case catalog.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case catalog.CodeUnsupported:
		return http.StatusUnsupportedMediaType
	case catalog.CodeUnavailable:
		return http.StatusServiceUnavailable
	case catalog.CodeNotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

type errorBody struct {
	Error struct {
		Code    catalog.Code `json:"code"`
		Message string       `json:"message"`
	} `json:"error"`
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	code := catalog.CodeOf(err)
	var body errorBody
	body.Error.Code = code
	body.Error.Message = catalog.MessageOf(err)
	if code == catalog.CodeInternal || code == catalog.CodeUnavailable {
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", string(code), "err", err.Error())
	}
	if code == catalog.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `ApiKey header="X-Api-Key"`)
	}
	writeJSON(w, Status(code), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func (a *API) health(w http.ResponseWriter, r *http.Request) error {
	n, err := a.deps.Index.Count(r.Context())
	if err != nil {
		return err
	}
	body := map[string]any{"status": "ok", "products": n}
	if a.deps.Backlog != nil {
		b, err := a.deps.Backlog(r.Context())
		if err != nil {
			return err
		}
		body["index_backlog"] = b
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (a *API) openapi(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(openapiDoc)
	return err
}

func (a *API) product(w http.ResponseWriter, r *http.Request) error {
	p, err := a.deps.Store.GetProduct(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	a.nameProducts(r.Context(), &p)
	writeJSON(w, http.StatusOK, p)
	return nil
}

// listCatalogs is GET /v1/catalogs: the key's partner's catalogs only.
func (a *API) listCatalogs(w http.ResponseWriter, r *http.Request) error {
	keyPartner, err := a.partner(r)
	if err != nil {
		return err
	}
	q, err := queryValues(r)
	if err != nil {
		return err
	}
	if vals, ok := q["partner"]; ok {
		// Present, it must be a partner id (an empty one is none).
		if !catalog.ValidPartnerID(vals[0]) {
			return catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", vals[0])
		}
		if err := samePartner(keyPartner, vals[0]); err != nil {
			return err
		}
	}
	partner := keyPartner
	limit, err := intParam(q, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	cs, err := a.deps.Store.ListCatalogs(r.Context(), partner, limit)
	if err != nil {
		return err
	}
	// An upload slot nobody used is no catalog once it expired.
	now := a.deps.Clock()
	kept := make([]catalog.Catalog, 0, len(cs))
	for _, c := range cs {
		if c.Status == catalog.StatusReceived && a.deps.Blobs != nil && now.After(c.ReceivedAt.Add(intake.UploadTTL)) {
			_, err := a.deps.Blobs.Stat(r.Context(), c.Key)
			if catalog.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
		}
		kept = append(kept, c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"partner": partner, "catalogs": kept})
	return nil
}

// getCatalog is GET /v1/catalogs/{id}, for the catalog's partner.
func (a *API) getCatalog(w http.ResponseWriter, r *http.Request) error {
	c, err := a.partnerCatalog(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
