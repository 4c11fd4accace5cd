package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// sessionCall sends a request with key and, unless gen is "", the site
// session's generation header.
func (a *authAPI) sessionCall(t *testing.T, key, gen, method, target string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("X-Api-Key", key)
	if gen != "" {
		req.Header.Set("X-Session-Generation", gen)
	}
	a.h.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil && !strings.HasSuffix(target, ".csv") {
		t.Fatalf("%s %s: %v: %s", method, target, err, rec.Body)
	}
	return rec.Code, body
}

// TestSignOutEndsTheSessionServerSide: a session signed in at a
// generation works on every partner route until sign-out moves the
// generation; then every copy of it is refused, a replay of the sign-out
// moves nothing, a new sign-in works, and the key alone (scripts) and the
// key's other partner keys are unaffected.
func TestSignOutEndsTheSessionServerSide(t *testing.T) {
	a := newAuthAPI(t)
	acme2 := issueKey(t, a.blobs, "acme") // the partner's second key (rotation)
	code, body := a.sessionCall(t, a.key, "", "GET", "/v1/session")
	if code != http.StatusOK || body["partner"] != "acme" || body["generation"] != 0.0 {
		t.Fatalf("GET /v1/session = %d %v, want acme at generation 0", code, body)
	}
	routes := []struct{ method, target string }{
		{"GET", "/v1/session"},
		{"GET", "/v1/catalogs"},
		{"GET", "/v1/catalogs/" + a.done.ID},
		{"GET", "/v1/catalogs/" + a.done.ID + "/rejected.csv"},
		{"GET", "/v1/catalogs/" + a.held.ID + "/removals.csv"},
		{"GET", "/v1/catalogs/" + a.done.ID + "/to-fix.csv"},
	}
	for _, rt := range routes {
		want := http.StatusOK
		if strings.HasSuffix(rt.target, "/rejected.csv") {
			want = http.StatusSeeOther // a redirect to a short-lived URL of the file
		}
		if code, body := a.sessionCall(t, a.key, "0", rt.method, rt.target); code != want {
			t.Fatalf("%s %s in the session: %d %v, want %d", rt.method, rt.target, code, body, want)
		}
	}
	// A generation the key never had is refused too (a forged header).
	if code, _ := a.sessionCall(t, a.key, "7", "GET", "/v1/catalogs"); code != http.StatusUnauthorized {
		t.Fatalf("a generation ahead of the key's: %d, want 401", code)
	}

	code, body = a.sessionCall(t, a.key, "0", "POST", "/v1/session/end")
	if code != http.StatusOK || body["partner"] != "acme" || body["generation"] != 1.0 {
		t.Fatalf("sign-out = %d %v, want acme at generation 1", code, body)
	}
	// The ended session is refused everywhere, sign-out included (a
	// replayed cookie cannot end the newer sessions).
	for _, rt := range append(routes, struct{ method, target string }{"POST", "/v1/session/end"},
		struct{ method, target string }{"POST", "/v1/catalogs/" + a.held.ID + "/confirm"}) {
		code, body := a.sessionCall(t, a.key, "0", rt.method, rt.target)
		if code != http.StatusUnauthorized || errorCode(body) != "unauthorized" {
			t.Errorf("%s %s with the ended session: %d %v, want 401", rt.method, rt.target, code, body)
		}
	}
	if code, body := a.sessionCall(t, a.key, "", "GET", "/v1/session"); code != http.StatusOK || body["generation"] != 1.0 {
		t.Fatalf("after sign-out, GET /v1/session = %d %v, want generation 1", code, body)
	}
	// A new sign-in (generation 1) works; the key alone, and the partner's
	// other key, were never a session and keep working.
	for _, c := range []struct{ key, gen string }{{a.key, "1"}, {a.key, ""}, {acme2, ""}, {acme2, "0"}} {
		if code, body := a.sessionCall(t, c.key, c.gen, "GET", "/v1/catalogs"); code != http.StatusOK {
			t.Errorf("key %.8s generation %q: %d %v, want 200", c.key, c.gen, code, body)
		}
	}
	// Another partner's sessions are their own.
	if code, body := a.sessionCall(t, a.globex, "0", "GET", "/v1/catalogs"); code != http.StatusOK || body["partner"] != "globex" {
		t.Fatalf("globex's session: %d %v", code, body)
	}

	// Refusals: sign-out names the generation it ends; malformed ones are
	// 400; a bad key is a 401 before anything else.
	for _, c := range []struct {
		key, gen, method, target string
		want                     int
	}{
		{a.key, "", "POST", "/v1/session/end", http.StatusBadRequest},
		{a.key, "-1", "GET", "/v1/catalogs", http.StatusBadRequest},
		{a.key, "one", "GET", "/v1/session", http.StatusBadRequest},
		{a.key, "1.0", "POST", "/v1/session/end", http.StatusBadRequest},
		{a.key, "99999999999999999999", "GET", "/v1/catalogs", http.StatusBadRequest},
		{a.revoked, "0", "POST", "/v1/session/end", http.StatusUnauthorized},
		{"csk_nope", "0", "GET", "/v1/session", http.StatusUnauthorized},
	} {
		if code, body := a.sessionCall(t, c.key, c.gen, c.method, c.target); code != c.want {
			t.Errorf("%s %s generation %q: %d %v, want %d", c.method, c.target, c.gen, code, body, c.want)
		}
	}
	if code, _ := a.sessionCall(t, "", "0", "GET", "/v1/session"); code != http.StatusUnauthorized {
		t.Errorf("no key: %d, want 401", code)
	}
	if strings.Contains(a.logs.String(), a.key) {
		t.Fatal("a key was logged")
	}
}
