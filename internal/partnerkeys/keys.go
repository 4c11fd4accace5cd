// Package partnerkeys issues and checks partners' API keys. A key is a
// random secret given to the partner once; only its SHA-256 digest is kept,
// in blob storage under partners/_keys/{digest} (the S3 bucket on AWS, the
// data folder locally), holding the partner's id. The same key is the
// partner's API Gateway key on AWS (usage plan and throttling) and its proof
// of identity to the API in both homes.
package partnerkeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// keyPrefix starts every key, so a leaked one is easy to recognise in logs
// and by secret scanners.
const keyPrefix = "csk_"

// Registry keeps partner keys in blob storage.
type Registry struct {
	blobs catalog.Blobs
}

// New returns a registry over b.
func New(b catalog.Blobs) *Registry { return &Registry{blobs: b} }

// RecordKey is the blob key of key's record (partners/_keys/{sha256 hex}):
// the object an operator copies into the bucket to register a key issued
// in a scratch folder.
func RecordKey(key string) string { return digestKey(strings.TrimSpace(key)) }

// digestKey is where the digest of key is stored.
func digestKey(key string) string {
	return keysPrefix + KeyID(key)
}

const keysPrefix = contract.PartnersPrefix + "_keys/"

// KeyID names key without revealing it: the hex SHA-256 of the trimmed
// key, as in its record's blob key. The store keeps the key's site-session
// generation under it (catalog.Store.SessionGeneration), and an upload
// slot records the ID of the key that asked for it.
func KeyID(key string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(key)))
	return hex.EncodeToString(sum[:])
}

// Holds reports whether the key named by id (KeyID) is still registered
// for partner: false once it was revoked.
func (r *Registry) Holds(ctx context.Context, id, partner string) (bool, error) {
	if len(id) != 2*sha256.Size || strings.Trim(id, "0123456789abcdef") != "" {
		return false, nil
	}
	rc, _, err := r.blobs.Open(ctx, keysPrefix+id)
	if catalog.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 128))
	if err != nil {
		return false, catalog.Wrap(catalog.CodeInternal, err, "read key")
	}
	return strings.TrimSpace(string(b)) == partner, nil
}

// Issue creates a new key for partner and returns it; it is shown once and
// cannot be recovered, only revoked. A partner may hold several keys (to
// rotate without downtime).
func (r *Registry) Issue(ctx context.Context, partner string) (string, error) {
	if !catalog.ValidPartnerID(partner) {
		return "", catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", partner)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "generate key")
	}
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	if _, err := r.blobs.Put(ctx, digestKey(key), strings.NewReader(partner)); err != nil {
		return "", err
	}
	return key, nil
}

// Partner returns the partner that key belongs to, or CodeUnauthorized.
func (r *Registry) Partner(ctx context.Context, key string) (string, error) {
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, keyPrefix) || len(key) > 128 {
		return "", catalog.Errorf(catalog.CodeUnauthorized, "a partner API key is required (header X-Api-Key)")
	}
	rc, _, err := r.blobs.Open(ctx, digestKey(key))
	if catalog.IsNotFound(err) {
		return "", catalog.Errorf(catalog.CodeUnauthorized, "this API key is not valid")
	}
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 128))
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "read key")
	}
	partner := strings.TrimSpace(string(b))
	if !catalog.ValidPartnerID(partner) {
		return "", catalog.Errorf(catalog.CodeInternal, "key record holds no valid partner")
	}
	return partner, nil
}

// Revoke removes key; a key that is not registered is not an error.
func (r *Registry) Revoke(ctx context.Context, key string) error {
	return r.blobs.Delete(ctx, digestKey(strings.TrimSpace(key)))
}
