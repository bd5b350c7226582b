package server_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/attachments"
)

func TestAttachmentSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	oaSameSet(t, "schema Attachment", d.properties(d.schema("Attachment")), jsonNames(reflect.TypeFor[attachments.Attachment]()))
	oaSameSet(t, "enum Attachment.kind", oaStrings(d.schema("Attachment")["properties"].(map[string]any)["kind"].(map[string]any)["enum"]),
		[]string{attachments.KindReplyLetter, attachments.KindReplyPhoto, attachments.KindIntakePhoto, attachments.KindIntakeScan})
}

// multipartBody is a form with the files under their fields and the values.
func multipartBody(t *testing.T, values map[string]string, files ...[3]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range values {
		w.WriteField(k, v)
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f[0], f[1])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, f[2])
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// fetch GETs path and returns the status, headers and body.
func (c *client) fetch(path string) (int, http.Header, []byte) {
	c.e.t.Helper()
	resp, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// TestAttachmentsAPI: the lead unit uploads a letter and a public photo as
// a multipart form, staff list and fetch them with the checked type and
// safe headers, JSON/base64 works too, bad files are refused on the field
// with nothing stored, and another county gets nothing.
func TestAttachmentsAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	c := e.prepare(zhitong.StatusInProgress)
	unit := e.login(f.In[zhitong.RoleUnit], "att-unit")
	officer := e.login(f.In[zhitong.RoleOfficer], "att-officer")
	outsider := e.login(f.Out[zhitong.RoleOfficer], "att-outsider")
	tmpl, path := "/api/v1/cases/{id}/attachments", "/api/v1/cases/"+itoa(c.ID)+"/attachments"
	letter := "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

	ct, body := multipartBody(t, map[string]string{"public_reply_photo": "1"},
		[3]string{"reply_letter", "答复函.pdf", letter}, [3]string{"reply_photo", "after.jpg", string(tinyJPEG(t))})
	var got attachmentsAnswer
	if code := unit.raw("POST", path, ct, body, &got); code != 201 || len(got.Attachments) != 2 {
		t.Fatalf("upload = %d %+v", code, got)
	}
	if a := got.Attachments; a[0].Kind != "reply_letter" || a[0].Public || a[1].Kind != "reply_photo" || !a[1].Public || a[1].ContentType != "image/jpeg" {
		t.Fatalf("stored %+v", a)
	}
	list := oaCheck(t, d, officer, "GET", tmpl, path, nil, 200)
	if n := len(list["attachments"].([]any)); n != 2 {
		t.Fatalf("list = %v", list)
	}
	oaCheck(t, d, outsider, "GET", tmpl, path, nil, 403)
	oaCheck(t, d, e.anonymous(), "GET", tmpl, path, nil, 401)

	file := path + "/" + itoa(got.Attachments[0].ID)
	code, h, raw := officer.fetch(file)
	if code != 200 || string(raw) != letter || h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''%E7%AD%94") {
		t.Fatalf("GET file = %d %v", code, h)
	}
	if code, _, _ := outsider.fetch(file); code != 403 {
		t.Fatalf("outsider fetched the letter: %d", code)
	}

	// JSON with base64 files, by staff at intake.
	scan := map[string]any{"files": []map[string]any{{"kind": "intake_scan", "name": "证明.pdf", "data": []byte(letter)}}}
	if got := oaCheck(t, d, officer, "POST", tmpl, path, scan, 201); len(got["attachments"].([]any)) != 1 {
		t.Fatalf("json upload = %v", got)
	}
	// A text file named .jpg, a PDF as a photo, a unit with intake kinds, files under another field.
	for _, bad := range []struct {
		c     *client
		body  any
		code  int
		field string
	}{
		{unit, map[string]any{"files": []map[string]any{{"kind": "reply_photo", "name": "x.jpg", "data": []byte("hello")}}}, 400, attachments.Field},
		{unit, map[string]any{"files": []map[string]any{{"kind": "reply_photo", "name": "x.pdf", "data": []byte(letter)}}}, 400, attachments.Field},
		{unit, scan, 403, ""},
		{outsider, scan, 403, ""},
		{unit, map[string]any{"files": "x"}, 400, attachments.Field},
	} {
		e := oaCheck(t, d, bad.c, "POST", tmpl, path, bad.body, bad.code)
		if got := e["error"].(map[string]any)["field"]; bad.field != "" && got != bad.field {
			t.Errorf("field = %v", got)
		}
	}
	ct, body = multipartBody(t, nil, [3]string{"photos", "a.jpg", string(tinyJPEG(t))})
	var fail apiError
	if code := unit.raw("POST", path, ct, body, &fail); code != 400 || fail.Error.Field != attachments.Field {
		t.Fatalf("wrong field = %d %+v", code, fail)
	}
	if list := oaCheck(t, d, officer, "GET", tmpl, path, nil, 200); len(list["attachments"].([]any)) != 3 {
		t.Fatalf("refused uploads stored something: %v", list)
	}
}

type attachmentsAnswer struct {
	Attachments []attachments.Attachment `json:"attachments"`
}
