package ingest_test

import (
	"context"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// toFix reads a catalog's products-to-fix CSV, nil when there is none.
func (e *env) toFix(catalogID string) [][]string {
	e.t.Helper()
	rc, _, err := e.blobs.Open(context.Background(), intake.ToFixKey(catalogID))
	if catalog.IsNotFound(err) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer rc.Close()
	recs, err := csv.NewReader(rc).ReadAll()
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

func TestQualityScoredAtIngest(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "catalog.csv", canonical, "")
	checkCanonicalScores(t, e.products("acme"))
	checkCanonicalSummary(t, c.Report.Quality)
	stored, err := e.store.GetCatalog(context.Background(), c.ID)
	if err != nil || stored.Report.Quality == nil || stored.Report.Quality.ToFix != 3 {
		t.Fatalf("stored report quality = %+v, %v", stored.Report, err)
	}
	recs := e.toFix(c.ID)
	if len(recs) != 4 || !slices.Equal(recs[0], analysis.ToFixHeader()) {
		t.Fatalf("to-fix CSV = %q", recs)
	}
	if got := recs[2]; got[0] != "acme:TB-002" || got[3] != "C" || got[4] != "70" ||
		got[5] != "image_missing | gtin_missing | attributes_missing" || got[6] == "" {
		t.Fatalf("TB-002 row = %q", got)
	}
	checkQualityOfUnchangedFiles(t, e)
}

// checkCanonicalScores checks the scores and offer keys of the products
// of the canonical file.
func checkCanonicalScores(t *testing.T, ps map[string]catalog.Product) {
	t.Helper()
	for key, want := range map[string]catalog.Quality{
		"CH-001": {Score: 95, Grade: "A", Issues: []string{analysis.IssueAttributesMissing}},
		"TB-002": {Score: 70, Grade: "C", Issues: []string{analysis.IssueImageMissing, analysis.IssueGTINMissing, analysis.IssueAttributesMissing}},
		"LP-003": {Score: 75, Grade: "B", Issues: []string{analysis.IssueNameLength, analysis.IssueGTINMissing, analysis.IssueAttributesMissing}},
	} {
		got := ps[key].Quality
		if got == nil || got.Score != want.Score || got.Grade != want.Grade || !slices.Equal(got.Issues, want.Issues) {
			t.Errorf("%s quality = %+v, want %+v", key, got, want)
		}
	}
	if ps["CH-001"].OfferKey != "gtin:04006381333931" || ps["TB-002"].OfferKey != "" {
		t.Errorf("offer keys = %q, %q", ps["CH-001"].OfferKey, ps["TB-002"].OfferKey)
	}
}

// checkCanonicalSummary checks the report's quality summary of the
// canonical file.
func checkCanonicalSummary(t *testing.T, q *catalog.QualitySummary) {
	t.Helper()
	if q == nil || q.Products != 3 || q.Score != 80 || q.ToFix != 3 {
		t.Fatalf("summary = %+v", q)
	}
	for grade, want := range map[string]int{"A": 1, "B": 1, "C": 1, "D": 0, "E": 0} {
		if q.Grades[grade] != want {
			t.Fatalf("summary = %+v: %d of grade %s, want %d", q, q.Grades[grade], grade, want)
		}
	}
	if q.Issues[0].Code != analysis.IssueAttributesMissing || q.Issues[0].Count != 3 ||
		q.Issues[1].Code != analysis.IssueGTINMissing || q.Issues[1].Count != 2 || len(q.Issues) != 4 {
		t.Fatalf("issues = %+v", q.Issues)
	}
}

// checkQualityOfUnchangedFiles ingests the canonical products again, as a
// reordered file and then as the same file twice: unchanged, not
// rewritten, and still in the summary and the to-fix list.
func checkQualityOfUnchangedFiles(t *testing.T, e *env) {
	t.Helper()
	// Reordered, so the file is read.
	e.now = e.now.Add(time.Hour)
	reordered := "sku,name,description,brand,category,price,currency,gtin,moq,image\n" +
		"LP-003,Lamp,\"Desk lamp, LED\",Brightly,Home > Office,19.99,USD,,5,https://img.example/lp3.jpg\n" +
		"CH-001,Chaise pliante,Chaise pliante en hêtre,Acme,Maison > Jardin,\"12,50\",EUR,4006381333931,10,https://img.example/ch1.jpg\n" +
		"TB-002,Table basse,Table basse en chêne,Acme,Maison > Salon,149.90,EUR,,1,\n"
	again := e.ingest("acme", "again.csv", reordered, "")
	if r := again.Report; r.Unchanged != 3 || r.Quality == nil || r.Quality.ToFix != 3 || r.Quality.Score != 80 {
		t.Fatalf("unchanged file report = %+v quality %+v", r, r.Quality)
	}
	if recs := e.toFix(again.ID); len(recs) != 4 || recs[1][0] != "acme:LP-003" {
		t.Fatalf("to-fix CSV of the unchanged products = %q", recs)
	}
	// Byte for byte the same file: the shortcut keeps the summary and the list.
	same := e.ingest("acme", "same.csv", reordered, "")
	if r := same.Report; r.Warnings[0].Code != ingest.CodeUnchangedFile || r.Quality == nil || r.Quality.ToFix != 3 {
		t.Fatalf("identical file report = %+v", r)
	}
	if recs := e.toFix(same.ID); len(recs) != 4 {
		t.Fatalf("to-fix CSV of the identical file = %q", recs)
	}
}

func TestQualityDryRunAndFormulaCells(t *testing.T) {
	e := newEnv(t)
	key := "incoming/acme/dry.csv"
	e.put(key, "sku,name\n=CMD,=HYPERLINK(\"x\")\n")
	c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if q := c.Report.Quality; q == nil || q.Products != 1 || q.Grades["E"] != 1 {
		t.Fatalf("dry run summary = %+v", q)
	}
	if recs := e.toFix(c.ID); recs != nil {
		t.Fatalf("a dry run wrote a to-fix list: %q", recs)
	}
	c = e.ingest("acme", "real.csv", "sku,name\n=CMD,=HYPERLINK(\"x\")\n", "")
	recs := e.toFix(c.ID)
	if len(recs) != 2 || recs[1][0] != "acme:=CMD" || recs[1][1] != "'=CMD" || recs[1][2] != `'=HYPERLINK("x")` {
		t.Fatalf("formula cells not neutralised: %q", recs)
	}
}

func TestQualityRulesVersionInHash(t *testing.T) {
	// A product stored before scores existed (another rules version) has
	// another content hash, so the next upload writes it again with its
	// score.
	p := catalog.Product{Partner: "acme", Key: "1", Name: "Chaise"}
	if ingest.ProductHash(p) == "" {
		t.Fatal("empty hash")
	}
	e := newEnv(t)
	old := p
	old.ID, old.Hash = "acme:1", "0000000000000001"
	if _, err := e.store.PutProducts(context.Background(), []catalog.Product{old}); err != nil {
		t.Fatal(err)
	}
	c := e.ingest("acme", "c.csv", "sku,name\n1,Chaise\n", "")
	if c.Report.Updated != 1 {
		t.Fatalf("report = %+v", c.Report)
	}
	if got := e.products("acme")["1"]; got.Quality == nil || got.Quality.Grade != "E" {
		t.Fatalf("rewritten product = %+v", got)
	}
}
