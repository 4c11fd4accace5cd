package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// Partner authentication: the partner routes (asking for an upload slot,
// listing and reading catalogs, confirming a held one, its rejected rows)
// need a partner API key, read from the X-Api-Key header (API Gateway's
// header, so on AWS one key serves the usage plan and the identity) or from
// Authorization: Bearer. The key itself is never logged nor echoed.
//
// Site sessions: the site signs a partner in with the key and sends, with
// the key, the generation of the key's site sessions it signed in at
// (SessionHeader, read from GET /v1/session). A request that carries it is
// refused (401) once the key's stored generation differs: sign-out (POST
// /v1/session/end) moves the generation, so every copy of the ended
// session's cookie stops working at once, on every instance of the site.

// SessionHeader carries the site-session generation a request was made in.
const SessionHeader = "X-Session-Generation"

// caller is who a partner request comes from.
type caller struct {
	partner string
	keyID   string // partnerkeys.KeyID of the key
	gen     int64  // the session's generation, when session
	session bool   // the request named a site session (SessionHeader)
}

// partner returns the partner the request's key belongs to, or
// CodeUnauthorized (also for a site session that has ended).
func (a *API) partner(r *http.Request) (string, error) {
	c, err := a.caller(r)
	return c.partner, err
}

// caller checks the request's key and, when it names one, its site session.
func (a *API) caller(r *http.Request) (caller, error) {
	key := strings.TrimSpace(r.Header.Get("X-Api-Key"))
	if key == "" {
		h := r.Header.Get("Authorization")
		if scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " "); ok && strings.EqualFold(scheme, "Bearer") {
			key = strings.TrimSpace(rest)
		}
	}
	if key == "" {
		return caller{}, catalog.Errorf(catalog.CodeUnauthorized, "a partner API key is required (header X-Api-Key)")
	}
	p, err := a.deps.Keys.Partner(r.Context(), key)
	if err != nil {
		return caller{}, err
	}
	c := caller{partner: p, keyID: partnerkeys.KeyID(key)}
	values := r.Header.Values(SessionHeader)
	if len(values) == 0 {
		return c, nil
	}
	gen, err := strconv.ParseInt(strings.TrimSpace(values[0]), 10, 64)
	if len(values) > 1 || err != nil || gen < 0 {
		return caller{}, catalog.Errorf(catalog.CodeInvalid, "header %s must be one non-negative integer", SessionHeader)
	}
	cur, err := a.deps.Store.SessionGeneration(r.Context(), c.keyID)
	if err != nil {
		return caller{}, err
	}
	if cur != gen {
		return caller{}, errSessionEnded()
	}
	c.gen, c.session = gen, true
	return c, nil
}

// errSessionEnded refuses a site session that was signed out.
func errSessionEnded() error {
	return catalog.Errorf(catalog.CodeUnauthorized, "this session has ended (signed out): sign in again")
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
