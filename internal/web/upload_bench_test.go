package web_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong/internal/server"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/heap"
	"zhitong/internal/uploads"
)

// phonePhoto is a JPEG the size of a phone camera's (w×h, 4:2:0), with
// enough texture to weigh a few megabytes like a real one.
func phonePhoto(tb testing.TB, w, h int) []byte {
	tb.Helper()
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			m.Y[y*m.YStride+x] = uint8((x/7+y/5)&0x7f) + uint8(rng.IntN(48))
		}
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(100+rng.IntN(24)), uint8(140+rng.IntN(24))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// uploadServer serves the whole stack over a fresh database with the
// fixture, gate g and no public rate limit (the load comes from one address).
func uploadServer(tb testing.TB, g *uploads.Gate) *portal {
	tb.Helper()
	t, _ := tb.(*testing.T)
	a, _ := testkit.MustApp(tb)
	f := testkit.Seed(tb, a)
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: -1, Uploads: g}))
	tb.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &portal{t: t, app: a, f: f, srv: srv, client: &http.Client{Jar: jar}}
}

// streamSubmission posts the submission form with photos as a stream, so
// the client holds no copy of the body: the memory measured is the server's.
func streamSubmission(client *http.Client, base string, form url.Values, photos ...[]byte) (int, string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for i, ph := range photos {
			w, err := mw.CreateFormFile("photos", "IMG_"+strconv.Itoa(i)+".jpg")
			if err == nil {
				_, err = w.Write(ph)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest("POST", base+"/submit", pr)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), nil
}

// uploadLoad submits n citizens' submissions at once, each with three
// phone photos, and counts what was stored and what was refused as busy.
func uploadLoad(tb testing.TB, p *portal, n int, photos [][]byte) (stored, busy int) {
	tb.Helper()
	var ok, full atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			status, body, err := streamSubmission(client, p.srv.URL, p.validForm(), photos...)
			switch {
			case err != nil:
				tb.Error(err)
			case status == http.StatusOK && strings.Contains(body, `class="portal-code"`):
				ok.Add(1)
			case status == http.StatusServiceUnavailable && strings.Contains(body, "现在提交照片的人较多"):
				full.Add(1)
			default:
				tb.Errorf("submission: %d %.300s", status, body)
			}
		})
	}
	wg.Wait()
	return int(ok.Load()), int(full.Load())
}

// BenchmarkConcurrentPhotoSubmissions sends 32 submissions at once, each
// with three 12-megapixel phone photos (about 3 MB each), through the
// whole stack with the default upload gate, and reports the peak Go heap
// (runtime/metrics), the peak of all memory the Go runtime holds, the
// process's peak RSS, how many were stored and how many were told to come
// back later. docs/operations.md records the figures and the ceiling.
//
//	go test ./internal/web -run '^$' -bench ConcurrentPhoto -benchtime 1x
func BenchmarkConcurrentPhotoSubmissions(b *testing.B) {
	photo := phonePhoto(b, 4000, 3000)
	photos := [][]byte{photo, photo, photo}
	for _, c := range []struct {
		name string
		gate *uploads.Gate
	}{
		{"gate=default", uploads.Default()},
		// Without the gate (as before issue 11): every upload read at once.
		{"gate=off", uploads.New(1000, 0, time.Minute)},
	} {
		b.Run(c.name, func(b *testing.B) { benchmarkUploads(b, c.gate, photos) })
	}
}

func benchmarkUploads(b *testing.B, g *uploads.Gate, photos [][]byte) {
	p := uploadServer(b, g)
	const n = 32
	var stored, busy int
	peak := heap.Sample(func() {
		for b.Loop() {
			s, f := uploadLoad(b, p, n, photos)
			stored, busy = stored+s, busy+f
		}
	})
	var count int
	if err := p.app.DB().QueryRow(b.Context(), `SELECT COUNT(*) FROM cases`).Scan(&count); err != nil {
		b.Fatal(err)
	}
	if count != stored {
		b.Fatalf("%d submissions acknowledged, %d stored", stored, count)
	}
	b.ReportMetric(float64(peak.Objects)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peak.Total)/(1<<20), "peak-go-MB")
	b.ReportMetric(float64(stored)/float64(b.N), "stored/op")
	b.ReportMetric(float64(busy)/float64(b.N), "busy/op")
	b.ReportMetric(float64(g.Stats().Peak), "peak-in-flight")
	b.ReportMetric(float64(len(photos[0]))/(1<<20), "photo-MB")
}
