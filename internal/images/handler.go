package images

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Handler serves the derived sizes from blobs at /images/{sha256}/{width}.jpg,
// as CloudFront serves them from the bucket on AWS: immutable (the key
// changes when the content does), cached for a year. Anything else under
// the prefix, imagemeta/ included, is 404.
func Handler(blobs catalog.Blobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/")
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !ValidSizeKey(key) {
			http.NotFound(w, r)
			return
		}
		rc, info, err := blobs.Open(r.Context(), key)
		if err != nil {
			if !catalog.IsNotFound(err) {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			http.NotFound(w, r)
			return
		}
		defer rc.Close()
		h := w.Header()
		h.Set("Content-Type", "image/jpeg")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		if info.ETag != "" {
			h.Set("ETag", `"`+strings.Trim(info.ETag, `"`)+`"`)
			if r.Header.Get("If-None-Match") == h.Get("ETag") {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if rs, ok := rc.(io.ReadSeeker); ok {
			http.ServeContent(w, r, "", info.ModTime, rs)
			return
		}
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = io.Copy(w, rc)
	})
}

// ValidSizeKey reports whether key is the key of a derived size:
// images/{64 hex}/{width}.jpg.
func ValidSizeKey(key string) bool {
	rest, ok := strings.CutPrefix(key, PicturePrefix)
	if !ok || len(rest) < 64+1+5 || rest[64] != '/' {
		return false
	}
	for _, c := range rest[:64] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	w, ok := strings.CutSuffix(rest[65:], ".jpg")
	n, err := strconv.Atoi(w)
	return ok && err == nil && n > 0 && n <= 10000 && strconv.Itoa(n) == w
}
