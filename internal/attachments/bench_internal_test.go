package attachments

import (
	"bytes"
	"image"
	"image/jpeg"
	"sync"
	"testing"

	"zhitong/internal/testkit/heap"
)

// phonePhoto is a 12-megapixel JPEG like a phone's (4000×3000, smooth
// with grain, a few MB), with an Exif orientation o.
func phonePhoto(tb testing.TB, o byte) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	seed := uint32(1)
	for y := range 3000 {
		for x := range 4000 {
			seed = seed*1664525 + 1013904223
			img.Y[y*img.YStride+x] = byte((x+y)/28) + byte(seed>>28)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = byte(100+i%50), 140
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	b := buf.Bytes()
	// An APP1 Exif segment with only the orientation, after SOI.
	seg := []byte{0xFF, 0xE1, 0, 34}
	seg = append(seg, "Exif\x00\x00MM\x00\x2A\x00\x00\x00\x08"...)
	seg = append(seg, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0)
	return append(append(append([]byte{}, b[:2]...), seg...), b[2:]...)
}

// BenchmarkCleanPhonePhotos cleans 12-megapixel phone photos turned a
// quarter (orientation 6: decoded, turned into an RGBA copy, encoded
// again) from 4 goroutines at once, and reports the time per photo and the
// peak heap: app.DecodeBudget and its two decode slots bound it, whatever
// the number of uploads.
func BenchmarkCleanPhonePhotos(b *testing.B) {
	for _, c := range []struct {
		name string
		o    byte
	}{{"upright", 1}, {"turned", 6}} {
		b.Run(c.name, func(b *testing.B) {
			data := phonePhoto(b, c.o)
			in := Input{Kind: KindReplyPhoto, Name: "IMG.jpg", Data: data}
			b.ResetTimer()
			var peak float64
			for range b.N {
				peak = max(peak, heap.Sample(func() {
					var wg sync.WaitGroup
					for range 4 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							if _, _, err := content(in); err != nil {
								b.Error(err)
							}
						}()
					}
					wg.Wait()
				}).InUseMB())
			}
			b.ReportMetric(peak, "peak-heap-MB")
			b.ReportMetric(float64(len(data))/(1<<20), "photo-MB")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(4*b.N), "ms/photo")
		})
	}
}
