package api

import (
	"net/http"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Partner authentication: the partner routes (asking for an upload slot,
// listing and reading catalogs, confirming a held one, its rejected rows)
// need a partner API key, read from the X-Api-Key header (API Gateway's
// header, so on AWS one key serves the usage plan and the identity) or from
// Authorization: Bearer. The key itself is never logged nor echoed.

// partner returns the partner the request's key belongs to, or
// CodeUnauthorized.
func (a *API) partner(r *http.Request) (string, error) {
	key := strings.TrimSpace(r.Header.Get("X-Api-Key"))
	if key == "" {
		h := r.Header.Get("Authorization")
		if scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " "); ok && strings.EqualFold(scheme, "Bearer") {
			key = strings.TrimSpace(rest)
		}
	}
	if key == "" {
		return "", catalog.Errorf(catalog.CodeUnauthorized, "a partner API key is required (header X-Api-Key)")
	}
	return a.deps.Keys.Partner(r.Context(), key)
}

// partnerCatalog returns catalog id when it belongs to the request's
// partner: CodeUnauthorized without a valid key, else CodeNotFound both
// for no such catalog and for another partner's, with the same message,
// so that a key never tells which catalog ids exist.
func (a *API) partnerCatalog(r *http.Request, id string) (catalog.Catalog, error) {
	p, err := a.partner(r)
	if err != nil {
		return catalog.Catalog{}, err
	}
	c, err := a.deps.Store.GetCatalog(r.Context(), id)
	if err == nil && c.Partner != p {
		err = catalog.Errorf(catalog.CodeNotFound, "another partner's")
	}
	if catalog.IsNotFound(err) {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeNotFound, "no catalog %q for this API key", id)
	}
	if err != nil {
		return catalog.Catalog{}, err
	}
	return c, nil
}

// samePartner checks that a partner named in a request (a body field or a
// query parameter; empty = the key's own) is the key's partner.
func samePartner(keyPartner, named string) error {
	if named != "" && !catalog.ValidPartnerID(named) {
		return catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", named)
	}
	if named != "" && named != keyPartner {
		return catalog.Errorf(catalog.CodeForbidden, "this API key belongs to partner %s, not %s", keyPartner, named)
	}
	return nil
}
