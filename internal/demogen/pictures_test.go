package demogen

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestPictureKinds: every kind draws the product's colour on a background
// that is not it, and every category of every profile has a kind of its own
// (not the fallback) except where the fallback is meant.
func TestPictureKinds(t *testing.T) {
	c := color.RGBA{200, 40, 40, 255}
	if len(drawings()) != len(pictureKinds()) {
		t.Errorf("%d drawings for %d kinds", len(drawings()), len(pictureKinds()))
	}
	for _, kind := range pictureKinds() {
		if _, ok := drawings()[kind]; !ok {
			t.Errorf("%s: no drawing of its own", kind)
		}
		img := Picture(kind, c, 200)
		colour, other := 0, 0
		for y := range 200 {
			for x := range 200 {
				switch img.RGBAAt(x, y) {
				case c:
					colour++
				default:
					other++
				}
			}
		}
		if colour < 200*200/50 || other < 200*200/4 {
			t.Errorf("%s: %d pixels of the colour, %d others: not a picture of it", kind, colour, other)
		}
	}
	for _, name := range Profiles() {
		for _, pt := range findProfile(name).types {
			k := pictureKind(pt.category)
			if !slices.Contains(pictureKinds(), k) || (k == "cabinet" && !strings.Contains(strings.Join(pt.category, ">"), "Rangement")) {
				t.Errorf("%s %v: kind %q", name, pt.category, k)
			}
		}
	}
}

func TestImageBaseURLsAndHandler(t *testing.T) {
	srv := httptest.NewServer(ImageHandler())
	defer srv.Close()
	var b bytes.Buffer
	if _, err := Write(context.Background(), &b, FormatCSV, Options{Seed: 7, Rows: 60, Profile: ProfileFrenchOffice,
		Headers: HeadersCanonical, ImageBase: srv.URL + "/demo/"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "image")
	for _, r := range rows[1:4] {
		u := r[col]
		if !strings.HasPrefix(u, srv.URL+"/demo/") || !strings.HasSuffix(u, ".png") {
			t.Fatalf("image URL %q", u)
		}
		resp, err := http.Get(srv.URL + strings.TrimPrefix(u, srv.URL+"/demo"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(resp.Body)
		resp.Body.Close()
		if err != nil || img.Bounds().Dx() != PictureSize || resp.Header.Get("ETag") == "" {
			t.Fatalf("GET %s: %v (etag %q)", u, err, resp.Header.Get("ETag"))
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+strings.TrimPrefix(u, srv.URL+"/demo"), nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		if again.StatusCode != http.StatusNotModified {
			t.Fatalf("conditional GET: %s; want 304", again.Status)
		}
	}
	for _, bad := range []string{"/nope/ff0000/x.png", "/pen/zz0000/x.png", "/pen/ff00/x.png", "/pen/ff0000/x.jpg", "/pen/ff0000"} {
		resp, err := http.Get(srv.URL + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s; want 404", bad, resp.Status)
		}
	}
	if _, err := Write(context.Background(), &b, FormatCSV, Options{Rows: 1, ImageBase: "ftp://x/"}); err == nil {
		t.Fatal("an ftp image base was accepted")
	}
}
