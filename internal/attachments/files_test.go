package attachments_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// photo is a w×h JPEG, red on its left half and blue on its right, with an
// Exif segment holding orientation o and a GPS IFD that names a place.
func photo(t testing.TB, w, h int, o uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// TIFF, big-endian: IFD0 at 8 with two entries (Orientation, GPS IFD
	// pointer), the GPS IFD at 38 with one ASCII entry pointing at the text.
	var tiff bytes.Buffer
	put := func(v ...any) {
		for _, x := range v {
			binary.Write(&tiff, binary.BigEndian, x)
		}
	}
	tiff.WriteString("MM")
	put(uint16(42), uint32(8))
	put(uint16(2))
	put(uint16(0x0112), uint16(3), uint32(1), o, uint16(0))
	put(uint16(0x8825), uint16(4), uint32(1), uint32(38))
	put(uint32(0))
	place := "GPS-WUNING-N29.25E115.10\x00"
	put(uint16(1))
	put(uint16(0x001B), uint16(2), uint32(len(place)), uint32(56))
	put(uint32(0))
	tiff.WriteString(place)
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(append(out, seg...), app1...)
	return append(out, b[2:]...)
}

// pngOf encodes img as PNG.
func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngClaiming is a PNG whose header claims w×h 8-bit grey pixels, followed
// by idat as its image data (compressed zeros for a bomb, or next to
// nothing: the decoder would allocate the whole image either way).
func pngClaiming(w, h uint32, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return b.Bytes()
}

// bomb is a PNG of w×h grey pixels, all zero: a few tens of kilobytes that
// decode to w·h bytes.
func bomb(t testing.TB, w, h int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, w+1) // filter byte, then the row
	for range h {
		zw.Write(row)
	}
	zw.Close()
	return pngClaiming(uint32(w), uint32(h), z.Bytes())
}

// pdf is a minimal complete PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
