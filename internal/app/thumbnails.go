package app

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // decoders for the photo types citizens may upload
	"sync"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// ThumbSide is the longest side, in pixels, of a photo's thumbnail: twice
// the 120 CSS pixels pages show it at, for sharp phone screens.
const ThumbSide = 240

// MaxImagePixels bounds the images decoded (thumbnailed, or cleaned by
// internal/attachments): a decoded 40-megapixel image takes 160 MB, and a
// crafted header could claim far more.
const MaxImagePixels = 40 << 20

// Why DecodeBounded refused an image.
var (
	ErrImageTooLarge = errors.New("image too large to decode")
	ErrImageCorrupt  = errors.New("image cannot be decoded")
)

// thumbSlots lets two photos at a time be decoded (one per core), so a burst of uploads
// cannot take the server's CPU.
var thumbSlots = make(chan struct{}, 2)

// DecodeBudget is the memory, in bytes, that all photo decodes in flight
// may take together, estimated from each image's header before it is
// decoded (decodeCost). A photo that alone would need more gets no
// thumbnail. With the two slots this is the ceiling of decoding memory
// under any number of concurrent submissions.
const DecodeBudget = 256 << 20

var decodeMemory = newBudget(DecodeBudget)

// DecodeBounded decodes an image within the decode limits and calls use
// with it, holding a decode slot and its share of DecodeBudget until use
// returns. An image whose header claims more than MaxImagePixels pixels, or
// whose decoding plus extra bytes a pixel (what use allocates after) would
// alone take more than the budget, is refused from its header with
// ErrImageTooLarge, before anything is allocated for it; one that does not
// decode gets ErrImageCorrupt.
func DecodeBounded(data []byte, extra int64, use func(m image.Image, format string) error) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return ErrImageCorrupt
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return ErrImageTooLarge
	}
	cost := decodeCost(cfg, format, data) + extra*int64(cfg.Width)*int64(cfg.Height)
	if cost > DecodeBudget {
		return ErrImageTooLarge
	}
	thumbSlots <- struct{}{}
	defer func() { <-thumbSlots }()
	decodeMemory.acquire(cost)
	defer decodeMemory.release(cost)
	m, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return ErrImageCorrupt
	}
	return use(m, format)
}

// thumbnail returns a small JPEG of a cleaned photo, turned upright by its
// Exif orientation, or false when the image cannot be decoded (pages then
// show the photo itself).
func thumbnail(data []byte) ([]byte, bool) {
	var out []byte
	err := DecodeBounded(data, 0, func(src image.Image, _ string) error {
		b := src.Bounds()
		w, h := b.Dx(), b.Dy()
		if scale := float64(ThumbSide) / float64(max(w, h)); scale < 1 {
			w, h = max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
		}
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		if ycc, ok := src.(*image.YCbCr); ok {
			boxYCbCr(dst, ycc)
		} else {
			draw.BiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, orient(dst, jpegOrientation(data)), &jpeg.Options{Quality: 75}); err != nil {
			return err
		}
		out = buf.Bytes()
		return nil
	})
	return out, err == nil
}

// boxYCbCr scales a decoded JPEG down into dst by averaging each source
// block: one pass over the samples, an order of magnitude faster than a
// generic kernel on a 12-megapixel photo, and free of aliasing.
func boxYCbCr(dst *image.RGBA, src *image.YCbCr) {
	b := src.Bounds()
	dw, dh := dst.Bounds().Dx(), dst.Bounds().Dy()
	for dy := range dh {
		y0, y1 := b.Min.Y+dy*b.Dy()/dh, b.Min.Y+(dy+1)*b.Dy()/dh
		for dx := range dw {
			x0, x1 := b.Min.X+dx*b.Dx()/dw, b.Min.X+(dx+1)*b.Dx()/dw
			var sy, scb, scr, n int
			for y := y0; y < max(y1, y0+1); y++ {
				for x := x0; x < max(x1, x0+1); x++ {
					sy += int(src.Y[src.YOffset(x, y)])
					c := src.COffset(x, y)
					scb += int(src.Cb[c])
					scr += int(src.Cr[c])
					n++
				}
			}
			r, g, bl := color.YCbCrToRGB(uint8(sy/n), uint8(scb/n), uint8(scr/n))
			i := dst.PixOffset(dx, dy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = r, g, bl, 0xFF
		}
	}
}

// orient turns m upright by an Exif orientation (1–8): 3 is upside down,
// 6 and 8 are turned a quarter, 2, 4, 5 and 7 are those mirrored (front
// cameras set to mirror), as browsers show them.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		row := out.Pix[dy*out.Stride:]
		for dx := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-dx, dy
			case 3:
				sx, sy = w-1-dx, h-1-dy
			case 4:
				sx, sy = dx, h-1-dy
			case 5:
				sx, sy = dy, dx
			case 6: // turned a quarter clockwise
				sx, sy = dy, h-1-dx
			case 7:
				sx, sy = w-1-dy, h-1-dx
			case 8: // a quarter counter-clockwise
				sx, sy = w-1-dy, dx
			}
			copy(row[dx*4:dx*4+4], m.Pix[m.PixOffset(b.Min.X+sx, b.Min.Y+sy):])
		}
	}
	return out
}

// Upright returns m turned upright by Exif orientation o (Orientation),
// as an RGBA image when it had to be turned: 8 bytes a pixel more while
// both exist, the extra DecodeBounded is told.
func Upright(m image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return m
	}
	rgba, ok := m.(*image.RGBA)
	if !ok {
		b := m.Bounds()
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), m, b.Min, draw.Src)
	}
	return orient(rgba, o)
}

// Orientation is the Exif orientation of a JPEG (1–8), or 0.
func Orientation(data []byte) int { return jpegOrientation(data) }

// jpegOrientation reads the Exif orientation of a JPEG, or 0.
func jpegOrientation(b []byte) int {
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		return 0
	}
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(b) { // the image data begins: no Exif before it
			return 0
		}
		if marker == 0xE1 {
			if o := exifOrientation(b[i+4 : i+2+n]); o > 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 0
}

// decodeCost estimates the bytes decoding an image takes, from its header:
// the decoded pixels (by colour model: 16-bit PNG takes 8 bytes a pixel),
// plus, for a progressive JPEG, the coefficients the decoder keeps (2
// bytes per sample of three components), plus the thumbnail.
func decodeCost(cfg image.Config, format string, data []byte) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	bpp := int64(8)
	switch cfg.ColorModel {
	case color.GrayModel:
		bpp = 1
	case color.Gray16Model:
		bpp = 2
	case color.YCbCrModel, color.NYCbCrAModel:
		bpp = 4 // 4:4:4 and alpha at worst
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		bpp = 4
	default:
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			bpp = 1
		}
	}
	if format == "jpeg" && jpegProgressive(data) {
		bpp += 6
	}
	return px*bpp + ThumbSide*ThumbSide*4
}

// jpegProgressive reports whether a JPEG's frame is progressive (SOF2),
// whose decoder holds every coefficient until the end.
func jpegProgressive(data []byte) bool {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return false
		}
		m := data[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE:
			return true
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			return false // another frame type: baseline or lossless
		case m == 0xDA: // start of scan without a frame: not a valid JPEG
			return false
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return false
}

// budget is a counting limit on bytes: acquire waits until n are free.
type budget struct {
	mu        sync.Mutex
	cond      *sync.Cond
	free, max int64
	peak      int64 // the most ever in use, for tests and benchmarks
}

func newBudget(n int64) *budget {
	b := &budget{free: n, max: n}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *budget) acquire(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
	b.peak = max(b.peak, b.max-b.free)
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}
