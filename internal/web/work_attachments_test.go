package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/testkit"
)

// uploadForm posts a multipart form (the fields first, then the files, as a
// browser sends the reply form) to path.
func (s *staffer) uploadForm(path string, form url.Values, files ...[3]string) benchPage {
	s.b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f[0], f[1])
		if err != nil {
			s.b.t.Fatal(err)
		}
		w.Write([]byte(f[2]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.b.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.do(req)
}

// The lead unit replies with its letter and a photo after repair through
// the case page's form: a bad file re-renders the form in Chinese with the
// typed text and stores nothing; a good one stores the reply and both
// files; staff see both, the citizen only the photo marked public.
func TestReplyFormAttachments(t *testing.T) {
	b := newBench(t)
	id := b.submitOnline("建设路路灯不亮，晚上看不见路")
	testkit.Must(b.app.Register(b.t.Context(), b.f.In[zhitong.RoleOfficer], id, app.RegisterInput{CategoryCode: "roads", StationID: b.f.Station}))(t)
	b.assign(id, 0)
	b.accept(id)
	unit := b.login(b.f.In[zhitong.RoleUnit], "att-unit")
	pg := unit.get(caseURL(id))
	benchHas(t, pg, `enctype="multipart/form-data"`, `name="reply_letter"`, `name="reply_photo"`, `capture="environment"`, `name="public_reply_photo" value="1" checked`)

	path := caseURL(id) + "/reply"
	form := url.Values{"version": {strconv.Itoa(b.view(id).Version)}, "outcome": {"A"}, "text": {"已更换全部路灯灯泡，恢复照明。"}, "public_reply_photo": {"1"}}
	pg = unit.uploadForm(path, form, [3]string{"reply_photo", "修好了.jpg", "这不是图片"})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "文件“修好了.jpg”不是", "已更换全部路灯灯泡，恢复照明。", "请重新选择")
	if v := b.view(id); v.Status != zhitong.StatusInProgress {
		t.Fatalf("a refused reply changed the case: %s", v.Status)
	}

	letter := "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
	pg = unit.uploadForm(path, form, [3]string{"reply_letter", "答复函.pdf", letter}, [3]string{"reply_photo", "修好了.jpg", string(gpsJPEG(t))},
		[3]string{"reply_photo", "", ""}) // an empty second input
	wantStatus(t, pg, http.StatusOK)
	if v := b.view(id); v.Status != zhitong.StatusReplied {
		t.Fatalf("status after reply = %s", v.Status)
	}
	list := testkit.Must(attachments.New(b.app).List(b.t.Context(), b.f.In[zhitong.RoleOfficer], id))(t)
	if len(list) != 2 || list[0].Public || !list[1].Public {
		t.Fatalf("attachments = %+v", list)
	}
	benchHas(t, pg, "答复函.pdf", "整改后照片")

	officer := b.login(b.f.In[zhitong.RoleOfficer], "att-officer")
	file := officer.get(caseURL(id) + "/attachments/" + strconv.FormatInt(list[1].ID, 10))
	if file.status != 200 || file.header.Get("Content-Type") != "image/jpeg" || file.header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(file.header.Get("Content-Disposition"), "inline;") || hasExif([]byte(file.raw)) {
		t.Fatalf("photo served %d %v", file.status, file.header)
	}
	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "att-outsider")
	if pg := outsider.get(caseURL(id) + "/attachments/" + strconv.FormatInt(list[0].ID, 10)); pg.status < 400 {
		t.Fatalf("another county fetched the letter: %d", pg.status)
	}

	// The citizen, by the tracking code: the public photo, not the letter.
	code := b.view(id).Code
	jar, _ := cookiejar.New(nil)
	citizen := &staffer{b: b, http: &http.Client{Jar: jar}}
	track := citizen.get("/track/" + code)
	photoURL := "/track/" + code + "/attachments/" + strconv.FormatInt(list[1].ID, 10)
	letterURL := "/track/" + code + "/attachments/" + strconv.FormatInt(list[0].ID, 10)
	benchHas(t, track, "办理情况照片和材料", photoURL)
	benchLacks(t, track, letterURL)
	if pg := citizen.get(photoURL); pg.status != 200 || pg.header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("citizen photo = %d", pg.status)
	}
	if pg := citizen.get(letterURL); pg.status != http.StatusNotFound {
		t.Fatalf("citizen letter = %d", pg.status)
	}
}

// Staff take a walk-in in with a photo and the visitor's scanned paper: a
// bad file shows the form again with everything typed, and no case; good
// files are stored with the case.
func TestIntakeFormAttachments(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "att-intake")
	benchHas(t, officer.get("/work/intake"), `enctype="multipart/form-data"`, `name="intake_photo"`, `name="intake_scan"`, `capture="environment"`)
	form := url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "category": {"roads"},
		"body": {"村口石桥栏杆断了，带来村委会的证明"}, "name": {"李大爷"}, "phone": {"13979705678"}, "public_intake_photo": {"1"}}
	pg := officer.uploadForm("/work/intake", form, [3]string{"intake_scan", "证明.pdf", "%PDF-1.4 cut off"})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "证明.pdf", "不完整", "村口石桥栏杆断了，带来村委会的证明", "李大爷", `id="err-attachments"`)
	var n int
	if err := b.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d cases after a refused intake (%v)", n, err)
	}
	pg = officer.uploadForm("/work/intake", form, [3]string{"intake_scan", "证明.pdf", "%PDF-1.4\n%%EOF\n"}, [3]string{"intake_photo", "桥.jpg", string(gpsJPEG(t))})
	wantStatus(t, pg, http.StatusOK)
	var id int64
	if err := b.app.DB().QueryRow(t.Context(), `SELECT id FROM cases`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	list := testkit.Must(attachments.New(b.app).List(t.Context(), b.f.In[zhitong.RoleOfficer], id))(t)
	if len(list) != 2 || list[0].Kind != attachments.KindIntakeScan || list[0].Public || list[1].Kind != attachments.KindIntakePhoto || !list[1].Public {
		t.Fatalf("attachments = %+v", list)
	}
}

// The case page's 添加附件 form: the lead unit adds its signed letter after
// the reply; a bad file shows the form again with the field marked and the
// box kept, writing nothing; once the case is closed the form is gone and
// a post is refused in Chinese, writing nothing.
func TestAddAttachmentsLater(t *testing.T) {
	b := newBench(t)
	id := b.submitOnline("建设路路灯不亮，晚上看不见路")
	testkit.Must(b.app.Register(b.t.Context(), b.f.In[zhitong.RoleOfficer], id, app.RegisterInput{CategoryCode: "roads", StationID: b.f.Station}))(t)
	b.assign(id, 0)
	b.accept(id)
	unit := b.login(b.f.In[zhitong.RoleUnit], "later-unit")
	wantStatus(t, unit.uploadForm(caseURL(id)+"/reply", url.Values{"version": {strconv.Itoa(b.view(id).Version)}, "outcome": {"A"}, "text": {"已更换路灯。"}}), http.StatusOK)
	pg := unit.get(caseURL(id))
	benchHas(t, pg, "添加附件", `action="/work/cases/`+strconv.FormatInt(id, 10)+`/attachments"`, `name="reply_letter"`, `name="reply_photo"`)
	benchLacks(t, pg, `name="intake_scan"`)
	count := func() int {
		var n int
		testkit.Must(0, b.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM attachments WHERE case_id = ?`, id).Scan(&n))(t)
		return n
	}
	path := caseURL(id) + "/attachments"
	bad := unit.uploadForm(path, url.Values{"public_reply_letter": {"1"}}, [3]string{"reply_letter", "答复函.pdf", "%PDF-1.4 cut off"})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "答复函.pdf", "请重新选择文件", `aria-invalid="true" aria-describedby="err-add-attachments"`, `name="public_reply_letter" value="1" checked`)
	if n := count(); n != 0 {
		t.Fatalf("a refused file was stored (%d)", n)
	}
	ok := unit.uploadForm(path, url.Values{}, [3]string{"reply_letter", "盖章答复函.pdf", "%PDF-1.4\n%%EOF\n"})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已添加 1 个附件", "盖章答复函.pdf")
	if n := count(); n != 1 {
		t.Fatalf("files after adding one = %d", n)
	}
	// Another county's officer: refused before anything is read.
	out := b.login(b.f.Out[zhitong.RoleOfficer], "later-outsider")
	if pg := out.uploadForm(path, url.Values{}, [3]string{"intake_scan", "x.pdf", "%PDF-1.4\n%%EOF\n"}); pg.status < 400 {
		t.Errorf("another county added a file: %d", pg.status)
	}
	// Closed: no form, and a post is refused.
	v := b.view(id)
	testkit.Must(b.app.Close(t.Context(), b.f.In[zhitong.RoleOfficer], id, app.TextInput{Version: v.Version, Text: "多次回访未联系上"}))(t)
	benchLacks(t, unit.get(caseURL(id)), "添加附件")
	late := unit.uploadForm(path, url.Values{}, [3]string{"reply_letter", "再补.pdf", "%PDF-1.4\n%%EOF\n"})
	wantStatus(t, late, http.StatusConflict)
	benchHas(t, late, "该件已办结，不能再添加附件")
	if n := count(); n != 1 {
		t.Errorf("files after the refusal on a closed case = %d", n)
	}
}
