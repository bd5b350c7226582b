package web_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"html"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func TestSubmitPhotoLocation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		share    bool
		wantExif bool
	}{
		{"stripped by default", false, false},
		{"kept when the citizen shares it", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPortal(t)
			// Phones append secondary images (MPF) with their own Exif after the first image ends.
			original := append(gpsJPEG(t), gpsJPEG(t)...)
			if !hasExif(original) {
				t.Fatal("test photo has no Exif segment")
			}
			form := p.validForm()
			if tc.share {
				form.Set("share_location", "1")
			}
			done := p.submit(form, photo{"IMG_0001.jpg", original})
			if done.status != http.StatusOK || !strings.HasSuffix(done.url, "/submit/done") {
				t.Fatalf("submit: %d at %s:\n%s", done.status, done.url, done.body)
			}
			code := trackingCode(t, done)
			// Submitted on Wednesday 2026-11-25: registered by Thursday, then 15 working days.
			mustContain(t, done, "<svg", `class="qr"`, "1 个工作日内", "15 个工作日内", "预计 <strong>2026-12-17</strong> 前")

			track := p.get("/track/" + code)
			m := regexp.MustCompile(`href="(/track/` + code + `/photos/\d+)"`).FindStringSubmatch(track.body)
			if m == nil {
				t.Fatalf("no photo on the tracking page:\n%s", track.body)
			}
			img := p.get(m[1])
			if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/jpeg" || img.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("photo: %d %q %q", img.status, img.header.Get("Content-Type"), img.header.Get("X-Content-Type-Options"))
			}
			stored := []byte(img.body)
			if got := hasExif(stored); got != tc.wantExif {
				t.Fatalf("stored photo has Exif = %v, want %v", got, tc.wantExif)
			}
			if got := bytes.Contains(stored, []byte("Exif\x00\x00")); got != tc.wantExif {
				t.Fatalf("stored photo carries Exif anywhere = %v, want %v", got, tc.wantExif)
			}
			if tc.wantExif && !bytes.Equal(stored, original) {
				t.Fatal("photo shared with its location was changed")
			}
			if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil {
				t.Fatalf("stored photo no longer decodes: %v", err)
			}
			// At rest the photo is sealed: neither the JPEG nor its Exif is readable in the database.
			var raw []byte
			if err := p.app.DB().QueryRow(ctx, `SELECT data FROM attachments`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte("Exif")) || bytes.HasPrefix(raw, []byte{0xFF, 0xD8}) {
				t.Fatal("photo is stored in the clear")
			}
		})
	}
}

func TestSubmitRejectsFakeAndOversizedPhotos(t *testing.T) {
	p := newPortal(t)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"html named jpg", []byte("<html><script>alert(1)</script></html>"), "不是 JPEG、PNG 或 WebP"},
		{"over 5 MB", append(gpsJPEG(t), make([]byte, 5<<20)...), "超过 5 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := p.submit(p.validForm(), photo{"a.jpg", tc.data})
			if pg.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", pg.status)
			}
			mustContain(t, pg, tc.want, `id="photos-error"`, "请重新选择照片", "建设路下雨天积水严重，行人无法通行")
		})
	}
}

func TestSubmitErrorKeepsInput(t *testing.T) {
	p := newPortal(t)
	form := p.validForm()
	form.Set("body", "我家门口的路灯坏了三个月 <没人修>")
	form.Set("place", "和平路 12 号")
	form.Del("privacy")
	pg := p.submit(form, photo{"a.jpg", gpsJPEG(t)})
	if pg.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", pg.status)
	}
	mustContain(t, pg, "我家门口的路灯坏了三个月 &lt;没人修&gt;", `value="和平路 12 号"`, `value="王小明"`, `value="139 0797 1234"`,
		`<option value="roads" selected>`, `id="privacy-error"`, "请重新选择照片")
	if !regexp.MustCompile(`id="privacy"[^>]*aria-describedby="privacy-text privacy-error"[^>]*aria-invalid="true"`).MatchString(pg.body) {
		t.Error("privacy checkbox is not marked invalid and described by its error")
	}
	mustContain(t, pg, "<title>提交未成功")
	var n int
	if err := p.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("cases stored = %d (%v), want 0", n, err)
	}
}

func TestSubmitFieldErrors(t *testing.T) {
	p := newPortal(t)
	for _, tc := range []struct {
		name  string
		edit  func(url.Values)
		field string
		text  string
	}{
		{"anonymous with phone", func(f url.Values) { f.Set("anonymous", "1"); f.Del("name") }, "anonymous", "匿名提交时请不要填写"},
		{"body too short", func(f url.Values) { f.Set("body", "路坏") }, "body", "至少需要 5 个字"},
		{"bad phone", func(f url.Values) { f.Set("phone", "12345") }, "phone", ""},
		{"no town or station", func(f url.Values) { f.Del("region"); f.Del("station") }, "region", "请选择问题所在的乡镇"},
		{"privacy not accepted", func(f url.Values) { f.Del("privacy") }, "privacy", "个人信息保护说明"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := p.validForm()
			tc.edit(form)
			pg := p.submit(form)
			if pg.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400:\n%s", pg.status, pg.body)
			}
			mustContain(t, pg, `id="`+tc.field+`-error"`, `href="#`+tc.field+`"`, tc.text)
			mustNotContain(t, pg, "请重新选择照片")
		})
	}
	var n int
	if err := p.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("cases stored = %d (%v), want 0", n, err)
	}
}

func TestSubmitFormPreselectsStation(t *testing.T) {
	p := newPortal(t)
	pg := p.get("/submit?station=" + itoa(p.f.Station))
	if pg.status != http.StatusOK {
		t.Fatalf("status %d", pg.status)
	}
	mustContain(t, pg, `<option value="`+itoa(p.f.Station)+`" selected>历市镇人大代表联络站`, `<option value="`+p.f.Town+`" selected>历市镇`,
		`enctype="multipart/form-data"`, `<label for="body">`, `<label for="photos">`, "<title>我要反映 · 民意直通</title>")
}

func TestTrackAndEvaluate(t *testing.T) {
	p := newPortal(t)
	code := trackingCode(t, p.submit(p.validForm()))

	form := p.get("/track")
	mustContain(t, form, `<label for="code">`)
	// A typed code in lower case and without dashes finds the case.
	typed := p.get("/track?code=" + strings.ToLower(strings.ReplaceAll(code, "-", "")))
	if typed.status != http.StatusOK || !strings.HasSuffix(typed.url, "/track/"+code) {
		t.Fatalf("lookup by typed code: %d at %s", typed.status, typed.url)
	}
	mustContain(t, typed, "您的诉求已受理", "已受理，待登记", "王**", "139****1234")
	mustNotContain(t, typed, "评价办理结果")

	unknown := p.get("/track/ABCD-EFGH-JKMN")
	if unknown.status != http.StatusNotFound {
		t.Fatalf("unknown code: %d", unknown.status)
	}
	mustContain(t, unknown, "查询码不正确")

	p.replied(code, zhitong.OutcomeInProgress)
	pg := p.get("/track/" + code)
	mustContain(t, pg, "B类 正在解决", "县交通运输局", "已安排施工队疏通排水管道", "评价办理结果", `aria-current="step">已答复<`)

	// Unsatisfied needs to say what is still wrong.
	bad := p.postForm("/track/"+code+"/evaluate", url.Values{"rating": {"unsatisfied"}, "comment": {" "}})
	if bad.status != http.StatusBadRequest {
		t.Fatalf("unsatisfied without comment: %d", bad.status)
	}
	mustContain(t, bad, `id="comment-error"`, `value="unsatisfied" required checked`)

	ok := p.postForm("/track/"+code+"/evaluate", url.Values{"rating": {"unsatisfied"}, "comment": {"两周过去了还在积水"}})
	if ok.status != http.StatusOK || !strings.HasSuffix(ok.url, "/track/"+code) {
		t.Fatalf("evaluate: %d at %s", ok.status, ok.url)
	}
	mustContain(t, ok, `class="flash"`, "已收到您的评价", "不满意，研判中", "您的评价：<strong>不满意</strong>",
		`class="done">已答复<`, `aria-current="step">已评价<`)
	mustNotContain(t, ok, `action="/track/`+code+`/evaluate"`)

	// Evaluating again is refused politely.
	again := p.postForm("/track/"+code+"/evaluate", url.Values{"rating": {"satisfied"}})
	mustContain(t, again, "办理情况已有变化")
}

func TestResultsBoardIsMasked(t *testing.T) {
	p := newPortal(t)
	form := p.validForm()
	form.Set("body", "王小明反映：电话13907971234，建设路积水")
	code := trackingCode(t, p.submit(form))
	p.replied(code, zhitong.OutcomeSolved)
	other := trackingCode(t, p.submit(p.validForm()))
	p.replied(other, zhitong.OutcomePlanned)

	pg := p.get("/results")
	if pg.status != http.StatusOK {
		t.Fatalf("status %d", pg.status)
	}
	mustContain(t, pg, "A类 已解决", "C类 列入计划", "县交通运输局", "王**反映", "共 2 件<", "<title>办理公示 · 民意直通</title>",
		"办理情况：疏通建设路**号门前排水管道，加装雨水篦子 3 个")
	mustNotContain(t, pg, "王小明", "13907971234", "1390797", "0797", "139 0797", "已安排施工队", "8号", code, other)

	// Someone else's name the writer introduces, and their house number, are masked too.
	form = p.validForm()
	form.Set("body", "我叫李四海，住胜利路18号2单元501室，楼下路灯坏了")
	third := trackingCode(t, p.submit(form))
	p.replied(third, zhitong.OutcomeSolved)
	pg = p.get("/results")
	mustContain(t, pg, "我叫李**，住胜利路**号**单元**室")
	mustNotContain(t, pg, "李四海", "18号", "501")

	solved := p.get("/results?outcome=A&category=roads&town=" + p.f.Town)
	mustContain(t, solved, "共 2 件", "A类 已解决", `<option value="A" selected>`)
	mustNotContain(t, solved, "C类 列入计划</span>")
	none := p.get("/results?category=consult")
	mustContain(t, none, "共 0 件", "暂无办理结果")
}

func TestResultsPaginationKeepsFilters(t *testing.T) {
	p := newPortal(t)
	for range 21 {
		p.replied(trackingCode(t, p.submit(p.validForm())), zhitong.OutcomeSolved)
	}
	first := p.get("/results?outcome=A")
	mustContain(t, first, "共 21 件，第 1 / 2 页<")
	if n := strings.Count(first.body, `<li class="card">`); n != 20 {
		t.Fatalf("first page shows %d results, want 20", n)
	}
	// "下一页" reads from the first page's last row (an opaque cursor,
	// keyset: any depth costs page 1), keeping the filters and the number.
	m := regexp.MustCompile(`href="(/results\?after=[^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if m == nil || !strings.Contains(m[1], "outcome=A") || !strings.Contains(m[1], "page=2") {
		t.Fatalf("next link %q, want a cursor with the filter and page 2", m)
	}
	second := p.get(html.UnescapeString(m[1]))
	mustContain(t, second, "第 2 / 2 页", `href="/results?outcome=A"`)
	if n := strings.Count(second.body, `<li class="card">`); n != 1 {
		t.Fatalf("second page shows %d results, want 1", n)
	}
	// A page number, as bookmarked before cursors, shows the same page.
	byNumber := p.get("/results?outcome=A&page=2")
	cards := func(body string) string {
		return body[strings.Index(body, `<li class="card">`):strings.LastIndex(body, `</li>`)]
	}
	if byNumber.status != http.StatusOK || cards(byNumber.body) != cards(second.body) {
		t.Errorf("page=2 (%d) and the cursor's page differ", byNumber.status)
	}
	// A made-up or tampered cursor is a clear 400, not a query.
	next, _ := url.Parse(html.UnescapeString(m[1]))
	token := next.Query().Get("after")
	for _, bad := range []string{"AAAA", token[:len(token)-2] + "xy", strings.Repeat("A", 500)} {
		pg := p.get("/results?outcome=A&page=2&after=" + url.QueryEscape(bad))
		if pg.status != http.StatusBadRequest {
			t.Errorf("after=%s: status %d, want 400", bad, pg.status)
		}
		mustContain(t, pg, "翻页位置无效")
	}
}

func TestStationBoardAndPoster(t *testing.T) {
	p := newPortal(t)
	p.replied(trackingCode(t, p.submit(p.validForm())), zhitong.OutcomeSolved)
	board := p.get("/stations/" + itoa(p.f.Station))
	if board.status != http.StatusOK {
		t.Fatalf("status %d", board.status)
	}
	mustContain(t, board, "<title>历市镇人大代表联络站公示栏 · 民意直通</title>", "刘代表", "县人大代表", "/static/portal_avatar.svg",
		"履职承诺", "联络站工作制度", "江西省赣州市定南县历市镇", "A类 已解决", "/submit?station="+itoa(p.f.Station))
	mustNotContain(t, board, "王小明", "13907971234")

	// The map point gives a navigation link; a deputy also posted elsewhere says where.
	if _, err := p.app.DB().Exec(ctx, `UPDATE stations SET lat = 24.784, lng = 115.029 WHERE id = ?`, p.f.Station); err != nil {
		t.Fatal(err)
	}
	if _, err := p.app.DB().Exec(ctx, `INSERT INTO station_deputies (station_id, deputy_id) VALUES (?, ?)`, p.f.OtherStation, p.f.Deputy); err != nil {
		t.Fatal(err)
	}
	other := testkit.Must(p.app.PublicStation(ctx, p.f.OtherStation))(t)
	board = p.get("/stations/" + itoa(p.f.Station))
	mustContain(t, board, `href="https://uri.amap.com/marker?callnative=1&amp;coordinate=wgs84&amp;name=`, "position=115.029000%2C24.784000",
		"同时进驻：", `<a href="/stations/`+itoa(p.f.OtherStation)+`">`+other.Name+"</a>")

	poster := p.get("/stations/" + itoa(p.f.Station) + "/poster")
	if poster.status != http.StatusOK {
		t.Fatalf("poster status %d", poster.status)
	}
	host := strings.TrimPrefix(p.srv.URL, "http://")
	mustContain(t, poster, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`, "<path", "http://"+host+"/submit?station="+itoa(p.f.Station),
		"历市镇人大代表联络站", "扫描上方二维码")

	avatar := p.get("/static/portal_avatar.svg")
	if avatar.status != http.StatusOK || !strings.Contains(avatar.body, "<svg") {
		t.Fatalf("avatar: %d", avatar.status)
	}
}

func TestUnknownPagesAreChinese(t *testing.T) {
	p := newPortal(t)
	for _, path := range []string{"/stations/99999", "/stations/abc", "/stations/99999/poster", "/track/" + "ABCD-EFGH-JKMN" + "/photos/1"} {
		pg := p.get(path)
		if pg.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, pg.status)
		}
		mustContain(t, pg, `<html lang="zh-CN"`, "页面不存在")
	}
	mustContain(t, p.get("/stations/99999"), "联络站不存在")
}

// TestPortalPageWeight keeps the home and tracking pages light for phones on
// slow networks: page, stylesheet and htmx under 200 KB together.
func TestPortalPageWeight(t *testing.T) {
	p := newPortal(t)
	code := trackingCode(t, p.submit(p.validForm()))
	assets := len(p.get("/static/app.css").body) + len(p.get("/static/htmx.min.js").body)
	for _, path := range []string{"/", "/track/" + code, "/submit", "/results"} {
		pg := p.get(path)
		if total := len(pg.body) + assets; total > 200<<10 {
			t.Errorf("%s weighs %d bytes with its assets, want under 200 KB", path, total)
		}
		if !regexp.MustCompile(`<title>[^<]+ · 民意直通</title>`).MatchString(pg.body) {
			t.Errorf("%s has no meaningful title", path)
		}
	}
}

func TestSubmitTooManyOrTooLargePhotos(t *testing.T) {
	p := newPortal(t)
	small := gpsJPEG(t)
	four := p.submit(p.validForm(), photo{"1.jpg", small}, photo{"2.jpg", small}, photo{"3.jpg", small}, photo{"4.jpg", small})
	if four.status != http.StatusBadRequest {
		t.Fatalf("four photos: %d", four.status)
	}
	mustContain(t, four, "最多上传 3 张照片", "请重新选择照片")

	big := append(append([]byte{}, small...), make([]byte, 4<<20+512<<10)...) // 4.5 MB each, 18 MB together
	over := p.submit(p.validForm(), photo{"1.jpg", big}, photo{"2.jpg", big}, photo{"3.jpg", big}, photo{"4.jpg", big})
	if over.status != http.StatusBadRequest {
		t.Fatalf("18 MB request: %d", over.status)
	}
	// The text came before the photos, so it is all still there.
	mustContain(t, over, "合计超过 16 MB", "建设路下雨天积水严重，行人无法通行", `value="王小明"`, `name="privacy" value="1" required checked`)
}

func TestSubmitPNGAndWebPMetadataStripped(t *testing.T) {
	p := newPortal(t)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	withText := insertPNGChunks(pngBuf.Bytes(), pngChunk("tEXt", []byte("GPS\x0025.0N 115.0E")), pngChunk("eXIf", []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")))
	webp := webpWithExif()
	code := trackingCode(t, p.submit(p.validForm(), photo{"a.png", withText}, photo{"b.webp", webp}))
	track := p.get("/track/" + code)
	links := regexp.MustCompile(`href="(/track/`+code+`/photos/\d+)"`).FindAllStringSubmatch(track.body, -1)
	if len(links) != 2 {
		t.Fatalf("%d photos on the tracking page, want 2", len(links))
	}
	gotPNG, gotWebP := p.get(links[0][1]), p.get(links[1][1])
	if gotPNG.header.Get("Content-Type") != "image/png" || gotWebP.header.Get("Content-Type") != "image/webp" {
		t.Fatalf("types %q, %q", gotPNG.header.Get("Content-Type"), gotWebP.header.Get("Content-Type"))
	}
	if strings.Contains(gotPNG.body, "tEXt") || strings.Contains(gotPNG.body, "eXIf") || strings.Contains(gotPNG.body, "115.0E") {
		t.Error("PNG still carries its text or Exif chunk")
	}
	if _, err := png.Decode(strings.NewReader(gotPNG.body)); err != nil {
		t.Errorf("stripped PNG does not decode: %v", err)
	}
	w := []byte(gotWebP.body)
	if bytes.Contains(w, []byte("EXIF")) || w[20]&0x08 != 0 || int(binary.LittleEndian.Uint32(w[4:]))+8 != len(w) {
		t.Errorf("WebP still flags or carries Exif, or its RIFF size is wrong: % x", w)
	}
}

func pngChunk(kind string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, kind...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// insertPNGChunks puts chunks right after IHDR.
func insertPNGChunks(b []byte, chunks ...[]byte) []byte {
	at := 8 + 12 + int(binary.BigEndian.Uint32(b[8:]))
	out := append([]byte{}, b[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, b[at:]...)
}

// webpWithExif is an extended-format WebP (VP8X) carrying an EXIF chunk.
func webpWithExif() []byte {
	chunk := func(kind string, data []byte) []byte {
		b := append([]byte(kind), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	vp8x := chunk("VP8X", []byte{0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	vp8l := chunk("VP8L", []byte{0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07})
	exif := chunk("EXIF", []byte("MM\x00\x2a\x00\x00\x00\x08GPS"))
	body := append(append(append([]byte("WEBP"), vp8x...), vp8l...), exif...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestResultsShowACaseOnceWithItsLatestReply(t *testing.T) {
	p := newPortal(t)
	code := trackingCode(t, p.submit(p.validForm()))
	p.replied(code, zhitong.OutcomePlanned)
	v := testkit.Must(p.app.Track(ctx, code))(t)
	c := testkit.Must(p.app.Evaluate(ctx, code, app.EvaluateInput{Version: v.Version, Rating: zhitong.RatingUnsatisfied, Comment: "积水还在"}))(t)
	officer, lead := p.f.In[zhitong.RoleOfficer], p.f.In[zhitong.RoleUnit]
	c = testkit.Must(p.app.Rehandle(ctx, officer, c.ID, app.RehandleInput{Version: c.Version, Note: "请重新办理"}))(t)
	testkit.Must(p.app.Reply(ctx, lead, c.ID, app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "排水管道已全部疏通"}))(t)

	// The new reply is not public until staff confirm its text again.
	mustContain(t, p.get("/results"), "共 0 件")
	p.publish(c.ID)
	mustContain(t, p.get("/results"), "共 1 件<", "A类 已解决")
	mustContain(t, p.get("/results?outcome=A"), "共 1 件<")
	mustContain(t, p.get("/results?outcome=C"), "共 0 件")
}

// noisyJPEG is a phone-sized photo that compresses badly: about a megabyte.
func noisyJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	x := uint32(seed*7919 + 1)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTrackingPageWithPhotosStaysLight(t *testing.T) {
	p := newPortal(t)
	var photos []photo
	total := 0
	for i := range app.MaxPhotos {
		b := noisyJPEG(t, i)
		total += len(b)
		photos = append(photos, photo{"IMG_" + itoa(int64(i)) + ".jpg", b})
	}
	if total < 2<<20 {
		t.Fatalf("test photos weigh only %d bytes", total)
	}
	done := p.submit(p.validForm(), photos...)
	code := trackingCode(t, done)
	track := p.get("/track/" + code)
	weight := len(track.body)
	srcs := regexp.MustCompile(`<img src="(/track/`+code+`/photos/\d+\?size=thumb)"`).FindAllStringSubmatch(track.body, -1)
	if len(srcs) != app.MaxPhotos {
		t.Fatalf("%d thumbnails on the tracking page, want %d", len(srcs), app.MaxPhotos)
	}
	for _, m := range srcs {
		img := p.get(m[1])
		if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumbnail %s: %d %s", m[1], img.status, img.header.Get("Content-Type"))
		}
		weight += len(img.body)
	}
	// The page and its thumbnails, against photos of over 2 MB (the CSS is measured by the browser test).
	if weight > 150<<10 {
		t.Errorf("tracking page with %d photos weighs %d bytes", app.MaxPhotos, weight)
	}
}

// TestSubmitShowsEveryErrorAtOnce: short text, unticked privacy and a bad
// phone are all marked after one try; a landline is accepted.
func TestSubmitShowsEveryErrorAtOnce(t *testing.T) {
	p := newPortal(t)
	form := p.validForm()
	form.Set("body", "路坏")
	form.Set("phone", "123")
	form.Del("privacy")
	pg := p.submit(form)
	if pg.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", pg.status)
	}
	mustContain(t, pg, `id="body-error"`, `id="phone-error"`, `id="privacy-error"`, "0797-4281234")

	for _, phone := range []string{"0797-4281234", "07974281234", "(010)62345678"} {
		form = p.validForm()
		form.Set("phone", phone)
		pg = p.submit(form)
		trackingCode(t, pg)
	}
}
