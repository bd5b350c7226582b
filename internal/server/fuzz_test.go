package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// FuzzSubmission throws arbitrary bodies at the citizen intake endpoint. The
// server must answer 201 or a 4xx with the error shape, never 5xx, and a 201
// must be a case that can be tracked. Run it with:
//
//	go test ./internal/server -run '^$' -fuzz FuzzSubmission -fuzztime 60s
func FuzzSubmission(f *testing.F) {
	for _, seed := range []string{
		`{"body":"小区门口路面破损，雨天积水","region":"360728100"}`,
		`{"body":"路灯不亮","region":"360728100","name":"张三","phone":"13907971234","id_card":"360728199001011236"}`,
		`{"body":"匿名反映","region":"360728100","anonymous":true,"phone":"1"}`,
		`{"body":123}`, `{"unknown":1}`, `[]`, `null`, ``, `{"body":"a"}{"body":"b"}`,
		`{"body":"\u0000\u0000\u0000\u0000\u0000","region":"360728100"}`,
		`{"body":"经纬度","region":"360728100","lat":1e308,"lng":-1e308}`,
	} {
		f.Add([]byte(seed))
	}
	a, _ := testkit.MustApp(f)
	testkit.Seed(f, a)
	h := server.New(server.Config{App: a})
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/submissions", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusCreated:
			var out struct{ Code string }
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Code == "" {
				t.Fatalf("201 without a tracking code: %s", rec.Body)
			}
			tr := httptest.NewRecorder()
			h.ServeHTTP(tr, httptest.NewRequest("GET", "/api/v1/track/"+out.Code, nil))
			if tr.Code != http.StatusOK {
				t.Fatalf("acknowledged case %s not trackable: %d", out.Code, tr.Code)
			}
		case rec.Code >= 400 && rec.Code < 500:
			var e apiError
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%d without the error shape: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
