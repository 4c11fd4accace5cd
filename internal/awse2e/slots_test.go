package awse2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// TestUploadSlotOnAWS: S3 cannot refuse a second form upload to a
// presigned POST, nor one after the key that asked for it was revoked; the
// ingest binary's claim does. A second file through a used slot and a file
// through a revoked key's slot are never ingested (no product of theirs is
// stored or searchable), each is kept aside in the bucket, and a refused
// catalog says why; the first file's catalog stays done.
func TestUploadSlotOnAWS(t *testing.T) {
	st := newStack(t)
	key := st.partnerKey("acme")
	ask := func(key string) intake.UploadSlot {
		t.Helper()
		status, body := st.apiAs(key, "POST", "/v1/catalogs", nil, `{"partner":"acme","file":"tarif.csv"}`)
		var slot intake.UploadSlot
		if status != 201 || json.Unmarshal(body, &slot) != nil {
			t.Fatalf("POST /v1/catalogs: %d %s", status, body)
		}
		return slot
	}
	send := func(slot intake.UploadSlot, content string) {
		t.Helper()
		if err := slot.Upload.Send(t.Context(), http.DefaultClient, slot.Upload.URL, "tarif.csv", strings.NewReader(content)); err != nil {
			t.Fatalf("form upload: %v", err)
		}
		if r, failed := st.pipeline(1); len(r.BatchItemFailures) != 0 || len(failed) != 0 {
			t.Fatalf("pipeline failures %v %v", r.BatchItemFailures, failed)
		}
	}
	evil := "Référence;Désignation\nEVIL1;Produit remplacé\n"
	catalogOf := func(id string) catalog.Catalog {
		t.Helper()
		c, err := st.store.GetCatalog(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	refusedFor := func(reason string) catalog.Catalog {
		t.Helper()
		cats, err := st.store.ListCatalogs(t.Context(), "acme", 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cats {
			if c.Status == catalog.StatusRefused && c.Report != nil && strings.Contains(c.Report.Reason, reason) {
				return c
			}
		}
		t.Fatalf("no refused catalog saying %q in %+v", reason, cats)
		return catalog.Catalog{}
	}
	kept := func(c catalog.Catalog) {
		t.Helper()
		out, err := st.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(st.bucket()), Key: aws.String(intake.AsideKey(c.ID, c.File))})
		if err != nil {
			t.Fatalf("the refused file was not kept aside: %v", err)
		}
		out.Body.Close()
	}

	used := ask(key)
	send(used, catalogCSV(0, 12, nil, nil))
	send(used, evil) // the same presigned POST, again
	if c := catalogOf(used.CatalogID); c.Status != catalog.StatusDone || c.Report.Accepted != 12 {
		t.Fatalf("the first file's catalog: %+v %+v", c, c.Report)
	}
	kept(refusedFor("already used"))

	doomed := st.partnerKey("acme")
	revoked := ask(doomed)
	if _, err := st.s3.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String(st.bucket()), Key: aws.String(partnerkeys.RecordKey(doomed))}); err != nil {
		t.Fatal(err)
	}
	send(revoked, evil)
	c := catalogOf(revoked.CatalogID)
	if c.Status != catalog.StatusRefused || !strings.Contains(c.Report.Reason, "revoked") {
		t.Fatalf("the revoked key's slot: %+v %+v", c, c.Report)
	}
	kept(c)

	if _, err := st.store.GetProduct(t.Context(), catalog.ProductID("acme", "EVIL1")); !catalog.IsNotFound(err) {
		t.Fatalf("a refused file's product was stored: %v", err)
	}
	if got := st.search(url.Values{"q": {"remplacé"}}).Total; got != 0 {
		t.Fatalf("search finds %d products of refused files", got)
	}
}
