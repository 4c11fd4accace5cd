package ingest_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// env is a Service on the embedded store and blobs in a temp folder.
type env struct {
	t     *testing.T
	store *boltstore.Store
	blobs *diskblobs.Blobs
	svc   *ingest.Service
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, bl := embeddedtest.Open(t)
	e := &env{t: t, store: st, blobs: bl, now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	e.svc = ingest.New(ingest.Deps{Store: st, Blobs: bl, Clock: func() time.Time { return e.now }, TempDir: t.TempDir()})
	return e
}

func (e *env) put(key, content string) {
	e.t.Helper()
	if _, err := e.blobs.Put(context.Background(), key, strings.NewReader(content)); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) ingest(partner, file, content string, mode catalog.Mode) catalog.Catalog {
	e.t.Helper()
	key := "incoming/" + partner + "/" + file
	e.put(key, content)
	c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: partner, Key: key, Mode: mode})
	if err != nil {
		e.t.Fatalf("Ingest: %v", err)
	}
	e.checkInvariants(c)
	return c
}

func (e *env) checkInvariants(c catalog.Catalog) {
	e.t.Helper()
	r := c.Report
	if r == nil {
		e.t.Fatalf("catalog %s has no report", c.ID)
	}
	if r.Rows != r.Accepted+r.Rejected {
		e.t.Fatalf("rows %d != accepted %d + rejected %d", r.Rows, r.Accepted, r.Rejected)
	}
	if c.Status != r.Status {
		e.t.Fatalf("catalog status %s, report status %s", c.Status, r.Status)
	}
	if r.Status == catalog.StatusRefused && r.Reason == "" {
		e.t.Fatal("refused with no reason")
	}
}

func (e *env) products(partner string) map[string]catalog.Product {
	e.t.Helper()
	out := map[string]catalog.Product{}
	for p, err := range e.store.Products(context.Background(), partner) {
		if err != nil {
			e.t.Fatal(err)
		}
		out[p.Key] = p
	}
	return out
}

const canonical = `sku,name,description,brand,category,price,currency,gtin,moq,image
CH-001,Chaise pliante,Chaise pliante en hêtre,Acme,Maison > Jardin,"12,50",EUR,4006381333931,10,https://img.example/ch1.jpg
TB-002,Table basse,Table basse en chêne,Acme,Maison > Salon,149.90,EUR,,1,
LP-003,Lamp,"Desk lamp, LED",Brightly,Home > Office,19.99,USD,,5,https://img.example/lp3.jpg
`

func TestCanonicalCSV(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "catalog.csv", canonical, "")
	r := c.Report
	if c.Status != catalog.StatusDone || r.Rows != 3 || r.Accepted != 3 || r.Created != 3 || r.Products != 3 {
		t.Fatalf("catalog = %+v, report = %+v", c, r)
	}
	if r.Format != "csv" || r.Encoding != "utf-8" || c.Mode != catalog.ModeFull || c.SHA256 == "" {
		t.Fatalf("report = %+v, catalog = %+v", r, c)
	}
	ps := e.products("acme")
	p := ps["CH-001"]
	if p.Price == nil || p.Hash == "" {
		t.Fatalf("product = %+v", p)
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"ID", p.ID, "acme:CH-001"}, {"Name", p.Name, "Chaise pliante"}, {"Brand", p.Brand, "Acme"},
		{"GTIN", p.GTIN, "4006381333931"}, {"MOQ", p.MOQ, 10}, {"Price", p.Price.Amount.String(), "12.50"},
		{"Currency", p.Price.Currency, "EUR"}, {"Category", strings.Join(p.Category, "|"), "Maison|Jardin"},
		{"Images", len(p.Images), 1}, {"Version", p.Version, int64(1)},
		{"Source.CatalogID", p.Source.CatalogID, c.ID}, {"Source.Row", p.Source.Row, 2},
	} {
		if f.got != f.want {
			t.Errorf("CH-001 %s = %v, want %v", f.name, f.got, f.want)
		}
	}
	for id, p := range ps {
		if p.Hash != ingest.ProductHash(p) {
			t.Fatalf("%s: stored hash %s, ProductHash %s", id, p.Hash, ingest.ProductHash(p))
		}
	}
	if lp := ps["LP-003"]; lp.Price.Currency != "USD" || lp.Description != "Desk lamp, LED" {
		t.Fatalf("LP-003 = %+v", lp)
	}
	got, err := e.store.GetCatalog(context.Background(), c.ID)
	if err != nil || got.Status != catalog.StatusDone || got.Report == nil || got.Report.Created != 3 {
		t.Fatalf("stored catalog = %+v, %v", got, err)
	}
}

func TestReingestUnchangedWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.ingest("acme", "catalog.csv", canonical, "")
	before := e.products("acme")
	e.now = e.now.Add(time.Hour)
	c := e.ingest("acme", "catalog-2.csv", canonical, "")
	if r := c.Report; r.Unchanged != 3 || r.Created != 0 || r.Updated != 0 || r.Removed != 0 {
		t.Fatalf("report = %+v", r)
	}
	for k, p := range e.products("acme") {
		if p.Version != before[k].Version || !p.UpdatedAt.Equal(before[k].UpdatedAt) {
			t.Fatalf("%s was rewritten: %+v", k, p)
		}
	}
	// One changed price: one update.
	changed := strings.Replace(canonical, "149.90", "139.90", 1)
	c = e.ingest("acme", "catalog-3.csv", changed, "")
	if r := c.Report; r.Unchanged != 2 || r.Updated != 1 {
		t.Fatalf("report = %+v", r)
	}
	if p := e.products("acme")["TB-002"]; p.Price.Amount.String() != "139.90" || p.Version != 2 {
		t.Fatalf("TB-002 = %+v", p)
	}
}

func TestSameEventTwiceIsOneIngest(t *testing.T) {
	e := newEnv(t)
	key := "incoming/acme/catalog.csv"
	e.put(key, canonical)
	ctx := context.Background()
	c1, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if c1.ID != c2.ID || c2.Report == nil || c2.Report.Created != 3 {
		t.Fatalf("second delivery: %+v", c2)
	}
	cats, err := e.store.ListCatalogs(ctx, "acme", 10)
	if err != nil || len(cats) != 1 {
		t.Fatalf("catalogs = %d, %v", len(cats), err)
	}
	for _, p := range e.products("acme") {
		if p.Version != 1 {
			t.Fatalf("%s written twice", p.ID)
		}
	}
}

func TestRejectedRowsCSV(t *testing.T) {
	e := newEnv(t)
	content := canonical + ",Sans référence,,,,1,EUR,,,\nBAD-1,=HYPERLINK(\"x\"),,,,douze,EUR,,,\nNN-1,,,,,1,EUR,,,\n"
	c := e.ingest("acme", "catalog.csv", content, "")
	r := c.Report
	if r.Rows != 6 || r.Accepted != 3 || r.Rejected != 3 || len(r.Errors) != 3 {
		t.Fatalf("report = %+v", r)
	}
	want := map[int]string{5: ingest.CodeMissingIdentifier, 6: "bad_price", 7: ingest.CodeMissingName}
	for _, er := range r.Errors {
		if want[er.Row] != er.Code || er.Message == "" {
			t.Fatalf("error %+v; want codes by row %v", er, want)
		}
	}
	rc, _, err := e.blobs.Open(context.Background(), intake.RejectedKey(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	recs, err := csv.NewReader(rc).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0][0] != "ingest_error" || recs[0][1] != "sku" {
		t.Fatalf("rejected csv = %q", recs)
	}
	if recs[2][2] != `'=HYPERLINK("x")` {
		t.Fatalf("formula not neutralised: %q", recs[2])
	}
}

func TestJSONAndNDJSONFeeds(t *testing.T) {
	e := newEnv(t)
	// The API's own Product shape, as a JSON array: it ingests back.
	arr := `[{"id":"old:CH-1","partner":"old","key":"CH-1","sku":"CH-1","name":"Chaise pliante","brand":"Acme",
	  "category":["Maison","Jardin"],"price":{"amount":"12.50","currency":"EUR"},"gtin":"4006381333931",
	  "images":["https://img.example/1.jpg","https://img.example/2.jpg"],"moq":10,"attributes":{"Couleur":"Vert"},
	  "source":{"catalog_id":"c1","row":2},"updated_at":"2026-01-01T00:00:00Z","hash":"abc"},
	 {"sku":"TB-2","name":"Table","price":"149,90 €"}, "not an object"]`
	c := e.ingest("acme", "feed.json", arr, "")
	r := c.Report
	if c.Status != catalog.StatusDone || r.Format != "json" || r.Rows != 3 || r.Accepted != 2 || r.Rejected != 1 || r.Errors[0].Code != ingest.CodeBadRow {
		t.Fatalf("%s %+v", c.Status, r)
	}
	p := e.products("acme")["CH-1"]
	if p.Name != "Chaise pliante" || strings.Join(p.Category, ">") != "Maison>Jardin" || p.Price.Amount.String() != "12.50" ||
		len(p.Images) != 2 || p.MOQ != 10 || p.Attributes["Couleur"] != "Vert" || p.Attributes["hash"] != "" || p.Attributes["source.row"] != "" {
		t.Fatalf("CH-1 = %+v", p)
	}
	nd := "{\"sku\":\"A\",\"name\":\"Stylo\",\"prix\":\"1,20\"}\n{\"sku\":\"B\",\"name\":\"Gomme\",\"prix\":\"0,80\",\"couleur\":\"blanc\"}\n{oops\n"
	c = e.ingest("acme2", "feed.ndjson", nd, "")
	if r := c.Report; r.Format != "ndjson" || r.Accepted != 2 || r.Rejected != 1 || r.Errors[0].Row != 3 {
		t.Fatalf("%+v", r)
	}
	if b := e.products("acme2")["B"]; b.Price.Amount.String() != "0.80" || b.Attributes["couleur"] != "blanc" {
		t.Fatalf("B = %+v", b)
	}
}

// secondBlobs gives every blob the same modification time, as S3 does for
// uploads within one second (LastModified has no finer grain): only the
// blob's Version tells two uploads of identical content apart. There is no
// S3 here; the embedded disk blobs stand in, with their own versions.
type secondBlobs struct{ *diskblobs.Blobs }

var sameSecond = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func (b secondBlobs) Stat(ctx context.Context, key string) (catalog.BlobInfo, error) {
	info, err := b.Blobs.Stat(ctx, key)
	info.ModTime = sameSecond
	return info, err
}

func (b secondBlobs) Open(ctx context.Context, key string) (io.ReadCloser, catalog.BlobInfo, error) {
	rc, info, err := b.Blobs.Open(ctx, key)
	info.ModTime = sameSecond
	return rc, info, err
}

// TestSameContentUploadedTwiceInOneSecond: the second upload is a new
// catalog (read, found identical, nothing written), not the first one's
// event delivered again.
func TestSameContentUploadedTwiceInOneSecond(t *testing.T) {
	e := newEnv(t)
	svc := ingest.New(ingest.Deps{Store: e.store, Blobs: secondBlobs{e.blobs}, Clock: func() time.Time { return e.now }, TempDir: t.TempDir()})
	ctx := context.Background()
	key := "incoming/acme/c.csv"
	var ids []string
	for i := range 2 {
		e.put(key, "sku,name,price\nA,Stylo,1\n")
		c, err := svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != catalog.StatusDone {
			t.Fatalf("upload %d: %s %+v", i+1, c.Status, c.Report)
		}
		ids = append(ids, c.ID)
		if i == 1 && (len(c.Report.Warnings) == 0 || c.Report.Warnings[0].Code != ingest.CodeUnchangedFile) {
			t.Fatalf("second upload not processed as a new file: %+v", c.Report)
		}
	}
	if ids[0] == ids[1] {
		t.Fatalf("both uploads are catalog %s", ids[0])
	}
	// The same upload delivered again is still one catalog.
	c, err := svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.ID != ids[1] {
		t.Fatalf("redelivery: %s, %v; want %s", c.ID, err, ids[1])
	}
}

// TestLeaseTakeover: a delivery takes over a catalog left in processing
// once its heartbeat is older than ingest.LeaseTimeout, long before
// ingest.StaleAfter; while the heartbeat is fresh it leaves it alone.
func TestLeaseTakeover(t *testing.T) {
	for _, tc := range []struct {
		name     string
		age      time.Duration // of the last heartbeat
		takeover bool
	}{
		{"fresh heartbeat", 30 * time.Second, false},
		{"stopped heartbeat", ingest.LeaseTimeout + time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			key := "incoming/acme/c.csv"
			e.put(key, "sku,name,price\nA,Stylo,1\n")
			info, err := e.blobs.Stat(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			// The record a process left when it died mid-file.
			dead := catalog.Catalog{ID: ingest.CatalogID("acme", key, info), Partner: "acme", Key: key, File: "c.csv",
				Status: catalog.StatusProcessing, ReceivedAt: e.now.Add(-tc.age - time.Minute), HeartbeatAt: e.now.Add(-tc.age)}
			if err := e.store.CreateCatalog(ctx, dead); err != nil {
				t.Fatal(err)
			}
			c, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != dead.ID {
				t.Fatalf("catalog %s, want %s", c.ID, dead.ID)
			}
			if got := c.Status == catalog.StatusDone; got != tc.takeover {
				t.Fatalf("status %s after a heartbeat %s old", c.Status, tc.age)
			}
		})
	}
}

// slowBlobs serves files a few bytes at a time, slowly: an ingest that
// lasts long enough to send heartbeats.
type slowBlobs struct{ *diskblobs.Blobs }

type slowReader struct{ io.ReadCloser }

func (r slowReader) Read(p []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	return r.ReadCloser.Read(p[:min(len(p), 64)])
}

func (b slowBlobs) Open(ctx context.Context, key string) (io.ReadCloser, catalog.BlobInfo, error) {
	rc, info, err := b.Blobs.Open(ctx, key)
	if err != nil {
		return nil, info, err
	}
	return slowReader{rc}, info, nil
}

// heartbeatStore records the heartbeats written while a catalog is
// processing.
type heartbeatStore struct {
	*boltstore.Store
	mu    sync.Mutex
	beats []time.Time
	rows  []int // the rows read each heartbeat says (0: no progress)
}

func (s *heartbeatStore) PutCatalog(ctx context.Context, c catalog.Catalog) error {
	if c.Status == catalog.StatusProcessing {
		s.mu.Lock()
		s.beats = append(s.beats, c.HeartbeatAt)
		rows := 0
		if c.Progress != nil {
			rows = c.Progress.Rows
		}
		s.rows = append(s.rows, rows)
		s.mu.Unlock()
	}
	return s.Store.PutCatalog(ctx, c)
}

// TestHeartbeat: a running ingest refreshes its catalog's heartbeat, with
// the rows read so far as its progress (never going back), and the final
// record (done, without progress) is written after the last heartbeat.
func TestHeartbeat(t *testing.T) {
	e := newEnv(t)
	st := &heartbeatStore{Store: e.store}
	svc := ingest.New(ingest.Deps{Store: st, Blobs: slowBlobs{e.blobs}, TempDir: t.TempDir(), HeartbeatEvery: 5 * time.Millisecond})
	var b strings.Builder
	b.WriteString("sku,name,price\n")
	for i := range 200 {
		fmt.Fprintf(&b, "S%d,Stylo %d,1.50\n", i, i)
	}
	e.put("incoming/acme/c.csv", b.String())
	c, err := svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: "incoming/acme/c.csv"})
	if err != nil || c.Status != catalog.StatusDone {
		t.Fatalf("%s %v", c.Status, err)
	}
	st.mu.Lock()
	beats := append([]time.Time(nil), st.beats...)
	rows := append([]int(nil), st.rows...)
	st.mu.Unlock()
	if !slices.IsSorted(rows) || rows[len(rows)-1] == 0 || rows[len(rows)-1] > 200 {
		t.Fatalf("rows read said by the heartbeats: %v", rows)
	}
	if len(beats) < 3 {
		t.Fatalf("%d heartbeats written", len(beats))
	}
	for i := 1; i < len(beats); i++ {
		if !beats[i].After(beats[i-1]) {
			t.Fatalf("heartbeat %d (%v) not after %v", i, beats[i], beats[i-1])
		}
	}
	got, err := e.store.GetCatalog(context.Background(), c.ID)
	if err != nil || got.Status != catalog.StatusDone || got.Progress != nil {
		t.Fatalf("stored %s %+v %v: a heartbeat overwrote the final record", got.Status, got.Progress, err)
	}
}
