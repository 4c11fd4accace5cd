package images_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

func TestHandler(t *testing.T) {
	_, bl := embeddedtest.Open(t)
	key := images.PicturePrefix + strings.Repeat("ab", 32) + "/160.jpg"
	body := jpegBytes(t, 16, 16)
	if _, err := bl.Put(t.Context(), key, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if _, err := bl.Put(t.Context(), images.MetaPrefix+"x.json", strings.NewReader(`{"url":"https://partner/secret"}`)); err != nil {
		t.Fatal(err)
	}
	h := images.Handler(bl)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/" + key, http.StatusOK},
		{"/" + strings.Replace(key, "160", "320", 1), http.StatusNotFound},
		{"/" + images.MetaPrefix + "x.json", http.StatusNotFound},
		{"/images/../imagemeta/x.json", http.StatusNotFound},
		{"/" + strings.Replace(key, "160.jpg", "0160.jpg", 1), http.StatusNotFound},
		{"/" + strings.Replace(key, "ab", "AB", 1), http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("GET %s: %d; want %d", tc.path, rec.Code, tc.want)
		}
		if tc.want == http.StatusOK {
			if !bytes.Equal(rec.Body.Bytes(), body) || rec.Header().Get("Content-Type") != "image/jpeg" ||
				!strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
				t.Errorf("GET %s: %d bytes, headers %v", tc.path, rec.Body.Len(), rec.Header())
			}
		}
	}
}
