package app

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// quarterTurned is a 600×400 JPEG, red on its left half, whose Exif says
// the camera was turned a quarter clockwise (orientation 6).
func quarterTurned(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for x := range 600 {
		for y := range 400 {
			c := color.RGBA{0, 0, 255, 255}
			if x < 300 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	exif := exifJPEG(t, 6)
	// Put the Exif segment of exifJPEG in front of our image's segments.
	n := int(exif[4])<<8 | int(exif[5])
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), exif[2:4+n]...), b[2:]...)
}

func TestThumbnailIsSmallUprightAndWithoutExif(t *testing.T) {
	photo := quarterTurned(t)
	if jpegOrientation(photo) != 6 {
		t.Fatalf("test photo orientation = %d, want 6", jpegOrientation(photo))
	}
	clean, ok := stripJPEG(photo)
	if !ok {
		t.Fatal("test photo does not strip")
	}
	thumb, ok := thumbnail(clean)
	if !ok {
		t.Fatal("no thumbnail")
	}
	if bytes.Contains(thumb, []byte("Exif")) {
		t.Error("the thumbnail carries Exif")
	}
	m, err := jpeg.Decode(bytes.NewReader(thumb))
	if err != nil {
		t.Fatal(err)
	}
	// 600×400 turned a quarter is 400×600 upright, scaled to 160×240.
	if b := m.Bounds(); b.Dx() != 160 || b.Dy() != 240 {
		t.Fatalf("thumbnail is %d×%d, want 160×240", b.Dx(), b.Dy())
	}
	// Turned clockwise, the photo's left (red) half is now on top.
	if r, _, bl, _ := m.At(80, 30).RGBA(); r>>8 < 200 || bl>>8 > 60 {
		t.Errorf("top of the thumbnail is not red: r %d b %d", r>>8, bl>>8)
	}
	if r, _, bl, _ := m.At(80, 210).RGBA(); r>>8 > 60 || bl>>8 < 200 {
		t.Errorf("bottom of the thumbnail is not blue: r %d b %d", r>>8, bl>>8)
	}
	if _, ok := thumbnail([]byte("RIFF\x00\x00\x00\x00WEBPVP8 garbage")); ok {
		t.Error("a broken image got a thumbnail")
	}
}
