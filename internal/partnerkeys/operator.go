package partnerkeys

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Operator keys: the operator (who runs the service, not a partner) reads
// the insights of every partner's catalogs and of what buyers search. An
// operator key is a key of its own kind: it starts with operatorPrefix, its
// digest is stored under partners/_operators/ (never under the partners'
// partners/_keys/), and its record holds operatorRole. A partner key is
// never an operator key, and an operator key is never a partner's: Partner
// refuses it by its prefix, Operator refuses a partner's by its prefix and
// by where its record lives.

const (
	operatorPrefix  = "cso_"
	operatorRole    = "operator"
	operatorsPrefix = contract.PartnersPrefix + "_operators/"
)

// OperatorRecordKey is the blob key of an operator key's record
// (partners/_operators/{sha256 hex}), the object an operator copies into
// the bucket to register a key issued in a scratch folder.
func OperatorRecordKey(key string) string { return operatorsPrefix + KeyID(key) }

// IssueOperator creates a new operator key and returns it; like a
// partner's, it is shown once and only its digest is kept.
func (r *Registry) IssueOperator(ctx context.Context) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "generate key")
	}
	key := operatorPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	if _, err := r.blobs.Put(ctx, OperatorRecordKey(key), strings.NewReader(operatorRole)); err != nil {
		return "", err
	}
	return key, nil
}

// Operator checks that key is a registered operator key: nil when it is,
// CodeUnauthorized without a key or with an unknown one, CodeForbidden for
// a partner's key (a valid identity without the operator's role).
func (r *Registry) Operator(ctx context.Context, key string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return catalog.Errorf(catalog.CodeUnauthorized, "an operator key is required (header X-Api-Key)")
	}
	if strings.HasPrefix(key, keyPrefix) {
		if _, err := r.Partner(ctx, key); err != nil {
			return err
		}
		return catalog.Errorf(catalog.CodeForbidden, "a partner's API key cannot open the operator's routes")
	}
	if !strings.HasPrefix(key, operatorPrefix) || len(key) > 128 {
		return catalog.Errorf(catalog.CodeUnauthorized, "an operator key is required (header X-Api-Key)")
	}
	rc, _, err := r.blobs.Open(ctx, OperatorRecordKey(key))
	if catalog.IsNotFound(err) {
		return catalog.Errorf(catalog.CodeUnauthorized, "this operator key is not valid")
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 128))
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "read key")
	}
	if strings.TrimSpace(string(b)) != operatorRole {
		return catalog.Errorf(catalog.CodeInternal, "operator key record holds no operator role")
	}
	return nil
}

// RevokeOperator removes an operator key; one that is not registered is
// not an error.
func (r *Registry) RevokeOperator(ctx context.Context, key string) error {
	return r.blobs.Delete(ctx, OperatorRecordKey(strings.TrimSpace(key)))
}
