package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhitong/internal/testkit/heap"
	"zhitong/internal/uploads"
)

// UploadHeapCeiling is the documented ceiling (docs/operations.md) of the
// Go heap while photo submissions are processed with the default gate.
const UploadHeapCeiling = 512 << 20

// When every upload slot is taken and the queue is full, a submission with
// photos is told at once, in Chinese, to come back later (503), and nothing
// of it is stored; once a slot is free the same submission is stored whole.
func TestFullUploadGateAnswers503AndStoresNothing(t *testing.T) {
	g := uploads.New(1, 0, time.Second)
	p := uploadServer(t, g)
	release, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	photo := phonePhoto(t, 400, 300)
	status, body, err := streamSubmission(p.client, p.srv.URL, p.validForm(), photo)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "现在提交照片的人较多，您的意见未能提交（没有保存）") || !strings.Contains(body, "系统繁忙") {
		t.Fatalf("full gate: %d %.400s", status, body)
	}
	var n int
	if err := p.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d cases stored after a refusal (%v)", n, err)
	}
	// A submission without photos (urlencoded) does not need a slot.
	if pg := p.postForm("/submit", p.validForm()); pg.status != http.StatusOK || !strings.Contains(pg.body, `class="portal-code"`) {
		t.Fatalf("text-only submission: %d", pg.status)
	}
	release()
	status, body, err = streamSubmission(p.client, p.srv.URL, p.validForm(), photo)
	if err != nil || status != http.StatusOK || !strings.Contains(body, `class="portal-code"`) {
		t.Fatalf("after release: %d %v", status, err)
	}
	var photos int
	if err := p.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM attachments`).Scan(&photos); err != nil || photos != 1 {
		t.Fatalf("%d photos stored (%v)", photos, err)
	}
}

// Eight citizens sending three 12-megapixel photos each at once: every
// acknowledged submission is stored, and the Go heap stays under the
// documented ceiling. (BenchmarkConcurrentPhotoSubmissions measures 32.)
func TestConcurrentPhotoSubmissionsStayUnderTheCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 24 twelve-megapixel photos")
	}
	photo := phonePhoto(t, 4000, 3000)
	g := uploads.New(uploads.DefaultSlots, 8, 5*time.Minute)
	p := uploadServer(t, g)
	var stored, busy int
	peak := heap.Sample(func() { stored, busy = uploadLoad(t, p, 8, [][]byte{photo, photo, photo}) }).Objects
	t.Logf("stored %d, busy %d, peak heap %d MB, peak in flight %d", stored, busy, peak>>20, g.Stats().Peak)
	if stored != 8 || busy != 0 {
		t.Errorf("stored %d, busy %d; want all 8 stored", stored, busy)
	}
	if peak > UploadHeapCeiling {
		t.Errorf("peak heap %d MB > ceiling %d MB", peak>>20, UploadHeapCeiling>>20)
	}
	if g.Stats().Peak > uploads.DefaultSlots {
		t.Errorf("%d uploads in flight, gate of %d", g.Stats().Peak, uploads.DefaultSlots)
	}
}
