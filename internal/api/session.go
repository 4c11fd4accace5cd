package api

import (
	"net/http"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// sessionBody is the answer of the site-session routes.
type sessionBody struct {
	Partner    string `json:"partner"`
	Generation int64  `json:"generation"`
}

// session answers the key's partner and the generation of its site
// sessions: what the site seals into a session at sign-in and sends back
// as SessionHeader on every partner call.
func (a *API) session(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caller(r)
	if err != nil {
		return err
	}
	gen := c.gen
	if !c.session {
		if gen, err = a.deps.Store.SessionGeneration(r.Context(), c.keyID); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, sessionBody{Partner: c.partner, Generation: gen})
	return nil
}

// endSession signs out: it moves the key's site-session generation on from
// the one the request names (SessionHeader, required), so every session
// signed in at that generation is refused from now on, whoever holds a
// copy of its cookie. A generation that is not the stored one (ended
// already) is a 401, and moves nothing: a replayed old cookie cannot end
// the partner's newer sessions.
func (a *API) endSession(w http.ResponseWriter, r *http.Request) error {
	c, err := a.caller(r)
	if err != nil {
		return err
	}
	if !c.session {
		return catalog.Errorf(catalog.CodeInvalid, "header %s is required: the generation of the sessions to end", SessionHeader)
	}
	next, err := a.deps.Store.EndSessions(r.Context(), c.keyID, c.gen)
	if catalog.CodeOf(err) == catalog.CodeConflict {
		return errSessionEnded()
	}
	if err != nil {
		return err
	}
	a.log.InfoContext(r.Context(), "site sessions ended", "partner", c.partner, "generation", c.gen)
	writeJSON(w, http.StatusOK, sessionBody{Partner: c.partner, Generation: next})
	return nil
}
