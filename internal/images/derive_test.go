package images_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// jpegBytes is a w×h JPEG with a gradient (not a flat colour, so scaling
// has something to do).
func jpegBytes(tb testing.TB, w, h int) []byte {
	tb.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a valid PNG header (signature and IHDR with its CRC) that
// declares w×h pixels, followed by nothing: a few dozen bytes that would
// ask a decoder for w×h×4 bytes of memory.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// Two 1×1 WebP files, lossless and lossy, as browsers' feature tests
// carry them.
const (
	webpLossless = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="
	webpLossy    = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"
)

func mustB64(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSniff(t *testing.T) {
	var pngBuf, gifBuf bytes.Buffer
	_ = png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 2, 2)))
	_ = gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White}), nil)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"jpeg", jpegBytes(t, 4, 4), "jpeg"},
		{"png", pngBuf.Bytes(), "png"},
		{"gif", gifBuf.Bytes(), "gif"},
		{"webp lossless", mustB64(t, webpLossless), "webp"},
		{"webp lossy", mustB64(t, webpLossy), "webp"},
		{"html", []byte("<!doctype html><title>Not found</title>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"riff but wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), ""},
		{"empty", nil, ""},
		{"two bytes of jpeg", []byte{0xFF, 0xD8}, ""},
	} {
		if got := images.Sniff(tc.b); got != tc.want {
			t.Errorf("%s: Sniff = %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestDeriveRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		b      []byte
		reason string
		code   catalog.Code
	}{
		{"html served as an image", []byte("<!doctype html><p>image moved</p>"), images.ReasonNotImage, catalog.CodeInvalid},
		{"decompression bomb", bombPNG(100_000, 100_000), images.ReasonTooManyPixels, catalog.CodeTooLarge},
		{"tall bomb", bombPNG(1, 50_000_000), images.ReasonTooManyPixels, catalog.CodeTooLarge},
		{"truncated jpeg", jpegBytes(t, 64, 64)[:200], images.ReasonBadImage, catalog.CodeInvalid},
		{"png header only", bombPNG(10, 10), images.ReasonBadImage, catalog.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := images.Derive(tc.b, images.DeriveOptions{})
			if images.Reason(err) != tc.reason || catalog.CodeOf(err) != tc.code {
				t.Fatalf("Derive: %s / %s (%v); want %s / %s", images.Reason(err), catalog.CodeOf(err), err, tc.reason, tc.code)
			}
			if time.Since(start) > time.Second {
				t.Fatalf("took %s: the refusal must come before decoding", time.Since(start))
			}
		})
	}
}

func TestDeriveSizes(t *testing.T) {
	var alpha bytes.Buffer
	m := image.NewNRGBA(image.Rect(0, 0, 100, 50)) // fully transparent
	_ = png.Encode(&alpha, m)
	for _, tc := range []struct {
		name   string
		b      []byte
		w, h   int
		widths [][2]int
		white  bool // the derived pixels are white (transparency flattened)
	}{
		{"large jpeg", jpegBytes(t, 2000, 1000), 2000, 1000, [][2]int{{160, 80}, {320, 160}, {480, 240}, {640, 320}, {1200, 600}}, false},
		{"narrow jpeg", jpegBytes(t, 500, 700), 500, 700, [][2]int{{160, 224}, {320, 448}, {480, 672}, {500, 700}}, false},
		{"transparent png", alpha.Bytes(), 100, 50, [][2]int{{100, 50}}, true},
		{"webp lossless", mustB64(t, webpLossless), 1, 1, [][2]int{{1, 1}}, false},
		{"webp lossy", mustB64(t, webpLossy), 1, 1, [][2]int{{1, 1}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := images.Derive(tc.b, images.DeriveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Width != tc.w || d.Height != tc.h || len(d.Sizes) != len(tc.widths) {
				t.Fatalf("original %d×%d with %d sizes; want %d×%d with %d", d.Width, d.Height, len(d.Sizes), tc.w, tc.h, len(tc.widths))
			}
			for i, s := range d.Sizes {
				img, err := jpeg.Decode(bytes.NewReader(s.JPEG))
				if err != nil {
					t.Fatalf("size %d is no JPEG: %v", i, err)
				}
				if b := img.Bounds(); s.Width != tc.widths[i][0] || s.Height != tc.widths[i][1] || b.Dx() != s.Width || b.Dy() != s.Height {
					t.Fatalf("size %d: %d×%d (decoded %v); want %v", i, s.Width, s.Height, b, tc.widths[i])
				}
				if tc.white {
					if r, g, b, _ := img.At(s.Width/2, s.Height/2).RGBA(); r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
						t.Fatalf("transparent pixel became %d,%d,%d; want white", r>>8, g>>8, b>>8)
					}
				}
			}
		})
	}
}

// BenchmarkDerive4000 is the thumbnailing cost of a 4000×4000 JPEG.
func BenchmarkDerive4000(b *testing.B) {
	src := jpegBytes(b, 4000, 4000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := images.Derive(src, images.DeriveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
