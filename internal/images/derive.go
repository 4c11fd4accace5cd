package images

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// DefaultWidths returns the widths of the derived sizes Derive makes unless
// told otherwise, in pixels: a results card on a plain screen, then on
// denser ones (two phone columns at 2× and 3×), the product page, and a
// large view. An original narrower than a width
// gives its own width instead (never enlarged).
func DefaultWidths() []int { return []int{160, 320, 480, 640, 1200} }

// DeriveOptions configure Derive. Zero values take the defaults.
type DeriveOptions struct {
	Widths    []int // ascending; default DefaultWidths
	MaxPixels int64 // cap on width × height declared by the header; default 40 million
	Quality   int   // JPEG quality of the sizes; default 80
}

func (o DeriveOptions) withDefaults() DeriveOptions {
	if len(o.Widths) == 0 {
		o.Widths = DefaultWidths()
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = 40_000_000
	}
	if o.Quality <= 0 {
		o.Quality = 80
	}
	return o
}

// Sniff names the image format of b by its first bytes: "jpeg", "png",
// "gif", "webp", or "" for anything else (whatever the server said it was).
func Sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// Size is one derived size of a picture, JPEG-encoded.
type Size struct {
	Width, Height int
	JPEG          []byte
}

// Derived is what Derive makes of an original.
type Derived struct {
	Width, Height int    // of the original
	Sizes         []Size // ascending width
}

type decoder struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

func decoderFor(format string) decoder {
	switch format {
	case "jpeg":
		return decoder{jpeg.DecodeConfig, jpeg.Decode}
	case "png":
		return decoder{png.DecodeConfig, png.Decode}
	case "gif":
		return decoder{gif.DecodeConfig, gif.Decode} // the first frame
	case "webp":
		return decoder{webp.DecodeConfig, webp.Decode}
	}
	return decoder{}
}

// Config checks b as Derive does without decoding the pixels: its format
// by signature and its declared size against the pixel cap. It returns the
// original's width and height.
func Config(b []byte, o DeriveOptions) (width, height int, err error) {
	o = o.withDefaults()
	format := Sniff(b)
	if format == "" {
		return 0, 0, refuse(catalog.CodeInvalid, ReasonNotImage, "the file is not a JPEG, PNG, GIF or WebP image")
	}
	cfg, err := decoderFor(format).config(bytes.NewReader(b))
	if err != nil {
		return 0, 0, &catalog.Error{Code: catalog.CodeInvalid, Err: errors.Join(&refusal{ReasonBadImage}, err),
			Message: "the " + format + " image cannot be read"}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, refuse(catalog.CodeInvalid, ReasonBadImage, "the %s image declares no pixels", format)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > o.MaxPixels {
		return 0, 0, refuse(catalog.CodeTooLarge, ReasonTooManyPixels,
			"the %s image declares %d×%d pixels, over the %d-pixel limit", format, cfg.Width, cfg.Height, o.MaxPixels)
	}
	return cfg.Width, cfg.Height, nil
}

// SizesFor returns the width and height of each derived size of a
// width×height original: o's widths, each capped at the original's width,
// without repeats.
func SizesFor(width, height int, o DeriveOptions) [][2]int {
	o = o.withDefaults()
	var out [][2]int
	for _, w := range o.Widths {
		w = min(w, width)
		if len(out) > 0 && out[len(out)-1][0] == w {
			continue
		}
		h := max(1, int((int64(height)*int64(w)+int64(width)/2)/int64(width)))
		out = append(out, [2]int{w, h})
	}
	return out
}

// Derive checks b (Config) and makes its sizes: each scaled from the next
// larger one (the largest from the original) by bilinear halving steps,
// transparency flattened onto white, encoded as JPEG.
func Derive(b []byte, o DeriveOptions) (Derived, error) {
	o = o.withDefaults()
	w, h, err := Config(b, o)
	if err != nil {
		return Derived{}, err
	}
	format := Sniff(b)
	src, err := decoderFor(format).decode(bytes.NewReader(b))
	if err != nil {
		return Derived{}, &catalog.Error{Code: catalog.CodeInvalid, Err: errors.Join(&refusal{ReasonBadImage}, err),
			Message: "the " + format + " image cannot be decoded"}
	}
	dims := SizesFor(w, h, o)
	d := Derived{Width: w, Height: h, Sizes: make([]Size, len(dims))}
	prev := src
	for i := len(dims) - 1; i >= 0; i-- {
		// Halve while the step is 2× or more: a bilinear sample of a 2× step
		// averages every source pixel, so nothing aliases, and it needs no
		// buffer beyond the image it makes (a kernel filter over a 4000-pixel
		// original needs hundreds of megabytes).
		for prev.Bounds().Dx() >= 2*dims[i][0] {
			b := prev.Bounds()
			prev = scale(prev, (b.Dx()+1)/2, max(1, (b.Dy()+1)/2))
		}
		dst := scale(prev, dims[i][0], dims[i][1])
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: o.Quality}); err != nil {
			return Derived{}, catalog.Wrap(catalog.CodeInternal, err, "encode a derived size")
		}
		d.Sizes[i] = Size{Width: dims[i][0], Height: dims[i][1], JPEG: buf.Bytes()}
		prev = dst
	}
	return d, nil
}

// scale returns src scaled to w×h on an opaque RGBA: transparency is
// flattened onto white, as the JPEG sizes have no alpha.
func scale(src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if !opaque(src) {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), op, nil)
	return dst
}

func opaque(m image.Image) bool {
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
