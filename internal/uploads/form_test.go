package uploads_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/uploads"
)

// formRequest builds a multipart request: the fields first, then files
// given as field, name, content.
func formRequest(fields map[string]string, files ...[3]string) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f[0], f[1])
		w.Write([]byte(f[2]))
	}
	mw.Close()
	r := httptest.NewRequest("POST", "/x", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

func TestReadFormLimits(t *testing.T) {
	lim := uploads.Limits{Total: 4 << 10, File: 1 << 10, Files: 2, Field: "attachments"}
	text := map[string]string{"text": "已修复"}
	for _, c := range []struct {
		name  string
		r     *http.Request
		files int
		err   string
	}{
		{"two files and an empty input", formRequest(text, [3]string{"a", "1.jpg", "x"}, [3]string{"a", "", ""}, [3]string{"b", "2.pdf", "y"}), 2, ""},
		{"a file over its limit", formRequest(text, [3]string{"a", "big.jpg", strings.Repeat("x", 1<<10+1)}), 0, "big.jpg"},
		{"too many files", formRequest(text, [3]string{"a", "1", "x"}, [3]string{"a", "2", "x"}, [3]string{"a", "3", "x"}), 0, "最多上传 2 个"},
		{"the whole body over its limit", formRequest(map[string]string{"text": "已修复", "note": strings.Repeat("x", 2500)},
			[3]string{"a", "1", strings.Repeat("x", 1000)}, [3]string{"a", "2", strings.Repeat("x", 1000)}), 0, "合计超过"},
	} {
		t.Run(c.name, func(t *testing.T) {
			values, files, err := uploads.ReadForm(httptest.NewRecorder(), c.r, lim)
			if values.Get("text") != "已修复" {
				t.Errorf("the text fields were lost: %v", values)
			}
			if c.err == "" {
				if err != nil || len(files) != c.files {
					t.Fatalf("files %d, err %v", len(files), err)
				}
				return
			}
			if zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != "attachments" || !strings.Contains(zhitong.ErrorMessage(err), c.err) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
		})
	}
	r := httptest.NewRequest("POST", "/x", strings.NewReader("a=1"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, _, err := uploads.ReadForm(httptest.NewRecorder(), r, lim); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Fatalf("a form without files: %v", err)
	}
}
