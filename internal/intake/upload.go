package intake

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Upload says where and how to upload one file: a presigned S3 POST (URL
// and form Fields) on AWS, a PUT to the API on the embedded default.
type Upload struct {
	Method    string            `json:"method"` // POST (form upload, file last) or PUT (raw body)
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields,omitempty"`
	ExpiresAt time.Time         `json:"expires_at"`
	MaxBytes  int64             `json:"max_bytes"`
}

// Uploader hands out upload slots for blob keys: the S3 adapter presigns a
// POST with a content-length-range condition; LocalUploads signs a token
// for the API's own upload route.
type Uploader interface {
	PresignUpload(ctx context.Context, key string, maxBytes int64, expires time.Time) (Upload, error)
}

// UploadRequest asks for a slot to upload one catalog file.
type UploadRequest struct {
	Partner string       `json:"partner"`
	File    string       `json:"file"` // the file's name, e.g. "catalogue.xlsx"
	Mode    catalog.Mode `json:"mode,omitempty"`
	// KeyID names the partner key that asks (partnerkeys.KeyID), set by
	// the API from the request's key, never from its body: the slot dies
	// with that key.
	KeyID string `json:"-"`
}

// UploadSlot is the answer to an UploadRequest.
type UploadSlot struct {
	CatalogID string `json:"catalog_id"`
	Key       string `json:"key"`
	Upload    Upload `json:"upload"`
}

// UploadTTL is how long an upload slot stays valid.
const UploadTTL = 15 * time.Minute

// UploadCatalogID is the ID of the catalog an upload slot's key will
// become: ingesting that key takes over the waiting record.
func UploadCatalogID(partner, key string) string {
	h := sha256.Sum256([]byte("upload\x00" + partner + "\x00" + key))
	return "u" + hex.EncodeToString(h[:10])
}

// NewUpload records a catalog in status received for a new file of the
// partner, received at now, and returns where to upload it. The file then
// flows through the normal path (a blob under incoming/ starts its
// ingest), and the catalog keeps the ID returned here. Each slot is for
// one file.
func NewUpload(ctx context.Context, store catalog.Store, now time.Time, req UploadRequest, up Uploader, maxBytes int64) (UploadSlot, error) {
	if !catalog.ValidPartnerID(req.Partner) {
		return UploadSlot{}, catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", req.Partner)
	}
	if err := req.Mode.Check(); err != nil {
		return UploadSlot{}, err
	}
	if req.File == "" {
		return UploadSlot{}, catalog.Errorf(catalog.CodeInvalid, "file must name the file to upload, e.g. catalogue.csv")
	}
	// Any name is taken (openapi.json: a non-empty string); one that keeps
	// nothing usable (".", "..", "/", blanks) is stored as DefaultUploadName.
	name := safeFileName(req.File)
	if name == "" {
		name = DefaultUploadName
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return UploadSlot{}, catalog.Wrap(catalog.CodeInternal, err, "upload id")
	}
	key := IncomingKey(req.Partner, hex.EncodeToString(id[:])+"-"+name)
	now = now.UTC()
	u, err := up.PresignUpload(ctx, key, maxBytes, now.Add(UploadTTL))
	if err != nil {
		return UploadSlot{}, err
	}
	c := catalog.Catalog{
		ID: UploadCatalogID(req.Partner, key), Partner: req.Partner, Key: key, File: name,
		Mode: req.Mode, Status: catalog.StatusReceived, ReceivedAt: now,
		Slot: &catalog.Slot{ExpiresAt: now.Add(UploadTTL), KeyID: req.KeyID},
	}
	if err := store.CreateCatalog(ctx, c); err != nil {
		return UploadSlot{}, err
	}
	return UploadSlot{CatalogID: c.ID, Key: key, Upload: u}, nil
}

// Keys tells whether a partner key is still registered
// (partnerkeys.Registry).
type Keys interface {
	Holds(ctx context.Context, keyID, partner string) (bool, error)
}

// SlotProblem says why a file stored at blobTime may not come through the
// upload slot of record c (a key revoked since it asked for the slot, a
// file that came after the slot expired: the time the upload route marked
// the slot used, else blobTime), or "" when it may. A slot already
// used is the caller's check: it depends on the file.
func SlotProblem(ctx context.Context, keys Keys, c catalog.Catalog, blobTime time.Time) (string, error) {
	if c.Slot == nil {
		return "", nil
	}
	if !c.Slot.UsedAt.IsZero() {
		blobTime = c.Slot.UsedAt // when the upload route took the file
	}
	if !c.Slot.ExpiresAt.IsZero() && blobTime.After(c.Slot.ExpiresAt) {
		return "this upload URL expired at " + c.Slot.ExpiresAt.UTC().Format(time.RFC3339) + "; ask for a new one", nil
	}
	if c.Slot.KeyID == "" {
		return "", nil
	}
	ok, err := keys.Holds(ctx, c.Slot.KeyID, c.Partner)
	if err != nil || ok {
		return "", err
	}
	return "the API key that asked for this upload URL was revoked; ask for a new one with a valid key", nil
}

// UseSlot marks the upload slot of key used, at now, before its file is
// stored (the embedded default's upload route), and returns the record as
// it was: CodeNotFound for no slot, CodeConflict for a slot already used
// (one of two concurrent uploads wins), CodeForbidden for a slot whose key
// was revoked, CodeInvalid for an expired one. ReleaseSlot undoes it when
// the file could not be stored.
func UseSlot(ctx context.Context, store catalog.Store, keys Keys, key string, now time.Time) (catalog.Catalog, error) {
	partner, _, ok := SplitIncomingKey(key)
	if !ok {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeNotFound, "no such upload")
	}
	c, err := store.GetCatalog(ctx, UploadCatalogID(partner, key))
	if catalog.IsNotFound(err) {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeNotFound, "no such upload")
	}
	if err != nil {
		return catalog.Catalog{}, err
	}
	if c.Status != catalog.StatusReceived || (c.Slot != nil && (!c.Slot.UsedAt.IsZero() || c.Slot.Blob != "")) {
		return c, catalog.Errorf(catalog.CodeConflict, "this upload URL was already used (catalog %s); ask for a new one", c.ID)
	}
	problem, err := SlotProblem(ctx, keys, c, now)
	if err != nil {
		return c, err
	}
	if problem != "" {
		code := catalog.CodeForbidden
		if c.Slot != nil && now.After(c.Slot.ExpiresAt) {
			code = catalog.CodeInvalid
		}
		return c, catalog.Errorf(code, "%s", problem)
	}
	used := c
	slot := catalog.Slot{}
	if c.Slot != nil {
		slot = *c.Slot
	}
	slot.UsedAt = now.UTC()
	used.Slot = &slot
	if err := store.SwapCatalog(ctx, c, used); err != nil {
		if catalog.CodeOf(err) == catalog.CodeConflict {
			return c, catalog.Errorf(catalog.CodeConflict, "this upload URL was already used (catalog %s); ask for a new one", c.ID)
		}
		return c, err
	}
	return used, nil
}

// ReleaseSlot makes a slot UseSlot marked usable again (its file could not
// be stored), unless the record changed since.
func ReleaseSlot(ctx context.Context, store catalog.Store, used catalog.Catalog) error {
	free := used
	if used.Slot != nil {
		slot := *used.Slot
		slot.UsedAt = time.Time{}
		free.Slot = &slot
	}
	return store.SwapCatalog(ctx, used, free)
}

// AsideKey is where a file refused before its ingest (through a slot
// already used, expired, or whose key was revoked) is kept, under the
// reports of the catalog that says why.
func AsideKey(catalogID, file string) string {
	return contract.ReportsPrefix + catalogID + "/file/" + safeFileName(file)
}

// DefaultUploadName names an uploaded file whose given name keeps no
// usable character.
const DefaultUploadName = "catalog"

// safeFileName keeps the base name of a file with letters, digits and
// ". - _" (others become '_'), at most 100 bytes.
func safeFileName(name string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	return out
}

// LocalUploads is the Uploader of the embedded default: a slot is a PUT
// to the API's upload route with a token that signs the key, the size cap
// and the expiry (HMAC-SHA256 with a secret of the process).
type LocalUploads struct {
	// BaseURL is the API's public root, e.g. http://127.0.0.1:8080/api,
	// from configuration (never from a request); "" = the URLs are paths
	// on the API (/v1/uploads/...).
	BaseURL string
	secret  []byte
}

// NewLocalUploads returns a LocalUploads with a fresh random secret.
func NewLocalUploads() (*LocalUploads, error) {
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "upload secret")
	}
	return &LocalUploads{secret: s}, nil
}

type uploadClaims struct {
	Op       string `json:"o"` // opPut (an upload slot) or opGet (a download)
	Key      string `json:"k"`
	MaxBytes int64  `json:"m,omitempty"`
	Name     string `json:"n,omitempty"` // a download's file name
	Expires  int64  `json:"e"`           // unix seconds
}

// The operations a local token grants: an upload token never reads a blob,
// a download token never writes one.
const (
	opPut = "put"
	opGet = "get"
)

// Downloader hands out short-lived URLs that read one blob without the
// partner's key: a presigned S3 GET on AWS, a signed URL on the API's
// download route on the embedded default. So a file such as the rejected
// rows never passes through the api Lambda.
type Downloader interface {
	PresignDownload(ctx context.Context, key, fileName string, expires time.Time) (string, error)
}

// DownloadTTL is how long a download URL stays valid.
const DownloadTTL = 5 * time.Minute

// WithBase returns a copy that builds URLs under base.
func (l *LocalUploads) WithBase(base string) *LocalUploads {
	return &LocalUploads{BaseURL: strings.TrimSuffix(base, "/"), secret: l.secret}
}

// PresignUpload implements Uploader.
func (l *LocalUploads) PresignUpload(_ context.Context, key string, maxBytes int64, expires time.Time) (Upload, error) {
	token, err := l.token(uploadClaims{Op: opPut, Key: key, MaxBytes: maxBytes, Expires: expires.Unix()})
	if err != nil {
		return Upload{}, err
	}
	return Upload{Method: "PUT", URL: l.BaseURL + "/v1/uploads/" + token, ExpiresAt: expires.UTC(), MaxBytes: maxBytes}, nil
}

// PresignDownload implements Downloader: a URL on the API's download
// route (/v1/downloads/{token}) that serves key as an attachment named
// fileName until expires.
func (l *LocalUploads) PresignDownload(_ context.Context, key, fileName string, expires time.Time) (string, error) {
	token, err := l.token(uploadClaims{Op: opGet, Key: key, Name: fileName, Expires: expires.Unix()})
	if err != nil {
		return "", err
	}
	return l.BaseURL + "/v1/downloads/" + token, nil
}

func (l *LocalUploads) token(c uploadClaims) (string, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "signed URL token")
	}
	body := base64.RawURLEncoding.EncodeToString(raw)
	return body + "." + base64.RawURLEncoding.EncodeToString(l.sign(body)), nil
}

func (l *LocalUploads) sign(body string) []byte {
	m := hmac.New(sha256.New, l.secret)
	_, _ = m.Write([]byte(body))
	return m.Sum(nil)
}

// Verify checks an upload token at now and returns the key and size cap
// it grants: CodeNotFound for a token that is not ours, tampered with, or
// not an upload's; CodeInvalid once expired.
func (l *LocalUploads) Verify(token string, now time.Time) (key string, maxBytes int64, err error) {
	c, err := l.claims(token, opPut, now, "this upload URL expired; ask for a new one")
	if err != nil {
		return "", 0, err
	}
	return c.Key, c.MaxBytes, nil
}

// VerifyDownload checks a download token at now and returns the key it
// reads and the file name to serve it as: CodeNotFound for a token that
// is not ours, tampered with, or not a download's; CodeInvalid once
// expired.
func (l *LocalUploads) VerifyDownload(token string, now time.Time) (key, fileName string, err error) {
	c, err := l.claims(token, opGet, now, "this download URL expired; ask for the file again")
	if err != nil {
		return "", "", err
	}
	return c.Key, c.Name, nil
}

func (l *LocalUploads) claims(token, op string, now time.Time, expired string) (uploadClaims, error) {
	var c uploadClaims
	body, sig, ok := strings.Cut(token, ".")
	mac, derr := base64.RawURLEncoding.DecodeString(sig)
	if !ok || derr != nil || !hmac.Equal(mac, l.sign(body)) {
		return c, notOurs(op)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || json.Unmarshal(raw, &c) != nil || c.Op != op {
		return uploadClaims{}, notOurs(op)
	}
	if now.Unix() > c.Expires {
		return uploadClaims{}, catalog.Errorf(catalog.CodeInvalid, "%s", expired)
	}
	return c, nil
}

func notOurs(op string) error {
	if op == opGet {
		return catalog.Errorf(catalog.CodeNotFound, "no such download")
	}
	return catalog.Errorf(catalog.CodeNotFound, "no such upload")
}
