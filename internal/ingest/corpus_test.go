package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// TestHostileCorpus ingests every file of testdata/hostile (the small
// ones; the big ones are made at test time in TestHostileFiles). Each must
// end in a report or a refusal with a reason, as listed here: a file added
// to the folder without an expectation fails the test.
func TestHostileCorpus(t *testing.T) {
	type want struct {
		status catalog.Status
		reason string // in Report.Reason
		check  func(t *testing.T, r *catalog.Report)
	}
	rows := func(rows, accepted int, codes ...string) func(t *testing.T, r *catalog.Report) {
		return func(t *testing.T, r *catalog.Report) {
			t.Helper()
			if r.Rows != rows || r.Accepted != accepted {
				t.Fatalf("rows %d accepted %d, want %d %d: %+v", r.Rows, r.Accepted, rows, accepted, r)
			}
			all := append(append([]catalog.RowError{}, r.Errors...), r.Warnings...)
			for _, code := range codes {
				found := false
				for _, e := range all {
					found = found || e.Code == code
				}
				if !found {
					t.Fatalf("no %s in %+v", code, all)
				}
			}
		}
	}
	expect := map[string]want{
		"empty.csv":             {status: catalog.StatusRefused, reason: "empty"},
		"header-only.csv":       {status: catalog.StatusDone, check: rows(0, 0)},
		"garbage.csv":           {status: catalog.StatusRefused, reason: "binary"},
		"setup.xlsx":            {status: catalog.StatusRefused, reason: "program"},
		"not-a-workbook.xlsx":   {status: catalog.StatusRefused, reason: "XLSX"},
		"ragged.csv":            {status: catalog.StatusDone, check: rows(4, 3, ingest.CodeMissingName)},
		"quotes.csv":            {status: catalog.StatusDone, check: rows(3, 3)},
		"duplicates.csv":        {status: catalog.StatusDone, check: rows(3, 3, ingest.CodeDuplicateKey)},
		"mixed-encodings.csv":   {status: catalog.StatusDone, check: rows(2301, 2301, ingest.CodeMixedEncoding)},
		"truncated.json":        {status: catalog.StatusRefused, reason: "malformed"},
		"not-objects.ndjson":    {status: catalog.StatusDone, check: rows(4, 2, ingest.CodeBadRow)},
		"formula-cells.csv":     {status: catalog.StatusDone, check: rows(2, 2)},
		"title-rows.xlsx":       {status: catalog.StatusDone, check: rows(1, 1)},
		"doctype-entities.xlsx": {},
		"row-2147483647.xlsx":   {status: catalog.StatusRefused, reason: "1,048,576"},
		"formula-cells.xlsx":    {status: catalog.StatusDone, check: rows(2, 1, ingest.CodeMissingName)},
	}
	dir := filepath.Join("testdata", "hostile")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			w, ok := expect[name]
			if !ok {
				t.Fatalf("testdata/hostile/%s has no expectation in TestHostileCorpus", name)
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t)
			tmp := t.TempDir()
			e.svc = ingest.New(ingest.Deps{Store: e.store, Blobs: e.blobs, TempDir: tmp})
			key := "incoming/acme/" + name
			e.put(key, string(b))
			c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key})
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			e.checkInvariants(c)
			if c.Status != catalog.StatusDone && c.Status != catalog.StatusRefused {
				t.Fatalf("status %s", c.Status)
			}
			if w.status != "" && c.Status != w.status {
				t.Fatalf("status %s (%s), want %s", c.Status, c.Report.Reason, w.status)
			}
			if !strings.Contains(c.Report.Reason, w.reason) {
				t.Fatalf("reason %q, want %q in it", c.Report.Reason, w.reason)
			}
			if w.check != nil {
				w.check(t, c.Report)
			}
			for _, p := range e.products("acme") {
				if strings.Contains(p.Name, "root:") {
					t.Fatal("an XML external entity was expanded")
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}
