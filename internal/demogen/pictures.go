package demogen

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Demo pictures: with Options.ImageBase set, every row's image URL names
// what to draw, ImageBase/{kind}/{rrggbb}/{sku}.png, and ImageHandler,
// served at ImageBase, draws it: a simple illustration of the product's
// kind (a pen, a drill, a towel, ...) in the product's colour. The demo's
// images then go through the same fetch path as a partner's.

// PictureSize is the width and height of a demo picture, in pixels: larger
// than the largest derived size, so the demo exercises the resizing.
const PictureSize = 1400

// pictureKinds are the kinds Picture draws.
func pictureKinds() []string {
	return []string{"pen", "marker", "notebook", "paper", "binder", "stapler", "scissors", "cabinet",
		"earphones", "speaker", "cable", "keyboard", "camera", "watch",
		"screw", "drill", "saw", "wrench", "hammer", "glove",
		"duvet", "towel", "pillow", "robe", "tablecloth"}
}

// pictureKind is the kind of picture for a category path.
func pictureKind(category []string) string {
	c := strings.ToLower(strings.Join(category, " > "))
	for _, k := range [...]struct{ word, kind string }{
		{"surligneurs", "marker"}, {"stylos", "pen"}, {"cahiers", "notebook"}, {"papier", "paper"},
		{"classeurs", "binder"}, {"agrafage", "stapler"}, {"découpe", "scissors"}, {"rangement", "cabinet"},
		{"earphones", "earphones"}, {"speakers", "speaker"}, {"cable", "cable"}, {"keyboards", "keyboard"},
		{"cameras", "camera"}, {"wearables", "watch"}, {"screws", "screw"}, {"anchors", "screw"},
		{"drills", "drill"}, {"saws", "saw"}, {"wrenches", "wrench"}, {"hammers", "hammer"}, {"gloves", "glove"},
		{"couette", "duvet"}, {"draps", "duvet"}, {"serviettes", "towel"}, {"cuisine", "towel"},
		{"taies", "pillow"}, {"coussins", "pillow"}, {"peignoirs", "robe"}, {"nappes", "tablecloth"},
	} {
		if strings.Contains(c, k.word) {
			return k.kind
		}
	}
	return "cabinet"
}

// colourHex is the rrggbb of a colour label in the profiles' languages,
// or of the kind's usual colour when the product has none.
func colourHex(label, kind string) string {
	l := strings.ToLower(label)
	for _, c := range [...]struct{ word, hex string }{
		{"fluo", ""}, // decided with the hue below
		{"ciel", "82b4e6"}, {"orage", "2c5a78"}, {"canard", "1f6f78"}, {"sauge", "8ca582"}, {"d'eau", "96d2be"},
		{"citron", "f5e146"}, {"poudré", "e6b4b4"}, {"pastel", "f5b9cd"}, {"perle", "c8c8cd"}, {"space", "5f6470"},
		{"anthracite", "3c3c41"}, {"terracotta", "c8643f"}, {"naturel", "ddd2bc"}, {"écru", "ece4d0"},
		{"lilas", "bea0dc"}, {"noir", "2a2a2e"}, {"black", "2a2a2e"}, {"blanc", "f2efe8"}, {"white", "f2efe8"},
		{"gris", "8c9099"}, {"grey", "8c9099"}, {"bleu", "2f5fb3"}, {"blue", "2f5fb3"}, {"rouge", "c8322d"},
		{"red", "c8322d"}, {"vert", "2f8c4c"}, {"green", "2f8c4c"}, {"jaune", "f0c828"}, {"yellow", "f0c828"},
		{"orange", "f58c1e"}, {"rose", "f078aa"}, {"pink", "f078aa"},
	} {
		if !strings.Contains(l, c.word) {
			continue
		}
		if c.word == "fluo" {
			switch {
			case strings.Contains(l, "jaune"):
				return "eef032"
			case strings.Contains(l, "rose"):
				return "ff50aa"
			case strings.Contains(l, "vert"):
				return "5adc3c"
			default:
				return "ff8c1e"
			}
		}
		return c.hex
	}
	switch kind {
	case "drill", "saw":
		return "e8a317" // power tools are yellow
	case "screw", "wrench":
		return "9aa0a8" // steel
	case "hammer":
		return "b5452f"
	case "glove":
		return "e07b28"
	case "cable":
		return "2a2a2e"
	}
	return "4a78b0"
}

// Picture draws a size×size picture of kind in colour c.
func Picture(kind string, c color.RGBA, size int) *image.RGBA {
	p := &painter{img: image.NewRGBA(image.Rect(0, 0, size, size)), s: float64(size) / 100}
	pal := newPalette(c)
	p.rect(0, 0, 100, 100, pal.bg)
	p.ellipse(50, 88, 36, 5, mix(pal.bg, color.RGBA{0, 0, 0, 255}, 0.12)) // shadow
	draw, ok := drawings()[kind]
	if !ok {
		draw = drawBox
	}
	draw(p, pal)
	return p.img
}

// palette is the colours of one picture: the product's colour (base), its
// shades, the background and the usual materials.
type palette struct {
	base, dark, light, bg color.RGBA
	steel, black, white   color.RGBA
}

func newPalette(c color.RGBA) palette {
	return palette{
		base:  c,
		dark:  mix(c, color.RGBA{0, 0, 0, 255}, 0.45),
		light: mix(c, color.RGBA{255, 255, 255, 255}, 0.45),
		bg:    mix(c, color.RGBA{250, 250, 248, 255}, 0.88),
		steel: color.RGBA{165, 170, 178, 255},
		black: color.RGBA{40, 40, 44, 255},
		white: color.RGBA{248, 248, 246, 255},
	}
}

// drawings maps each kind of pictureKinds to the function that draws it
// on the 100×100 canvas.
func drawings() map[string]func(p *painter, pal palette) {
	return map[string]func(p *painter, pal palette){
		"pen":        drawPen,
		"marker":     drawMarker,
		"notebook":   drawNotebook,
		"paper":      drawPaper,
		"binder":     drawBinder,
		"stapler":    drawStapler,
		"scissors":   drawScissors,
		"cabinet":    drawCabinet,
		"earphones":  drawEarphones,
		"speaker":    drawSpeaker,
		"cable":      drawCable,
		"keyboard":   drawKeyboard,
		"camera":     drawCamera,
		"watch":      drawWatch,
		"screw":      drawScrew,
		"drill":      drawDrill,
		"saw":        drawSaw,
		"wrench":     drawWrench,
		"hammer":     drawHammer,
		"glove":      drawGlove,
		"duvet":      drawDuvet,
		"tablecloth": drawTablecloth,
		"towel":      drawTowel,
		"pillow":     drawPillow,
		"robe":       drawRobe,
	}
}

// drawBox is the picture of a kind without its own drawing.
func drawBox(p *painter, pal palette) {
	p.roundRect(25, 25, 75, 75, 8, pal.base)
}

func drawPen(p *painter, pal palette) {
	p.line(22, 80, 74, 22, 7, pal.base)
	p.line(66, 31, 74, 22, 7.5, pal.dark)
	p.poly(pal.black, 22, 80, 17, 87, 18, 77)
	p.line(58, 32, 70, 20, 2, pal.dark)
}

func drawMarker(p *painter, pal palette) {
	p.line(25, 78, 70, 28, 13, pal.base)
	p.line(60, 38, 72, 25, 14, pal.dark)
	p.poly(pal.base, 25, 78, 15, 90, 20, 72)
}

func drawNotebook(p *painter, pal palette) {
	p.rect(26, 16, 78, 84, pal.base)
	p.rect(40, 30, 70, 42, pal.white)
	for y := 20.0; y < 82; y += 7 {
		p.ring(26, y, 3.2, 1.2, pal.steel)
	}
}

func drawPaper(p *painter, pal palette) {
	for i := 3.0; i >= 0; i-- {
		p.rect(24+i*3, 18+i*3, 72+i*3, 82+i*3, mix(pal.white, pal.black, 0.04*i))
	}
	p.rect(24, 18, 72, 26, pal.base)
	for y := 34.0; y < 78; y += 6 {
		p.rect(30, y, 66, y+1, mix(pal.white, pal.black, 0.15))
	}
}

func drawBinder(p *painter, pal palette) {
	p.rect(30, 12, 72, 86, pal.base)
	p.rect(30, 12, 37, 86, pal.dark)
	p.rect(44, 24, 64, 44, pal.white)
	p.disc(51, 70, 4, pal.white)
}

func drawStapler(p *painter, pal palette) {
	p.rect(18, 66, 84, 74, pal.black)
	p.poly(pal.base, 18, 64, 80, 48, 84, 56, 22, 68)
	p.poly(pal.dark, 18, 64, 26, 60, 26, 68, 18, 68)
}

func drawScissors(p *painter, pal palette) {
	p.poly(pal.steel, 50, 52, 86, 16, 89, 19, 55, 56)
	p.poly(pal.steel, 50, 52, 16, 16, 13, 19, 45, 56)
	p.line(40, 64, 50, 54, 4, pal.base)
	p.line(60, 64, 50, 54, 4, pal.base)
	p.ring(36, 72, 10, 4, pal.base)
	p.ring(64, 72, 10, 4, pal.base)
	p.disc(50, 54, 2.5, pal.black)
}

func drawCabinet(p *painter, pal palette) {
	p.rect(28, 12, 72, 86, pal.base)
	for _, y := range []float64{16, 40, 64} {
		p.rect(31, y, 69, y+20, pal.light)
		p.rect(44, y+8, 56, y+11, pal.dark)
	}
}

func drawEarphones(p *painter, pal palette) {
	p.line(34, 30, 34, 66, 3, pal.base)
	p.line(66, 30, 66, 66, 3, pal.base)
	p.disc(34, 28, 9, pal.base)
	p.disc(66, 28, 9, pal.base)
	p.disc(34, 28, 4, pal.dark)
	p.disc(66, 28, 4, pal.dark)
	p.line(34, 66, 50, 80, 1.5, pal.dark)
	p.line(66, 66, 50, 80, 1.5, pal.dark)
}

func drawSpeaker(p *painter, pal palette) {
	p.roundRect(28, 12, 72, 86, 6, pal.base)
	p.disc(50, 60, 15, pal.dark)
	p.disc(50, 60, 6, pal.light)
	p.disc(50, 30, 7, pal.dark)
}

func drawCable(p *painter, pal palette) {
	prevX, prevY := 14.0, 50.0
	for x := 16.0; x <= 86; x += 2 {
		y := 50 + 18*math.Sin((x-14)/72*2*math.Pi)
		p.line(prevX, prevY, x, y, 2.4, pal.base)
		prevX, prevY = x, y
	}
	p.rect(6, 46, 16, 54, pal.steel)
	p.rect(84, 45, 94, 55, pal.dark)
}

func drawKeyboard(p *painter, pal palette) {
	p.roundRect(8, 30, 92, 72, 3, pal.base)
	for row := range 4 {
		for col := range 12 {
			x := 12 + float64(col)*6.7
			y := 34 + float64(row)*8.5
			p.rect(x, y, x+5, y+6.5, pal.light)
		}
	}
}

func drawCamera(p *painter, pal palette) {
	p.rect(46, 12, 54, 30, pal.dark)
	p.disc(50, 50, 24, pal.base)
	p.disc(50, 54, 13, pal.black)
	p.disc(46, 50, 4, color.RGBA{90, 120, 170, 255})
}

func drawWatch(p *painter, pal palette) {
	p.rect(38, 8, 62, 92, pal.dark)
	p.roundRect(30, 30, 70, 70, 8, pal.base)
	p.roundRect(34, 34, 66, 66, 5, pal.black)
	p.line(50, 50, 50, 40, 1.5, pal.white)
	p.line(50, 50, 58, 54, 1.5, pal.white)
}

func drawScrew(p *painter, pal palette) {
	p.rect(42, 30, 58, 82, pal.steel)
	for y := 32.0; y < 80; y += 5 {
		p.line(42, y+3, 58, y, 1.3, mix(pal.steel, pal.black, 0.4))
	}
	p.poly(pal.steel, 42, 82, 58, 82, 50, 92)
	p.rect(32, 18, 68, 30, pal.base)
	p.rect(48, 18, 52, 24, pal.dark)
}

func drawDrill(p *painter, pal palette) {
	p.roundRect(20, 28, 72, 46, 5, pal.base)
	p.poly(pal.base, 40, 44, 56, 44, 52, 78, 36, 78)
	p.rect(32, 76, 60, 86, pal.black)
	p.rect(72, 32, 80, 42, pal.black)
	p.line(80, 37, 94, 37, 2, pal.steel)
}

func drawSaw(p *painter, pal palette) {
	n := 24
	pts := make([]float64, 0, 4*n)
	for i := range 2 * n {
		r := 26.0
		if i%2 == 1 {
			r = 22
		}
		a := float64(i) * math.Pi / float64(n)
		pts = append(pts, 56+r*math.Cos(a), 54+r*math.Sin(a))
	}
	p.poly(pal.steel, pts...)
	p.disc(56, 54, 4, pal.black)
	p.roundRect(14, 30, 56, 54, 6, pal.base)
	p.rect(22, 52, 36, 76, pal.base)
}

func drawWrench(p *painter, pal palette) {
	p.line(28, 72, 72, 28, 8, pal.base)
	p.ring(24, 76, 10, 4, pal.base)
	p.disc(76, 24, 11, pal.base)
	p.poly(pal.bg, 76, 24, 90, 14, 92, 26)
}

func drawHammer(p *painter, pal palette) {
	p.line(34, 86, 58, 30, 5, color.RGBA{150, 105, 60, 255})
	p.poly(pal.base, 36, 16, 76, 34, 70, 46, 30, 28)
	p.poly(pal.dark, 34, 78, 40, 64, 46, 66, 40, 80)
}

func drawGlove(p *painter, pal palette) {
	p.roundRect(30, 44, 70, 88, 8, pal.base)
	for i, x := range []float64{32, 42, 52, 62} {
		p.roundRect(x, 18+float64(i%2)*4, x+8, 56, 4, pal.base)
	}
	p.line(30, 60, 16, 44, 7, pal.base)
	p.rect(30, 80, 70, 88, pal.dark)
}

func drawTowel(p *painter, pal palette) {
	p.rect(22, 16, 78, 84, pal.base)
	p.rect(22, 70, 78, 74, pal.light)
	p.rect(22, 76, 78, 78, pal.light)
	p.rect(22, 16, 26, 84, pal.dark)
}

func drawPillow(p *painter, pal palette) {
	p.roundRect(14, 28, 86, 74, 12, pal.base)
	p.roundRect(20, 34, 80, 68, 9, pal.light)
	p.roundRect(23, 37, 77, 65, 7, pal.base)
}

func drawRobe(p *painter, pal palette) {
	p.poly(pal.base, 36, 14, 64, 14, 90, 36, 80, 46, 70, 36, 70, 88, 30, 88, 30, 36, 20, 46, 10, 36)
	p.poly(pal.dark, 44, 14, 56, 14, 50, 40)
	p.rect(30, 52, 70, 56, pal.dark)
}

// drawDuvet is three folded layers of cloth.
func drawDuvet(p *painter, pal palette) {
	for i := 2.0; i >= 0; i-- {
		p.rect(16, 30+i*14, 84, 48+i*14, mix(pal.base, pal.white, 0.15*i))
		p.rect(16, 46+i*14, 84, 48+i*14, pal.dark)
	}
}

// drawTablecloth is a duvet's folds with stripes on top.
func drawTablecloth(p *painter, pal palette) {
	drawDuvet(p, pal)
	for x := 20.0; x < 84; x += 8 {
		p.rect(x, 30, x+3, 48, pal.light)
	}
}

// painter fills shapes given in a 100×100 space.
type painter struct {
	img *image.RGBA
	s   float64 // pixels per unit
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// fill sets every pixel whose centre (in units) is inside.
func (p *painter) fill(x0, y0, x1, y1 float64, c color.RGBA, inside func(x, y float64) bool) {
	b := p.img.Bounds()
	px0, py0 := max(b.Min.X, int(x0*p.s)-1), max(b.Min.Y, int(y0*p.s)-1)
	px1, py1 := min(b.Max.X, int(x1*p.s)+2), min(b.Max.Y, int(y1*p.s)+2)
	for py := py0; py < py1; py++ {
		for px := px0; px < px1; px++ {
			if inside((float64(px)+0.5)/p.s, (float64(py)+0.5)/p.s) {
				p.img.SetRGBA(px, py, c)
			}
		}
	}
}

func (p *painter) rect(x0, y0, x1, y1 float64, c color.RGBA) {
	p.fill(x0, y0, x1, y1, c, func(x, y float64) bool { return x >= x0 && x < x1 && y >= y0 && y < y1 })
}

func (p *painter) roundRect(x0, y0, x1, y1, r float64, c color.RGBA) {
	p.fill(x0, y0, x1, y1, c, func(x, y float64) bool {
		if x < x0 || x >= x1 || y < y0 || y >= y1 {
			return false
		}
		cx, cy := math.Max(x0+r, math.Min(x, x1-r)), math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	})
}

func (p *painter) ellipse(cx, cy, rx, ry float64, c color.RGBA) {
	p.fill(cx-rx, cy-ry, cx+rx, cy+ry, c, func(x, y float64) bool {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		return dx*dx+dy*dy <= 1
	})
}

func (p *painter) disc(cx, cy, r float64, c color.RGBA) { p.ellipse(cx, cy, r, r, c) }

func (p *painter) ring(cx, cy, r, width float64, c color.RGBA) {
	p.fill(cx-r, cy-r, cx+r, cy+r, c, func(x, y float64) bool {
		d := math.Hypot(x-cx, y-cy)
		return d <= r && d >= r-width
	})
}

// line is a segment width units thick.
func (p *painter) line(x0, y0, x1, y1, width float64, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*width/2, dx/l*width/2
	p.poly(c, x0+nx, y0+ny, x1+nx, y1+ny, x1-nx, y1-ny, x0-nx, y0-ny)
}

// poly fills the polygon of the points x0, y0, x1, y1, ... (even-odd).
func (p *painter) poly(c color.RGBA, pts ...float64) {
	minX, minY, maxX, maxY := pts[0], pts[1], pts[0], pts[1]
	for i := 0; i < len(pts); i += 2 {
		minX, maxX = math.Min(minX, pts[i]), math.Max(maxX, pts[i])
		minY, maxY = math.Min(minY, pts[i+1]), math.Max(maxY, pts[i+1])
	}
	n := len(pts) / 2
	p.fill(minX, minY, maxX, maxY, c, func(x, y float64) bool {
		in := false
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			xi, yi, xj, yj := pts[2*i], pts[2*i+1], pts[2*j], pts[2*j+1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
		return in
	})
}

// pictureURL is the image URL of a row: base/kind/rrggbb/sku.png.
func pictureURL(base string, category []string, colour, sku string) string {
	kind := pictureKind(category)
	return strings.TrimRight(base, "/") + "/" + kind + "/" + colourHex(colour, kind) + "/" + strings.ToLower(sku) + ".png"
}

// ImageHandler serves the demo pictures that Options.ImageBase URLs name
// (the handler sees the paths below ImageBase), as PNG, with an ETag and
// a Last-Modified that answer conditional requests, like an ordinary image
// host. Unknown kinds and malformed colours are 404.
func ImageHandler() http.Handler {
	h := &imageHandler{cache: map[string][]byte{}}
	return h
}

type imageHandler struct {
	mu    sync.Mutex
	cache map[string][]byte // kind/rrggbb → PNG
}

func (h *imageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet && r.Method != http.MethodHead || len(parts) != 3 || !strings.HasSuffix(parts[2], ".png") {
		http.NotFound(w, r)
		return
	}
	kind, hexRGB := parts[0], parts[1]
	rgb, err := hex.DecodeString(hexRGB)
	if err != nil || len(rgb) != 3 || strings.ToLower(hexRGB) != hexRGB || !slices.Contains(pictureKinds(), kind) {
		http.NotFound(w, r)
		return
	}
	key := kind + "/" + hexRGB
	h.mu.Lock()
	b, ok := h.cache[key]
	h.mu.Unlock()
	if !ok {
		var buf bytes.Buffer
		img := Picture(kind, color.RGBA{rgb[0], rgb[1], rgb[2], 255}, PictureSize)
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
			http.Error(w, "cannot draw", http.StatusInternalServerError)
			return
		}
		b = buf.Bytes()
		h.mu.Lock()
		h.cache[key] = b
		h.mu.Unlock()
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("ETag", fmt.Sprintf(`"%s-%s-1"`, kind, hexRGB))
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, parts[2], time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(b))
}
