package intake_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

func newStoreAndBlobs(t *testing.T) (*boltstore.Store, *diskblobs.Blobs) {
	t.Helper()
	return embeddedtest.Open(t)
}

func TestNewUpload(t *testing.T) {
	store, _ := newStoreAndBlobs(t)
	up, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	up = up.WithBase("http://127.0.0.1:8080/api/")
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name     string
		req      intake.UploadRequest
		code     catalog.Code
		wantFile string
	}{
		{"csv", intake.UploadRequest{Partner: "acme", File: "Catalogue été 2026.csv"}, "", "Catalogue__t__2026.csv"},
		{"partial, path stripped", intake.UploadRequest{Partner: "acme", File: `C:\Users\x\..\cat.xlsx`, Mode: catalog.ModePartial}, "", "cat.xlsx"},
		{"bad partner", intake.UploadRequest{Partner: "Acme Inc", File: "a.csv"}, catalog.CodeInvalid, ""},
		{"bad mode", intake.UploadRequest{Partner: "acme", File: "a.csv", Mode: "all"}, catalog.CodeInvalid, ""},
		{"no file", intake.UploadRequest{Partner: "acme", File: ""}, catalog.CodeInvalid, ""},
		// A name is a non-empty string (openapi.json); one with nothing
		// usable left is stored under the default name, not refused.
		{"unusable name", intake.UploadRequest{Partner: "acme", File: " .. "}, "", intake.DefaultUploadName},
		{"dot", intake.UploadRequest{Partner: "acme", File: "."}, "", intake.DefaultUploadName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slot, err := intake.NewUpload(t.Context(), store, now, tt.req, up, 1000)
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(slot.Key, "incoming/acme/") || !strings.HasSuffix(slot.Key, "-"+tt.wantFile) {
				t.Fatalf("key %q", slot.Key)
			}
			if slot.CatalogID != intake.UploadCatalogID("acme", slot.Key) || slot.Upload.Method != "PUT" ||
				!strings.HasPrefix(slot.Upload.URL, "http://127.0.0.1:8080/api/v1/uploads/") || slot.Upload.MaxBytes != 1000 ||
				!slot.Upload.ExpiresAt.Equal(now.Add(intake.UploadTTL)) {
				t.Fatalf("slot %+v", slot)
			}
			c, err := store.GetCatalog(t.Context(), slot.CatalogID)
			if err != nil || c.Status != catalog.StatusReceived || c.File != tt.wantFile || c.Mode != tt.req.Mode || !c.ReceivedAt.Equal(now) || c.ReceivedAt.Location() != time.UTC {
				t.Fatalf("record %+v, %v", c, err)
			}
			token := strings.TrimPrefix(slot.Upload.URL, "http://127.0.0.1:8080/api/v1/uploads/")
			key, maxBytes, err := up.Verify(token, now)
			if err != nil || key != slot.Key || maxBytes != 1000 {
				t.Fatalf("Verify: %q %d %v", key, maxBytes, err)
			}
		})
	}
}

func TestLocalUploadsVerify(t *testing.T) {
	up, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	other, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	u, err := up.PresignUpload(context.Background(), "incoming/acme/k.csv", 10, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(u.URL, "/v1/uploads/")
	body, sig, _ := strings.Cut(token, ".")
	tests := []struct {
		name  string
		up    *intake.LocalUploads
		token string
		at    time.Time
		code  catalog.Code
	}{
		{"valid", up, token, now, ""},
		{"other process's secret", other, token, now, catalog.CodeNotFound},
		{"tampered body", up, "x" + body + "." + sig, now, catalog.CodeNotFound},
		{"no signature", up, body, now, catalog.CodeNotFound},
		{"expired", up, token, now.Add(2 * time.Minute), catalog.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, _, err := tt.up.Verify(tt.token, tt.at)
			if catalog.CodeOf(err) != tt.code || (err == nil && key != "incoming/acme/k.csv") {
				t.Fatalf("Verify: %q, %v; want code %q", key, err, tt.code)
			}
		})
	}
}

// TestLocalDownloads: a download token reads one key until it expires, and
// upload and download tokens are not interchangeable (an upload slot does
// not read a report; a download URL does not write a file).
func TestLocalDownloads(t *testing.T) {
	up, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	up = up.WithBase("http://127.0.0.1:8080/api")
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	dl, err := up.PresignDownload(t.Context(), "reports/c1/rejected.csv", "c1-rejected.csv", now.Add(intake.DownloadTTL))
	if err != nil {
		t.Fatal(err)
	}
	get, ok := strings.CutPrefix(dl, "http://127.0.0.1:8080/api/v1/downloads/")
	if !ok {
		t.Fatalf("download URL %q", dl)
	}
	u, err := up.PresignUpload(t.Context(), "incoming/acme/k.csv", 10, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	put := strings.TrimPrefix(u.URL, "http://127.0.0.1:8080/api/v1/uploads/")
	tests := []struct {
		name     string
		token    string
		at       time.Time
		code     catalog.Code
		download bool // VerifyDownload, else Verify
	}{
		{"download", get, now.Add(intake.DownloadTTL), "", true},
		{"download expired", get, now.Add(intake.DownloadTTL + time.Second), catalog.CodeInvalid, true},
		{"upload token as a download", put, now, catalog.CodeNotFound, true},
		{"download token as an upload", get, now, catalog.CodeNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.download {
				if _, _, err := up.Verify(tt.token, tt.at); catalog.CodeOf(err) != tt.code {
					t.Fatalf("Verify: %v, want code %q", err, tt.code)
				}
				return
			}
			key, name, err := up.VerifyDownload(tt.token, tt.at)
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("VerifyDownload: %v, want code %q", err, tt.code)
			}
			if err == nil && (key != "reports/c1/rejected.csv" || name != "c1-rejected.csv") {
				t.Fatalf("VerifyDownload = %q %q", key, name)
			}
		})
	}
}

// TestCheckConfirm: the checks before a held catalog is applied, with the
// codes and messages the API answers.
func TestCheckConfirm(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	held := catalog.Catalog{ID: "cheld", Partner: "acme", Key: "incoming/acme/v2.csv", File: "v2.csv",
		Status: catalog.StatusNeedsConfirmation, ReceivedAt: t0}
	tests := []struct {
		name    string
		others  []catalog.Catalog // other catalogs of the store
		noFile  bool
		id      string
		code    catalog.Code
		message string
	}{
		{"held", []catalog.Catalog{{ID: "cold", Partner: "acme", Status: catalog.StatusDone, ReceivedAt: t0.Add(-time.Hour)}}, false, "cheld", "", ""},
		{"newer file refused or failed", []catalog.Catalog{
			{ID: "cref", Partner: "acme", Status: catalog.StatusRefused, ReceivedAt: t0.Add(time.Minute)},
			{ID: "cfail", Partner: "acme", Status: catalog.StatusFailed, ReceivedAt: t0.Add(time.Minute)},
			{ID: "cglobex", Partner: "globex", Status: catalog.StatusDone, ReceivedAt: t0.Add(time.Minute)},
		}, false, "cheld", "", ""},
		{"unknown", nil, false, "cnope", catalog.CodeNotFound, ""},
		{"not held", []catalog.Catalog{{ID: "cdone", Partner: "acme", Status: catalog.StatusDone, ReceivedAt: t0}}, false, "cdone", catalog.CodeConflict,
			"catalog cdone is done, not waiting for confirmation"},
		{"newer file", []catalog.Catalog{{ID: "cnew", Partner: "acme", Status: catalog.StatusProcessing, ReceivedAt: t0.Add(time.Second)}}, false, "cheld", catalog.CodeConflict,
			"a newer file of partner acme (catalog cnew) arrived after cheld; confirming this one would undo it"},
		{"file gone", nil, true, "cheld", catalog.CodeConflict, "the file of catalog cheld (v2.csv) is gone; upload it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, blobs := newStoreAndBlobs(t)
			ctx := t.Context()
			for _, c := range append([]catalog.Catalog{held}, tt.others...) {
				if err := store.CreateCatalog(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if !tt.noFile {
				if _, err := blobs.Put(ctx, held.Key, strings.NewReader("sku\nA\n")); err != nil {
					t.Fatal(err)
				}
			}
			c, err := intake.CheckConfirm(ctx, store, blobs, tt.id)
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if tt.message != "" && catalog.MessageOf(err) != tt.message {
				t.Fatalf("message %q, want %q", catalog.MessageOf(err), tt.message)
			}
			if tt.code != catalog.CodeNotFound && c.ID != tt.id {
				t.Fatalf("catalog %+v", c)
			}
			if got, _ := store.GetCatalog(ctx, tt.id); tt.code != catalog.CodeNotFound && got.Status != c.Status {
				t.Fatalf("stored status changed to %s", got.Status)
			}
		})
	}
}

func TestRejectedKey(t *testing.T) {
	if got := intake.RejectedKey("c1"); got != "reports/c1/rejected.csv" {
		t.Fatal(got)
	}
}
