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
	name := safeFileName(req.File)
	if name == "" {
		return UploadSlot{}, catalog.Errorf(catalog.CodeInvalid, "file must name the file to upload, e.g. catalogue.csv")
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
	}
	if err := store.CreateCatalog(ctx, c); err != nil {
		return UploadSlot{}, err
	}
	return UploadSlot{CatalogID: c.ID, Key: key, Upload: u}, nil
}

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
