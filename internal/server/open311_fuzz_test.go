package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// FuzzOpen311Post throws arbitrary bodies and content types at the Open311
// POST parser, then at the whole server. The parser must never panic and
// never accept a blank description; whatever it accepts is a well-formed
// open311 intake. The server must answer 200 with a tracking code whose
// case has a description, or a 4xx in the specification's error format —
// never a 5xx, and never a 200 for a form the parser refused. Run it with:
//
//	go test ./internal/server -run '^$' -fuzz FuzzOpen311Post -fuzztime 60s
func FuzzOpen311Post(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	for _, seed := range []struct{ body, ct string }{
		{"service_code=roads&description=" + url.QueryEscape("历市镇胜利路路灯坏了一个月") + "&lat=24.78&long=115.03", form},
		{"service_code=roads&description=", form},
		{"service_code=roads&description=%20%E3%80%80%E2%80%8B%09", form},
		{"service_code=roads&description=" + url.QueryEscape(strings.Repeat("路", 4001)), form},
		{"service_code=roads&description=abcdefg&first_name=%E4%B8%89&last_name=%E5%BC%A0&phone=13800138000", form},
		{"service_code=roads&description=abcdefg&address_string=%E8%83%9C%E5%88%A9%E8%B7%AF", form},
		{"service_code=roads&description=abcdefg&address_id=HZ-12", form},
		{"service_code=roads&description=abcdefg&address_string=%20&address_id=", form},
		{"service_code=roads&description=abcdefg&lat=NaN&long=1", form},
		{"service_code=roads&description=abcdefg&lat=1e400&long=1", form},
		{"service_code=roads&description=abcdefg&jurisdiction_id=360728100", form},
		{"service_code=roads&description=abcdefg&jurisdiction_id=360727", form},
		{"service_code=nope&description=abcdefg", form},
		{"service_code=roads&description=hello%00world", form},
		{"service_code=roads&description=%FF%FEhello", form},
		{"%zz", form},
		{"service_code=roads&description=hello+world&description=", form + "; charset=gbk"},
		{`{"service_code":"roads","description":"hello world"}`, "application/json"},
		{"service_code=roads&description=abcdef&api_key=zt_bad", form},
		{"service_code=roads&description=abcdef", ""},
	} {
		f.Add(seed.body, seed.ct)
	}

	ctx := context.Background()
	a, _ := testkit.MustApp(f)
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, r := range []zhitong.Region{{Code: "36", Name: "江西省", Level: 1}, {Code: "3607", Name: "赣州市", ParentCode: "36", Level: 2},
			{Code: "360728", Name: "定南县", ParentCode: "3607", Level: 3}, {Code: "360728100", Name: "历市镇", ParentCode: "360728", Level: 4}} {
			if err := tx.UpsertRegion(ctx, r); err != nil {
				return err
			}
		}
		return tx.UpsertCategory(ctx, zhitong.Category{Code: "roads", Name: "道路交通", DueDays: 15})
	})
	if err != nil {
		f.Fatal(err)
	}
	key, _, err := a.AddToken(ctx, app.System, "fuzz", zhitong.RoleIntegration, "360728")
	if err != nil {
		f.Fatal(err)
	}
	srv := New(Config{App: a, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

	f.Fuzz(func(t *testing.T, body, ct string) {
		req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		sub, perr := parseOpen311Post(httptest.NewRecorder(), req)
		if perr == nil {
			in := sub.In
			switch {
			case !visible(in.Body):
				t.Fatalf("accepted a blank description %q from %q", in.Body, body)
			case in.Body != strings.TrimSpace(in.Body) || utf8.RuneCountInString(in.Body) > open311MaxDescription:
				t.Fatalf("description %q not trimmed or too long", in.Body)
			case in.CategoryCode == "" || in.Channel != zhitong.ChannelOpen311:
				t.Fatalf("intake %+v", in)
			case in.Place == "" && !strings.Contains(body, "lat="):
				t.Fatalf("accepted a request without a location: %q", body)
			case in.Anonymous != (in.Name == "" && in.Phone == ""):
				t.Fatalf("anonymous %v with name %q phone %q", in.Anonymous, in.Name, in.Phone)
			case in.Lat < -90 || in.Lat > 90 || in.Lng < -180 || in.Lng > 180 || in.Lat != in.Lat || in.Lng != in.Lng:
				t.Fatalf("coordinates %v %v", in.Lat, in.Lng)
			}
			for _, s := range []string{in.Body, in.CategoryCode, in.Place, in.Name, in.Phone, sub.APIKey, sub.Jurisdiction} {
				if !cleanValue(s) {
					t.Fatalf("accepted %q", s)
				}
			}
		} else if zhitong.ErrorCode(perr) != zhitong.EINVALID {
			t.Fatalf("parser error %v is not EINVALID", perr)
		}

		req = httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusOK:
			if perr != nil {
				t.Fatalf("server accepted what the parser refused (%v): %q", perr, body)
			}
			var out []struct {
				ID string `json:"service_request_id"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out) != 1 {
				t.Fatalf("answer %s", rec.Body)
			}
			v, err := a.Track(ctx, out[0].ID)
			if err != nil {
				t.Fatalf("track %s: %v", out[0].ID, err)
			}
			if !visible(v.Body) || v.Body != sub.In.Body {
				t.Fatalf("stored description %q, parsed %q", v.Body, sub.In.Body)
			}
		case rec.Code >= 400 && rec.Code < 500:
			var errs []open311Error
			if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs) != 1 || errs[0].Code != rec.Code || errs[0].Description == "" {
				t.Fatalf("error answer %d %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for %q (%q): %s", rec.Code, body, ct, rec.Body)
		}
	})
}
