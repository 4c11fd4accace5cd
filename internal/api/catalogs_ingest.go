package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// The ingest routes: asking where to upload a catalog file, the embedded
// default's upload route, confirming a held catalog, and the rejected rows.

// Intake is what the ingest routes need: upload slots and confirmation of
// a held catalog. The embedded default's ingest.Service confirms at once;
// on AWS the api Lambda checks the confirmation and queues it for the
// ingest Lambda, so that no file is parsed within an API request.
type Intake interface {
	// NewUpload records a catalog waiting for a new file and returns
	// where to upload it (intake.NewUpload).
	NewUpload(ctx context.Context, req intake.UploadRequest, up intake.Uploader, maxBytes int64) (intake.UploadSlot, error)
	// Confirm applies, or queues for applying, a catalog held in status
	// needs_confirmation, and returns the catalog as it stands: final
	// (done, refused, failed) when applied, still needs_confirmation when
	// queued. Errors are those of intake.CheckConfirm.
	// Confirm applies a held catalog as sent (as "" or catalog.ModeFull)
	// or as a partial update that removes nothing (catalog.ModePartial).
	Confirm(ctx context.Context, catalogID string, as catalog.Mode) (catalog.Catalog, error)
}

// DefaultMaxUploadBytes caps an uploaded file when Deps.MaxUploadBytes is 0.
const DefaultMaxUploadBytes = 1 << 30

// ingestDefaults fills the ingest part of d: without an Uploader (the
// embedded default), uploads are PUTs to this API signed by a process
// secret, at URLs under d.PublicURL (paths on the API when it is "").
func ingestDefaults(d *Deps) error {
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if d.Uploads == nil {
		l, err := intake.NewLocalUploads()
		if err != nil {
			return err
		}
		d.local = l.WithBase(d.PublicURL) // "" = paths on the API
	}
	return nil
}

func (a *API) needIngest() error {
	if a.deps.Ingest == nil {
		return catalog.Errorf(catalog.CodeUnavailable, "ingest is not available on this server")
	}
	return nil
}

// createCatalog is POST /v1/catalogs: {"partner","file","mode"} -> where to
// upload the file, and the ID its catalog will have.
func (a *API) createCatalog(w http.ResponseWriter, r *http.Request) error {
	who, err := a.caller(r)
	partner := who.partner
	if err != nil {
		return err
	}
	if err := a.needIngest(); err != nil {
		return err
	}
	req, err := uploadRequest(r.Body)
	if err != nil {
		return err
	}
	if err := samePartner(partner, req.Partner); err != nil { // the slot is for the key's partner
		return err
	}
	req.Partner = partner
	req.KeyID = who.keyID // the slot dies with this key
	// The embedded default's URLs are under Deps.PublicURL, never under
	// the request's Host.
	up := a.deps.Uploads
	if up == nil {
		if a.deps.local == nil {
			return catalog.Errorf(catalog.CodeUnavailable, "uploads are not available on this server")
		}
		up = a.deps.local
	}
	slot, err := a.deps.Ingest.NewUpload(r.Context(), req, up, a.deps.MaxUploadBytes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, slot)
	return nil
}

// uploadBody is the body of POST /v1/catalogs as sent, so that a field
// given as null or "" is told from an absent one.
type uploadBody struct {
	Partner json.RawMessage `json:"partner"`
	File    json.RawMessage `json:"file"`
	Mode    json.RawMessage `json:"mode"`
}

// uploadRequest reads the body of POST /v1/catalogs as openapi.json's
// UploadRequest says: a JSON object with no other field than partner,
// file (required) and mode; each field given is a string, partner a
// partner id and mode full or partial (neither may be empty).
func uploadRequest(body io.Reader) (intake.UploadRequest, error) {
	var raw uploadBody
	dec := json.NewDecoder(io.LimitReader(body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil || raw.File == nil {
		return intake.UploadRequest{}, catalog.Errorf(catalog.CodeInvalid, "the body must be JSON {\"partner\": ..., \"file\": ..., \"mode\": \"full|partial\"}")
	}
	var req intake.UploadRequest
	var mode string
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		to   *string
	}{{"partner", raw.Partner, &req.Partner}, {"file", raw.File, &req.File}, {"mode", raw.Mode, &mode}} {
		if f.raw == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.to); err != nil || string(f.raw) == "null" {
			return intake.UploadRequest{}, catalog.Errorf(catalog.CodeInvalid, "%s must be a string", f.name)
		}
	}
	if raw.Partner != nil && !catalog.ValidPartnerID(req.Partner) {
		return intake.UploadRequest{}, catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", req.Partner)
	}
	if raw.Mode != nil && mode != string(catalog.ModeFull) && mode != string(catalog.ModePartial) {
		return intake.UploadRequest{}, catalog.Errorf(catalog.CodeInvalid, "mode must be full or partial, not %q", mode)
	}
	req.Mode = catalog.Mode(mode)
	return req, nil
}

// upload is PUT /v1/uploads/{token} on the embedded default: the body is
// the file, stored under the slot's key (which starts its ingest).
func (a *API) upload(w http.ResponseWriter, r *http.Request) error {
	if a.deps.local == nil {
		return catalog.Errorf(catalog.CodeNotFound, "uploads go to the URL POST /v1/catalogs returned")
	}
	key, maxBytes, err := a.deps.local.Verify(r.PathValue("token"), a.deps.Clock())
	if err != nil {
		return err
	}
	if r.ContentLength > maxBytes {
		return catalog.Errorf(catalog.CodeTooLarge, "the file is larger than %d bytes", maxBytes)
	}
	// A slot takes one file, while its key holds: marked used before the
	// file is stored, so that a second upload is refused, not stored.
	slot, err := intake.UseSlot(r.Context(), a.deps.Store, a.deps.Keys, key, a.deps.Clock())
	if err != nil {
		return err
	}
	body := http.MaxBytesReader(w, r.Body, maxBytes)
	info, err := a.deps.Blobs.Put(r.Context(), key, body)
	if err != nil {
		_ = a.deps.Blobs.Delete(r.Context(), key)
		if rerr := intake.ReleaseSlot(context.WithoutCancel(r.Context()), a.deps.Store, slot); rerr != nil {
			a.log.WarnContext(r.Context(), "upload slot left used", "catalog", slot.ID, "err", rerr.Error())
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return catalog.Errorf(catalog.CodeTooLarge, "the file is larger than %d bytes", maxBytes)
		}
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": info.Key, "size": info.Size})
	return nil
}

// confirmCatalog is POST /v1/catalogs/{id}/confirm: 200 with the catalog
// when it is applied (final), 202 Accepted when its processing is still to
// come (queued for the ingest Lambda on AWS).
func (a *API) confirmCatalog(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.partnerCatalog(r, r.PathValue("id")); err != nil {
		return err
	}
	if err := a.needIngest(); err != nil {
		return err
	}
	as, err := confirmMode(r)
	if err != nil {
		return err
	}
	c, err := a.deps.Ingest.Confirm(r.Context(), r.PathValue("id"), as)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	switch c.Status {
	case catalog.StatusDone, catalog.StatusRefused, catalog.StatusFailed:
		status = http.StatusOK
	}
	writeJSON(w, status, c)
	return nil
}

// confirmMode reads the confirm's mode= parameter: absent, "full" (apply
// as sent: remove what the file leaves out) or "partial" (remove nothing).
func confirmMode(r *http.Request) (catalog.Mode, error) {
	v, err := queryValues(r)
	if err != nil {
		return "", err
	}
	vals, ok := v["mode"]
	if !ok {
		return "", nil
	}
	as := catalog.Mode(vals[0])
	if len(vals) > 1 || (as != catalog.ModeFull && as != catalog.ModePartial) {
		return "", catalog.Errorf(catalog.CodeInvalid, "mode must be full or partial")
	}
	return as, nil
}

// removalsCSV is GET /v1/catalogs/{id}/removals.csv: the products (id,
// sku, gtin, name) a full catalog held for confirmation would remove.
func (a *API) removalsCSV(w http.ResponseWriter, r *http.Request) error {
	return a.reportCSV(w, r, "removals", intake.RemovalsKey, "would remove no product")
}

// rejectedCSV is GET /v1/catalogs/{id}/rejected.csv: a 303 redirect to a
// short-lived URL of the rejected rows (an ingest_error column, formula
// cells neutralised), so the file never passes through this API: a
// presigned S3 GET on AWS, the download route on the embedded default.
func (a *API) rejectedCSV(w http.ResponseWriter, r *http.Request) error {
	c, err := a.partnerCatalog(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	key := intake.RejectedKey(c.ID)
	if _, err := a.deps.Blobs.Stat(r.Context(), key); catalog.IsNotFound(err) {
		return catalog.Errorf(catalog.CodeNotFound, "catalog %s has no rejected rows", c.ID)
	} else if err != nil {
		return err
	}
	down := a.deps.Downloads
	if down == nil {
		if a.deps.local == nil {
			return catalog.Errorf(catalog.CodeUnavailable, "downloads are not available on this server")
		}
		down = a.deps.local
	}
	u, err := down.PresignDownload(r.Context(), key, c.ID+"-rejected.csv", a.deps.Clock().Add(intake.DownloadTTL))
	if err != nil {
		return err
	}
	w.Header().Set("Location", u)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusSeeOther, map[string]any{"url": u})
	return nil
}

// download is GET /v1/downloads/{token} on the embedded default: the blob
// a signed download URL names, as a CSV attachment.
func (a *API) download(w http.ResponseWriter, r *http.Request) error {
	if a.deps.local == nil {
		return catalog.Errorf(catalog.CodeNotFound, "downloads go to the URL a redirect of this API gave")
	}
	key, name, err := a.deps.local.VerifyDownload(r.PathValue("token"), a.deps.Clock())
	if err != nil {
		return err
	}
	rc, _, err := a.deps.Blobs.Open(r.Context(), key)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		a.log.WarnContext(r.Context(), "download cut short", "key", key, "err", err.Error())
	}
	return nil
}

// reportCSV serves the CSV report name of the caller's catalog {id}, the
// blob at key(id), as the download "{id}-{name}.csv"; without that blob,
// CodeNotFound: "catalog {id} {missing}".
func (a *API) reportCSV(w http.ResponseWriter, r *http.Request, name string, key func(catalogID string) string, missing string) error {
	c, err := a.partnerCatalog(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	rc, _, err := a.deps.Blobs.Open(r.Context(), key(c.ID))
	if catalog.IsNotFound(err) {
		return catalog.Errorf(catalog.CodeNotFound, "catalog %s %s", c.ID, missing)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.ID+"-"+name+`.csv"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		a.log.WarnContext(r.Context(), name+".csv cut short", "catalog", c.ID, "err", err.Error())
	}
	return nil
}
