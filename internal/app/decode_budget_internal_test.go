package app

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"zhitong/internal/testkit/heap"
)

// pngHeader is a PNG that claims w×h pixels of the given bit depth and
// colour type in its header and then ends: 60 bytes that a decoder would
// allocate the whole image for.
func pngHeader(w, h uint32, depth, colorType byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, colorType
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	return b.Bytes()
}

// A small file whose header claims an image that would take hundreds of
// megabytes decoded is refused from its header: nothing is allocated.
func TestPhotoDecodingIsBoundedBeforeDecoding(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"16-bit RGBA PNG, 36 MP (288 MB decoded)", pngHeader(6000, 6000, 16, 6)},
		{"16-bit RGB PNG, 39.9 MP: under the pixel cap, over the budget", pngHeader(7000, 5700, 16, 2)},
	} {
		t.Run(c.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if _, ok := thumbnail(c.data); ok {
				t.Fatal("thumbnailed")
			}
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Fatalf("allocated %d MB for a %d-byte file", grew>>20, len(c.data))
			}
		})
	}
	if got := decodeCost(image.Config{ColorModel: color.RGBA64Model, Width: 6000, Height: 6000}, "png", nil); got < 288_000_000 {
		t.Errorf("cost of a 16-bit 36 MP PNG = %d", got)
	}
}

// Concurrent decodes never take more than the budget together.
func TestConcurrentDecodesStayWithinTheBudget(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 1000, 1000))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := buf.Bytes()
	cfg, format, _ := image.DecodeConfig(bytes.NewReader(photo))
	cost := decodeCost(cfg, format, photo)
	saved := decodeMemory
	decodeMemory = newBudget(cost + cost/2) // room for one at a time
	defer func() { decodeMemory = saved }()
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := thumbnail(photo); !ok {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d thumbnails failed", failed.Load())
	}
	if decodeMemory.peak > decodeMemory.max || decodeMemory.peak < cost {
		t.Fatalf("peak %d, budget %d, one decode %d", decodeMemory.peak, decodeMemory.max, cost)
	}
}

func TestJPEGProgressiveIsRecognised(t *testing.T) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil)
	if jpegProgressive(buf.Bytes()) {
		t.Error("Go's baseline JPEG taken for progressive")
	}
	b := append([]byte{}, buf.Bytes()...)
	for i := 2; i+1 < len(b); i++ {
		if b[i] == 0xFF && b[i+1] == 0xC0 {
			b[i+1] = 0xC2
			break
		}
	}
	if !jpegProgressive(b) {
		t.Error("SOF2 not recognised")
	}
}

// BenchmarkConcurrentPhotoDecoding decodes 12-megapixel JPEGs from 8
// goroutines at once and reports the peak heap in use: the ceiling
// DecodeBudget promises, plus the photos themselves.
func BenchmarkConcurrentPhotoDecoding(b *testing.B) {
	// A smooth 12-megapixel photo: what the budget bounds is the decoded
	// image (width × height, from the header), the same for any content;
	// random noise made a 20 MB JPEG whose encoding and entropy decoding
	// took 125 s at -benchtime 1x on the loaded machine, measuring nothing more.
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio444)
	for y := range 3000 {
		for x := range 4000 {
			i := y*img.YStride + x
			img.Y[i], img.Cb[i], img.Cr[i] = byte(x/16+y/16), byte(x/32), byte(y/16)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	photo := buf.Bytes()
	img = nil // heap.Sample collects it
	peak := heap.Sample(func() {
		b.ResetTimer()
		for range b.N {
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() { defer wg.Done(); thumbnail(photo) }()
			}
			wg.Wait()
		}
	})
	b.ReportMetric(peak.InUseMB(), "peak-heap-MB")
	b.ReportMetric(float64(len(photo))/(1<<20), "photo-MB")
}
