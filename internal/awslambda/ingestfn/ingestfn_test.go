package ingestfn_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/awslambda/ingestfn"
	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/emf"
)

func TestReportMetricsEmitsFinalReportsOnly(t *testing.T) {
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var buf bytes.Buffer
	s := &ingestfn.ReportMetrics{Store: store, Metrics: emf.New(&buf, "dev")}
	c := catalog.Catalog{ID: "c1", Partner: "acme", Status: catalog.StatusProcessing}
	if err := s.PutCatalog(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("metrics for an unfinished catalog: %s", buf.String())
	}
	c.Status = catalog.StatusDone
	c.Report = &catalog.Report{Status: catalog.StatusDone, Rows: 10, Accepted: 7, Rejected: 3}
	if err := s.PutCatalog(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if got, err := store.GetCatalog(t.Context(), "c1"); err != nil || got.Status != catalog.StatusDone {
		t.Fatalf("stored %+v, %v", got, err)
	}
	if !strings.Contains(buf.String(), `"RowsAccepted":7`) || !strings.Contains(buf.String(), `"RowsRejected":3`) || strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("metrics %s", buf.String())
	}
}
