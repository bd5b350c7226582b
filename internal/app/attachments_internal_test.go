package app

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"
)

// exifJPEG is a JPEG whose Exif IFD0 holds an orientation and a pointer to
// a GPS directory, little-endian as most phones write it.
func exifJPEG(t *testing.T, orientation uint16) []byte {
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	le := binary.LittleEndian
	put := func(vs ...any) {
		for _, v := range vs {
			binary.Write(&tiff, le, v)
		}
	}
	tiff.WriteString("II")
	put(uint16(42), uint32(8), uint16(2))
	put(uint16(0x0112), uint16(3), uint32(1), uint16(orientation), uint16(0))
	put(uint16(0x8825), uint16(4), uint32(1), uint32(38), uint32(0))
	put(uint16(1), uint16(1), uint16(2), uint32(2), []byte("N\x00\x00\x00"), uint32(0)) // GPS IFD: LatitudeRef N
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	b := plain.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

func TestStripJPEGKeepsOnlyTheOrientation(t *testing.T) {
	for _, o := range []uint16{1, 3, 6, 8} {
		in := exifJPEG(t, o)
		if got := exifOrientation(in[6:]); got != int(o) {
			t.Fatalf("the test photo's orientation reads %d, want %d", got, o)
		}
		out, ok := stripJPEG(in)
		if !ok {
			t.Fatalf("orientation %d: not a JPEG after stripping", o)
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("orientation %d: stripped photo does not decode: %v", o, err)
		}
		if bytes.Contains(out, []byte{0x25, 0x88}) || bytes.Contains(out, []byte{0x88, 0x25}) {
			t.Errorf("orientation %d: the GPS pointer survived", o)
		}
		app1 := bytes.Index(out, []byte{0xFF, 0xE1})
		switch {
		case o == 1 && app1 >= 0:
			t.Errorf("upright photo kept an Exif segment")
		case o != 1 && (app1 < 0 || exifOrientation(out[app1+4:]) != int(o)):
			t.Errorf("orientation %d lost after stripping", o)
		}
	}
}
