package server_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// raw sends a body with a content type and decodes the JSON answer.
func (c *client) raw(method, path, contentType string, body []byte, out any) int {
	c.e.t.Helper()
	req, _ := http.NewRequest(method, c.e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

// pngWithText is a real PNG carrying a tEXt chunk, which must not survive.
func pngWithText(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	text := "GPS\x0025.0,115.0"
	chunk := []byte{0, 0, 0, byte(len(text)), 't', 'E', 'X', 't'}
	chunk = append(chunk, text...)
	chunk = append(chunk, 0, 0, 0, 0) // CRC is not checked by the stripper
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

func TestStationAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360729", Name: "全南县", ParentCode: "3607", Level: 3})
	}))(t)
	committee := e.login(f.In[zhitong.RoleCommittee], "committee")
	out := e.login(f.Out[zhitong.RoleOfficer], "out-officer")
	third := e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: "360729"}, "third-officer")
	citizen := e.anonymous()

	var bad apiError
	if code := committee.do("POST", "/api/v1/stations", map[string]any{"name": "边界站", "kind": "cross_border", "region": f.Town}, &bad); code != 400 ||
		bad.Error.Code != zhitong.EINVALID || bad.Error.Field != "regions" {
		t.Fatalf("one-region cross-border station: %d %+v", code, bad)
	}
	if code := citizen.do("POST", "/api/v1/stations", map[string]any{"name": "边界站"}, &bad); code != 401 || bad.Error.Code != zhitong.EUNAUTHORIZED {
		t.Fatalf("citizen creates a station: %d %+v", code, bad)
	}
	// A county committee may not name another county's region: a station
	// across two counties is the city committee's to create.
	if code := committee.do("POST", "/api/v1/stations", map[string]any{"name": "边界站", "kind": "cross_border", "region": f.Town, "regions": []string{f.OtherCounty}}, &bad); code != 400 ||
		bad.Error.Code != zhitong.EINVALID || bad.Error.Field != "regions" {
		t.Fatalf("county committee creates a station in another county: %d %+v", code, bad)
	}
	city := e.login(zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: "3607"}, "city-committee")
	var sp app.StationProfile
	if code := city.do("POST", "/api/v1/stations", map[string]any{"name": "边界站", "kind": "cross_border", "regions": []string{f.Town, f.OtherCounty},
		"lat": 24.9, "lng": 115.0, "rules": "第一条"}, &sp); code != 201 || len(sp.Regions) != 2 {
		t.Fatalf("create: %d %+v", code, sp)
	}
	path := "/api/v1/stations/" + itoa(sp.ID)

	// The other county's officer sees the staff view; the third county's gets the public one and may not write.
	var seen map[string]any
	if code := committee.do("PUT", path+"/deputies", map[string]any{"deputy_ids": []int64{f.Deputy, f.OtherDeputy}}, &bad); code != 400 || bad.Error.Field != "deputy_ids" {
		t.Fatalf("committee posts another county's deputy: %d %+v", code, bad)
	}
	if code := out.do("PUT", path+"/deputies", map[string]any{"deputy_ids": []int64{f.OtherDeputy}}, &sp); code != 200 || len(sp.Deputies) != 1 {
		t.Fatalf("other county's officer posts a deputy: %d %+v", code, sp)
	}
	if code := third.do("PATCH", path, map[string]any{"notice": "越权"}, &bad); code != 403 || bad.Error.Code != zhitong.EFORBIDDEN {
		t.Fatalf("third county's officer patches: %d %+v", code, bad)
	}
	if code := committee.do("PATCH", path, map[string]any{"kind": "tent"}, &bad); code != 400 || bad.Error.Field != "kind" {
		t.Fatalf("bad kind: %d %+v", code, bad)
	}
	if code := out.do("PATCH", path, map[string]any{"notice": "周六流动接待"}, &sp); code != 200 || sp.Notice != "周六流动接待" {
		t.Fatalf("officer patches the notice: %d %+v", code, sp)
	}
	if code := out.do("PATCH", path, map[string]any{"name": "改名"}, &bad); code != 403 {
		t.Fatalf("officer renames: %d %+v", code, bad)
	}

	// Staff: the committee posts an officer account.
	officer := testkit.Must(e.app.AddUser(ctx, app.System, app.UserInput{Username: "zhanzhang", Role: zhitong.RoleStationHead, RegionCode: f.Town, Password: "Test-Passw0rd"}))(t)
	if code := committee.do("PUT", path+"/staff", map[string]any{"user_ids": []int64{officer.ID}}, &sp); code != 200 || len(sp.Staff) != 1 || sp.Staff[0].UserID != officer.ID {
		t.Fatalf("staff: %d %+v", code, sp.Staff)
	}
	for who, c := range map[string]*client{"citizen": citizen, "third": third} {
		seen = nil
		if code := c.do("GET", path, nil, &seen); code != 200 || seen["staff"] != nil || seen["rules"] != "第一条" || len(seen["regions"].([]any)) != 2 {
			t.Errorf("%s GET station: %d %v", who, code, seen)
		}
	}
	if code := out.do("GET", path, nil, &sp); code != 200 || len(sp.Staff) != 1 {
		t.Errorf("covering officer GET station: %d staff %+v", code, sp.Staff)
	}
	// The list by region finds it under either region.
	var list struct{ Items []zhitong.Station }
	for region, want := range map[string]bool{f.OtherCounty: true, "360729": false} {
		citizen.do("GET", "/api/v1/stations?region="+region, nil, &list)
		found := false
		for _, s := range list.Items {
			found = found || s.ID == sp.ID
		}
		if found != want {
			t.Errorf("stations?region=%s has it = %v", region, found)
		}
	}
}

func TestDeputyAPIPhotoAndAccount(t *testing.T) {
	e := newEnv(t)
	f := e.f
	officer := e.login(f.In[zhitong.RoleOfficer], "officer")
	committee := e.login(f.In[zhitong.RoleCommittee], "committee")
	other := e.login(f.Out[zhitong.RoleOfficer], "other")
	citizen := e.anonymous()
	path := "/api/v1/deputies/" + itoa(f.Deputy)

	var bad apiError
	if code := officer.raw("PUT", path+"/photo", "image/jpeg", []byte("not an image at all"), &bad); code != 400 || bad.Error.Field != "photo" {
		t.Fatalf("fake image: %d %+v", code, bad)
	}
	if code := citizen.raw("PUT", path+"/photo", "image/png", pngWithText(t), &bad); code != 401 {
		t.Fatalf("citizen uploads: %d", code)
	}
	if code := other.raw("PUT", path+"/photo", "image/png", pngWithText(t), &bad); code != 403 {
		t.Fatalf("other county uploads: %d %+v", code, bad)
	}
	var dp app.DeputyProfile
	if code := officer.raw("PUT", path+"/photo", "image/png", pngWithText(t), &dp); code != 200 || dp.PhotoURL == "" {
		t.Fatalf("raw PNG: %d %+v", code, dp)
	}
	ph := testkit.Must(e.app.DeputyPhoto(ctx, f.Deputy))(t)
	if ph.ContentType != "image/png" || bytes.Contains(ph.Data, []byte("tEXt")) || bytes.Contains(ph.Data, []byte("GPS")) {
		t.Errorf("stored PNG keeps its text chunk")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("photo", "me.png")
	fw.Write(pngWithText(t))
	mw.Close()
	if code := officer.raw("PUT", path+"/photo", mw.FormDataContentType(), buf.Bytes(), &dp); code != 200 || dp.PhotoURL == "" {
		t.Fatalf("multipart: %d %+v", code, dp)
	}
	if code := officer.do("PUT", path+"/photo", map[string]any{"photo": pngWithText(t)}, &dp); code != 200 || dp.PhotoURL == "" {
		t.Fatalf("JSON base64: %d %+v", code, dp)
	}
	dp = app.DeputyProfile{}
	if code := officer.do("DELETE", path+"/photo", nil, &dp); code != 200 || dp.ID != f.Deputy || dp.PhotoURL != "" {
		t.Fatalf("delete: %d %+v", code, dp)
	}
	if code := officer.do("DELETE", path+"/photo", nil, &bad); code != 404 || bad.Error.Code != zhitong.ENOTFOUND {
		t.Fatalf("delete twice: %d %+v", code, bad)
	}

	// Profile and stations.
	if code := officer.do("PATCH", path, map[string]any{"levels": []string{"county", "village"}}, &bad); code != 400 || bad.Error.Field != "levels" {
		t.Fatalf("bad level: %d %+v", code, bad)
	}
	if code := officer.do("PATCH", path, map[string]any{"pledge": "每月进站", "constituency": "第一选区"}, &dp); code != 200 || dp.Pledge != "每月进站" {
		t.Fatalf("patch: %d %+v", code, dp)
	}
	var created app.DeputyProfile
	if code := committee.do("POST", "/api/v1/deputies", map[string]any{"name": "王代表", "levels": []string{"township"}, "region": f.Town,
		"station_ids": []int64{f.Station}}, &created); code != 201 || created.StationID != f.Station {
		t.Fatalf("create deputy: %d %+v", code, created)
	}

	// Account: officer may not, committee may; the public profile hides it.
	if code := officer.do("PUT", path+"/account", map[string]any{"username": "liu.db", "password": "Deputy-Passw0rd"}, &bad); code != 403 {
		t.Fatalf("officer links an account: %d", code)
	}
	if code := committee.do("PUT", path+"/account", map[string]any{"username": "liu.db", "password": "Deputy-Passw0rd"}, &dp); code != 200 || dp.Account == nil {
		t.Fatalf("committee links: %d %+v", code, dp)
	}
	var pub map[string]any
	if code := citizen.do("GET", path, nil, &pub); code != 200 || pub["account"] != nil || pub["pledge"] != "每月进站" {
		t.Errorf("public deputy: %d %v", code, pub)
	}
	deputy := e.anonymous()
	if code := deputy.do("POST", "/api/v1/session", map[string]string{"username": "liu.db", "password": "Deputy-Passw0rd"}, nil); code != 200 {
		t.Fatalf("deputy login: %d", code)
	}
	if code := deputy.do("PATCH", path, map[string]any{"pledge": "本人承诺"}, &dp); code != 200 || dp.Pledge != "本人承诺" {
		t.Errorf("deputy edits own pledge: %d %+v", code, dp)
	}
	if code := deputy.do("PATCH", path, map[string]any{"name": "别人"}, &bad); code != 403 {
		t.Errorf("deputy renames themself: %d", code)
	}
}
