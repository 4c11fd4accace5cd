package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestCatalogProgressIsDocumented: the Catalog schema of openapi.json
// documents progress with exactly catalog.Progress's JSON fields, each a
// required integer of at least 0, so a field added to the domain and not
// to the document fails here.
func TestCatalogProgressIsDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	schema := doc.raw["components"].(map[string]any)["schemas"].(map[string]any)["Catalog"].(map[string]any)
	prog, ok := schema["properties"].(map[string]any)["progress"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json: the Catalog schema has no progress")
	}
	if d, _ := prog["description"].(string); prog["type"] != "object" || d == "" {
		t.Fatalf("progress is %v, want a described object", prog)
	}
	var fields []string
	rt := reflect.TypeFor[catalog.Progress]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	var required []string
	for _, r := range prog["required"].([]any) {
		required = append(required, r.(string))
	}
	props := prog["properties"].(map[string]any)
	if !sameSet(required, fields) || len(props) != len(fields) {
		t.Fatalf("progress requires %v and documents %d properties, want catalog.Progress's %v", required, len(props), fields)
	}
	for _, f := range fields {
		p, _ := props[f].(map[string]any)
		if p["type"] != "integer" || p["minimum"] != 0.0 || p["description"] == nil {
			t.Errorf("progress.%s is %v, want a described integer with minimum 0", f, p)
		}
	}
}

// shownProgress is what TestCatalogProgressIsShown reads of a catalog the
// API answers.
type shownProgress struct {
	ID       string          `json:"id"`
	Progress json.RawMessage `json:"progress"`
}

// TestCatalogProgressIsShown: a catalog in processing whose products are
// written in chunks comes out of GET /v1/catalogs/{id} and GET
// /v1/catalogs with its progress (the chunks done as the store's chunk
// ledger counts them), inside the documented schema; a catalog written in
// one pass, processing or done, comes out without one.
func TestCatalogProgressIsShown(t *testing.T) {
	a := newContractAPI(t)
	doc := loadOpenAPI(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		c        catalog.Catalog
		written  []int  // chunks recorded as written (catalog.ChunkLedger), one twice
		progress string // the JSON of progress, "" absent
	}{
		{"chunked, processing", catalog.Catalog{ID: "c-chunked", Status: catalog.StatusProcessing,
			Progress: &catalog.Progress{Rows: 1_000_000, ChunksTotal: 40}}, []int{0, 1, 2, 7, 39, 7},
			`{"rows":1000000,"chunks_total":40,"chunks_done":5}`},
		{"chunked, file read, nothing written yet", catalog.Catalog{ID: "c-started", Status: catalog.StatusProcessing,
			Progress: &catalog.Progress{Rows: 60_000, ChunksTotal: 3}}, nil,
			`{"rows":60000,"chunks_total":3,"chunks_done":0}`},
		{"one pass, processing", catalog.Catalog{ID: "c-one-pass", Status: catalog.StatusProcessing}, nil, ""},
		{"one pass, done", catalog.Catalog{ID: "c-done", Status: catalog.StatusDone, FinishedAt: (*a.now).Add(time.Minute),
			Report: &catalog.Report{Status: catalog.StatusDone, Rows: 1, Accepted: 1, Errors: []catalog.RowError{}}}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.Partner, c.Key, c.File, c.Mode, c.ReceivedAt = "acme", "incoming/acme/"+c.ID+".csv", c.ID+".csv", catalog.ModeFull, *a.now
			if err := a.store.CreateCatalog(ctx, c); err != nil {
				t.Fatal(err)
			}
			ledger, ok := a.store.(catalog.ChunkLedger)
			if !ok {
				t.Fatalf("%T keeps no chunk ledger", a.store)
			}
			for _, n := range tc.written {
				if _, err := ledger.ChunkDone(ctx, c.ID, n); err != nil {
					t.Fatal(err)
				}
			}
			rec := a.check(t, doc, exchange{"catalog", "GET", "/v1/catalogs/" + c.ID, "", true, 200})
			var one shownProgress
			if err := json.Unmarshal(rec.Body.Bytes(), &one); err != nil {
				t.Fatal(err)
			}
			if string(one.Progress) != tc.progress {
				t.Fatalf("GET /v1/catalogs/%s: progress %s, want %q", c.ID, one.Progress, tc.progress)
			}
			rec = a.check(t, doc, exchange{"list", "GET", "/v1/catalogs?limit=500", "", true, 200})
			var list struct {
				Catalogs []shownProgress `json:"catalogs"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list.Catalogs, func(l shownProgress) bool { return l.ID == c.ID })
			if i < 0 || string(list.Catalogs[i].Progress) != tc.progress {
				t.Fatalf("GET /v1/catalogs: %s, want %s with progress %q", rec.Body, c.ID, tc.progress)
			}
		})
	}
}
