package ingest_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

func rowsCSV(from, to int) string {
	var b strings.Builder
	b.WriteString("sku,name,price\n")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "S%03d,Produit %d,%d\n", i, i, 10+i)
	}
	return b.String()
}

// held ingests ten products of acme, then a full file of the keep first
// ones (at most 7: more than 20% missing), which the removal guard holds.
func (e *env) held(keep int) catalog.Catalog {
	e.t.Helper()
	e.ingest("acme", "v1.csv", rowsCSV(0, 10), "")
	c := e.ingest("acme", "v2.csv", rowsCSV(10-keep, 10), "")
	if c.Status != catalog.StatusNeedsConfirmation {
		e.t.Fatalf("v2: %s, want it held", c.Status)
	}
	return c
}

func TestRemovalGuardAndConfirm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.ingest("acme", "v1.csv", rowsCSV(0, 10), "")
	// 1 of 10 missing (10%): removed at once.
	c := e.ingest("acme", "v2.csv", rowsCSV(1, 10), "")
	if c.Status != catalog.StatusDone || c.Report.Removed != 1 || len(e.products("acme")) != 9 {
		t.Fatalf("v2: %s %+v", c.Status, c.Report)
	}
	// 5 of 9 missing: held, nothing removed.
	c = e.ingest("acme", "v3.csv", rowsCSV(6, 10), "")
	if c.Status != catalog.StatusNeedsConfirmation || c.Report.Removed != 0 || !strings.Contains(c.Report.Reason, "5 of the partner's 9") {
		t.Fatalf("v3: %s %+v", c.Status, c.Report)
	}
	if n := len(e.products("acme")); n != 9 {
		t.Fatalf("%d products after a held catalog", n)
	}
	// Confirm removes them.
	got, err := e.svc.Confirm(ctx, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.StatusDone || got.Report.Removed != 5 || len(e.products("acme")) != 4 {
		t.Fatalf("confirmed: %s %+v", got.Status, got.Report)
	}
	// Confirming twice is a conflict.
	if _, err := e.svc.Confirm(ctx, c.ID, ""); catalog.CodeOf(err) != catalog.CodeConflict {
		t.Fatalf("second confirm: %v", err)
	}
	if _, err := e.svc.Confirm(ctx, "nope", ""); !catalog.IsNotFound(err) {
		t.Fatalf("unknown catalog: %v", err)
	}
}

func TestConfirmRefusesWhenANewerFileArrived(t *testing.T) {
	e := newEnv(t)
	held := e.held(2)
	e.now = e.now.Add(1)
	e.ingest("acme", "v3.csv", rowsCSV(0, 10), "")
	if _, err := e.svc.Confirm(context.Background(), held.ID, ""); catalog.CodeOf(err) != catalog.CodeConflict {
		t.Fatalf("confirm of a superseded catalog: %v", err)
	}
	if n := len(e.products("acme")); n != 10 {
		t.Fatalf("%d products", n)
	}
}

func TestPartialModeRemovesNothing(t *testing.T) {
	e := newEnv(t)
	e.ingest("acme", "v1.csv", rowsCSV(0, 10), "")
	c := e.ingest("acme", "v2.csv", rowsCSV(8, 12), catalog.ModePartial)
	if c.Status != catalog.StatusDone || c.Mode != catalog.ModePartial || c.Report.Removed != 0 || c.Report.Created != 2 || c.Report.Unchanged != 2 {
		t.Fatalf("%s %+v", c.Status, c.Report)
	}
	if n := len(e.products("acme")); n != 12 {
		t.Fatalf("%d products", n)
	}
}

func TestPartnerSettings(t *testing.T) {
	e := newEnv(t)
	e.put(ingest.SettingsKey("acme"), `{"currency":"CNY","mode":"partial","removal_guard":0.5,"mapping":{"Libellé article":"name","Code interne":"sku"}}`)
	e.ingest("acme", "v1.csv", "Code interne;Libellé article;Tarif\nA1;Stylo;2,50\nA2;Crayon;1\n", "")
	ps := e.products("acme")
	if ps["A1"].Name != "Stylo" || ps["A1"].Price.Currency != "CNY" || ps["A1"].Price.Amount.String() != "2.50" {
		t.Fatalf("A1 = %+v", ps["A1"])
	}
	c := e.ingest("acme", "v2.csv", "Code interne;Libellé article\nA3;Gomme\n", "")
	if c.Mode != catalog.ModePartial || len(e.products("acme")) != 3 {
		t.Fatalf("mode %s, %d products", c.Mode, len(e.products("acme")))
	}
	e.put(ingest.SettingsKey("acme"), `{"mapping":{"x":"colour"}}`)
	c = e.ingest("acme", "v3.csv", "sku,name\nA1,Stylo\n", "")
	if c.Status != catalog.StatusRefused || !strings.Contains(c.Report.Reason, "not a field") {
		t.Fatalf("bad settings: %s %+v", c.Status, c.Report)
	}
}

func TestDuplicateKeysLastWins(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "v1.csv", "sku,name,price\nA,First,1\nB,Other,2\nA,Second,3\n", "")
	if c.Report.Products != 2 || c.Report.Accepted != 3 {
		t.Fatalf("%+v", c.Report)
	}
	dup := false
	for _, w := range c.Report.Warnings {
		dup = dup || (w.Code == ingest.CodeDuplicateKey && w.Row == 4)
	}
	if !dup {
		t.Fatalf("no duplicate warning: %+v", c.Report.Warnings)
	}
	if p := e.products("acme")["A"]; p.Name != "Second" {
		t.Fatalf("A = %+v", p)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.put("incoming/acme/v1.csv", canonical)
	c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: "incoming/acme/v1.csv", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Report.DryRun || c.Report.Created != 3 || c.Report.Accepted != 3 {
		t.Fatalf("%+v", c.Report)
	}
	if len(e.products("acme")) != 0 {
		t.Fatal("dry run wrote products")
	}
	if cats, _ := e.store.ListCatalogs(context.Background(), "", 10); len(cats) != 0 {
		t.Fatal("dry run recorded a catalog")
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.put("incoming/acme/a.csv", canonical)
	for _, req := range []ingest.Request{
		{Partner: "Bad Partner", Key: "incoming/acme/a.csv"},
		{Partner: "acme", Key: "incoming/other/a.csv"},
		{Partner: "acme", Key: "incoming/acme/../x"},
		{Partner: "acme", Key: "incoming/acme/a.csv", Mode: "sideways"},
	} {
		if _, err := e.svc.Ingest(ctx, req); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if _, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: "incoming/acme/missing.csv"}); !catalog.IsNotFound(err) {
		t.Errorf("missing blob: %v", err)
	}
}

func TestUnchangedFileShortcut(t *testing.T) {
	e := newEnv(t)
	first := e.ingest("acme", "v1.csv", canonical+"ZZ,Sans prix,,,,oops,EUR,,,\n", "")
	before := e.products("acme")
	// Byte for byte the same file: nothing read, nothing written.
	c := e.ingest("acme", "v2.csv", canonical+"ZZ,Sans prix,,,,oops,EUR,,,\n", "")
	r := c.Report
	if r.Unchanged != 3 || r.Created+r.Updated+r.Removed != 0 || r.Rejected != 1 || len(r.Warnings) == 0 ||
		r.Warnings[0].Code != ingest.CodeUnchangedFile || c.SHA256 != first.SHA256 {
		t.Fatalf("identical file: %+v", r)
	}
	if _, _, err := e.blobs.Open(context.Background(), intake.RejectedKey(c.ID)); err != nil {
		t.Fatalf("rejected rows of the identical file: %v", err)
	}
	// The same products in another order: read, and still nothing written.
	lines := strings.Split(strings.TrimSpace(canonical), "\n")
	reordered := strings.Join([]string{lines[0], lines[3], lines[1], lines[2]}, "\n") + "\n"
	c = e.ingest("acme", "v3.csv", reordered, "")
	if r := c.Report; r.Unchanged != 3 || r.Created+r.Updated+r.Removed != 0 || (len(r.Warnings) > 0 && r.Warnings[0].Code == ingest.CodeUnchangedFile) {
		t.Fatalf("reordered file: %+v", r)
	}
	for k, p := range e.products("acme") {
		if p.Version != before[k].Version {
			t.Fatalf("%s rewritten", k)
		}
	}
	// New settings: the identical file is read again.
	e.put(ingest.SettingsKey("acme"), `{"currency":"USD"}`)
	c = e.ingest("acme", "v4.csv", reordered, "")
	if r := c.Report; len(r.Warnings) > 0 && r.Warnings[0].Code == ingest.CodeUnchangedFile {
		t.Fatalf("settings changed but shortcut taken: %+v", r)
	}
}

func TestVariantsOfAMissingParentAreRejected(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "v.csv", "sku,name,parent,price,Option1 Name,Option1 Value\nP1,Polo,,20,,\nP1-S,,P1,19,Size,S\nX-S,,P9,5,Size,S\nX-M,,P9,6,Size,M\n", "")
	r := c.Report
	if r.Rows != 4 || r.Accepted != 2 || r.Rejected != 2 || r.Products != 1 {
		t.Fatalf("%+v", r)
	}
	for _, er := range r.Errors {
		if er.Code != ingest.CodeUnknownParent || (er.Row != 4 && er.Row != 5) {
			t.Fatalf("%+v", er)
		}
	}
	polo := e.products("acme")["P1"]
	if polo.Price.Amount.String() != "20" || len(polo.Variants) != 1 || polo.Variants[0].Options["Size"] != "S" {
		t.Fatalf("polo = %+v", polo)
	}
	rc, _, err := e.blobs.Open(context.Background(), intake.RejectedKey(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if !strings.Contains(string(b), "X-S,,P9,5,Size,S") || !strings.Contains(string(b), "X-M,,P9,6,Size,M") {
		t.Fatalf("rejected.csv = %s", b)
	}
}

func TestConfirmWhenTheFileIsGone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	held := e.held(1)
	if err := e.blobs.Delete(ctx, held.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Confirm(ctx, held.ID, ""); catalog.CodeOf(err) != catalog.CodeConflict || !strings.Contains(catalog.MessageOf(err), "gone") {
		t.Fatalf("confirm: %v", err)
	}
	if c, _ := e.store.GetCatalog(ctx, held.ID); c.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("status %s", c.Status)
	}
}

func TestPartnerMappingFile(t *testing.T) {
	e := newEnv(t)
	e.put(ingest.MappingKey("acme"), `{"Article":"sku","Intitulé":"name","Notes internes":"ignore"}`)
	e.ingest("acme", "v1.csv", "Article;Intitulé;Notes internes;Coloris\nA1;Stylo bille;ne pas publier;bleu\n", "")
	p := e.products("acme")["A1"]
	if p.Name != "Stylo bille" || p.Attributes["Notes internes"] != "" || p.Attributes["Coloris"] != "bleu" {
		t.Fatalf("A1 = %+v", p)
	}
	e.put(ingest.MappingKey("acme"), `not json`)
	c := e.ingest("acme", "v2.csv", "Article;Intitulé\nA1;Stylo\n", "")
	if c.Status != catalog.StatusRefused || !strings.Contains(c.Report.Reason, "mapping.json") {
		t.Fatalf("%s %q", c.Status, c.Report.Reason)
	}
}

// TestNamelessRowIsMissingName: a product's own row without a name is
// missing_name, with the variants that name it as parent; unknown_parent
// stays for variants whose parent row is absent.
func TestNamelessRowIsMissingName(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "v.csv", "sku,name,parent,price\nQ1,,,10\nQ1-S,,Q1,9\nP1,Polo,,20\nR1,,,5\nX-S,,P9,5\n", "")
	r := c.Report
	if r.Rows != 5 || r.Accepted != 1 || r.Rejected != 4 {
		t.Fatalf("%+v", r)
	}
	want := map[int]string{2: ingest.CodeMissingName, 3: ingest.CodeMissingName, 5: ingest.CodeMissingName, 6: ingest.CodeUnknownParent}
	for _, er := range r.Errors {
		if want[er.Row] != er.Code {
			t.Fatalf("row %d: %s (%s), want %s", er.Row, er.Code, er.Message, want[er.Row])
		}
		if er.Code == ingest.CodeMissingName && strings.Contains(er.Message, "parent row missing") {
			t.Fatalf("row %d: misleading message %q", er.Row, er.Message)
		}
		delete(want, er.Row)
	}
	if len(want) > 0 {
		t.Fatalf("no error for rows %v: %+v", want, r.Errors)
	}
}

// TestMissingPriceWarns: a product without a price is kept (price on
// request) with a missing_price warning on its row; a variant product with
// a priced variant is not warned about.
func TestMissingPriceWarns(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "p.csv", "sku,name,parent,price\nA,Stylo,,10\nB,Gomme,,\nC,Polo,,\nC-S,Polo S,C,12\n", "")
	r := c.Report
	if r.Accepted != 4 || r.Rejected != 0 {
		t.Fatalf("%+v", r)
	}
	var warned []int
	for _, w := range r.Warnings {
		if w.Code == ingest.CodeMissingPrice {
			warned = append(warned, w.Row)
			if w.Column != "price" || w.Message == "" {
				t.Fatalf("%+v", w)
			}
		}
	}
	if len(warned) != 1 || warned[0] != 3 {
		t.Fatalf("missing_price on rows %v, want [3]: %+v", warned, r.Warnings)
	}
	if p := e.products("acme")["B"]; p.Name != "Gomme" || p.Price != nil {
		t.Fatalf("B = %+v", p)
	}
}

// TestInterruptedConfirmRunsAgain: a confirmation whose run died (the
// ingest Lambda timed out; the catalog is left processing over its held
// report) is run again by the redelivered confirm message once its
// heartbeat is older than LeaseTimeout; while the heartbeat is fresh a
// second confirm is a conflict, whatever the catalog's age.
func TestInterruptedConfirmRunsAgain(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	held := e.held(4)
	// What Confirm writes before it runs the file, and a run that then died.
	e.now = e.now.Add(24 * time.Hour) // confirmed a day after it arrived
	running := held
	running.Status = catalog.StatusProcessing
	running.HeartbeatAt = e.now
	if err := e.store.PutCatalog(ctx, running); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		after time.Duration
		code  catalog.Code
	}{
		{"heartbeat fresh", ingest.LeaseTimeout / 2, catalog.CodeConflict},
		{"heartbeat stale", ingest.LeaseTimeout + time.Second, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.now = running.HeartbeatAt.Add(tc.after)
			got, err := e.svc.Confirm(ctx, held.ID, "")
			if catalog.CodeOf(err) != tc.code {
				t.Fatalf("Confirm: %v, want code %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			if got.Status != catalog.StatusDone || got.Report.Removed != 6 || len(e.products("acme")) != 4 {
				t.Fatalf("confirmed again: %s %+v, %d products", got.Status, got.Report, len(e.products("acme")))
			}
		})
	}
}

// TestConfirmAsPartialRemovesNothing: a held full catalog applied as a
// partial update keeps its products (new and changed) and removes none;
// the catalog says partial and 0 removed. An unknown mode is invalid and
// leaves the catalog held.
func TestConfirmAsPartialRemovesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.ingest("acme", "v1.csv", rowsCSV(0, 10), "")
	c := e.ingest("acme", "v2.csv", "sku,name,price\nS008,Produit 8,99\nS009,Produit 9,19\nS100,Nouveau,5\n", "")
	if c.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("v2: %s %+v", c.Status, c.Report)
	}
	if _, err := e.svc.Confirm(ctx, c.ID, "merge"); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("unknown mode: %v", err)
	}
	got, err := e.svc.Confirm(ctx, c.ID, catalog.ModePartial)
	if err != nil {
		t.Fatal(err)
	}
	ps := e.products("acme")
	if got.Status != catalog.StatusDone || got.Mode != catalog.ModePartial || got.Report.Removed != 0 || len(ps) != 11 {
		t.Fatalf("confirmed as partial: %s %s %+v, %d products", got.Status, got.Mode, got.Report, len(ps))
	}
	if p := ps["S008"]; p.Price == nil || p.Price.Amount.String() != "99" {
		t.Fatalf("S008 = %+v", p)
	}
	if _, ok := ps["S100"]; !ok {
		t.Fatal("the new product was not written")
	}
	stored, err := e.store.GetCatalog(ctx, c.ID)
	if err != nil || stored.Mode != catalog.ModePartial || stored.Report.Removed != 0 {
		t.Fatalf("stored %+v %v", stored, err)
	}
}
