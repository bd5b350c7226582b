package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// stationIDFrom reads the station id from a /work/stations/{id} address.
func stationIDFrom(t *testing.T, u string) string {
	t.Helper()
	m := regexp.MustCompile(`/work/stations/(\d+)`).FindStringSubmatch(u)
	if m == nil {
		t.Fatalf("not a station page: %s", u)
	}
	return m[1]
}

func TestWorkStationsCrossBorderPagesAndErrors(t *testing.T) {
	b := newBench(t)
	f := b.f
	testkit.Must(0, b.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360729", Name: "全南县", ParentCode: "3607", Level: 3})
	}))(t)
	committee := b.login(f.In[zhitong.RoleCommittee], "committee")

	// A cross-border station with one region comes back with the error next
	// to the regions and the typed name kept.
	form := url.Values{"name": {"两县边界联络站"}, "kind": {"cross_border"}, "region": {f.Town}, "address": {"边界路 1 号"}, "hours": {"每周二上午"}}
	pg := committee.post("/work/stations/new", form)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="regions-error"`, "跨区域联络站至少要属于两个行政区划", `value="两县边界联络站"`, `value="每周二上午"`)
	form.Set("lat", "91x")
	pg = committee.post("/work/stations/new", form)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="lat-error"`, "纬度应为数字")

	form.Set("lat", "24.9")
	form.Set("lng", "115.0")
	form["regions"] = []string{f.OtherCounty}
	pg = committee.post("/work/stations/new", form)
	wantStatus(t, pg, http.StatusBadRequest) // the other county is outside the county committee
	benchHas(t, pg, `id="regions-error"`, "不在您的管辖范围内")
	city := b.login(zhitong.Principal{Name: "赣州市代表工委", Role: zhitong.RoleCommittee, RegionCode: "3607"}, "city-committee")
	pg = city.post("/work/stations/new", form)
	wantStatus(t, pg, http.StatusOK)
	id := stationIDFrom(t, pg.url)
	benchHas(t, pg, "已新建联络站", "跨区域联络站", "历市镇、龙南市", "/work/stations/"+id+"/reception", "/work/roster?station="+id)

	// Both regions' officers list it and open it; a third county's does not.
	out := b.login(f.Out[zhitong.RoleOfficer], "out-officer")
	benchHas(t, out.get("/work/stations"), "两县边界联络站", "龙南联络站")
	wantStatus(t, out.get("/work/stations/"+id), http.StatusOK)
	third := b.login(zhitong.Principal{Name: "全南干事", Role: zhitong.RoleOfficer, RegionCode: "360729"}, "third-officer")
	benchLacks(t, third.get("/work/stations"), "两县边界联络站")
	wantStatus(t, third.get("/work/stations/"+id), http.StatusForbidden)
	wantStatus(t, third.post("/work/stations/"+id+"/bulletin", url.Values{"notice": {"越权"}}), http.StatusForbidden)

	// The officer edits the bulletin; a notice too long keeps the input.
	long := strings.Repeat("告", 501)
	pg = out.post("/work/stations/"+id+"/bulletin", url.Values{"rules": {"第一条：接待群众热情周到\n第二条：当日登记"}, "notice": {long}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="notice-error"`, "公告不能超过 500 个字", "第一条：接待群众热情周到")
	pg = out.post("/work/stations/"+id+"/bulletin", url.Values{"rules": {"第一条：接待群众热情周到\n第二条：当日登记"}, "notice": {"本周六在龙南市集流动接待"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存公示栏内容")
	// Officers may not change basics; the station head of another station may not either.
	wantStatus(t, out.post("/work/stations/"+id+"/basics", url.Values{"name": {"改名"}}), http.StatusForbidden)

	// Deputies of both counties are posted; the fixture deputy keeps their own station too.
	pg = committee.post("/work/stations/"+id+"/deputies", url.Values{"deputy_id": {itoa(f.Deputy), itoa(f.OtherDeputy)}})
	wantStatus(t, pg, http.StatusBadRequest) // the other county's deputy is outside the county committee
	benchHas(t, pg, `id="deputy_ids-error"`, "所选代表不在您的管辖范围内")
	pg = committee.post("/work/stations/"+id+"/deputies", url.Values{"deputy_id": {itoa(f.Deputy)}})
	wantStatus(t, pg, http.StatusOK)
	pg = out.post("/work/stations/"+id+"/deputies", url.Values{"deputy_id": {itoa(f.Deputy), itoa(f.OtherDeputy)}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存进站代表")

	// The public board: both regions, both deputies, the station's own rules and notice.
	portal := b.login(f.In[zhitong.RoleAnalyst], "analyst") // any browser will do
	pg = portal.get("/stations/" + id)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "同属：历市镇、龙南市", "刘代表", "陈代表", "第二条：当日登记", "公告：", "本周六在龙南市集流动接待",
		"/deputies/"+itoa(f.Deputy)+"/scorecard")
	benchLacks(t, pg, "群众可凭查询码随时查看办理进度")
	pg = portal.get("/stations/" + itoa(f.Station))
	benchHas(t, pg, "刘代表", "群众可凭查询码随时查看办理进度")
	// The home page lists it under both regions, marked.
	if n := strings.Count(portal.get("/").body, "两县边界联络站"); n != 2 {
		t.Errorf("home page lists the cross-border station %d times, want 2", n)
	}
}

func (s *staffer) upload(path, field, name string, data []byte) benchPage {
	s.b.t.Helper()
	return s.uploadForm(path, nil, [3]string{field, name, string(data)})
}

func TestWorkDeputyPhotoAndProfile(t *testing.T) {
	b := newBench(t)
	f := b.f
	officer := b.login(f.In[zhitong.RoleOfficer], "officer")
	dep := "/work/deputies/" + itoa(f.Deputy)
	benchHas(t, officer.get("/work/deputies"), "刘代表", "历市镇人大代表联络站", dep+"/report")

	pg := officer.upload(dep+"/photo", "photo", "photo.jpg", []byte("GIF89a not really a photo"))
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="photo-error"`, "不是 JPEG、PNG 或 WebP 格式的图片")

	raw := gpsJPEG(t)
	if !hasExif(raw) {
		t.Fatal("test photo lacks Exif")
	}
	pg = officer.upload(dep+"/photo", "photo", "photo.jpg", raw)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已更新照片", "/deputies/"+itoa(f.Deputy)+"/photo?v=")

	anon := &staffer{b: b, http: &http.Client{}}
	photo := anon.get("/deputies/" + itoa(f.Deputy) + "/photo")
	wantStatus(t, photo, http.StatusOK)
	if ct := photo.header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("content type %q", ct)
	}
	if hasExif([]byte(photo.raw)) || strings.Contains(photo.raw, "Exif") {
		t.Error("served photo keeps its Exif")
	}
	etag := photo.header.Get("ETag")
	if etag == "" || !strings.Contains(photo.header.Get("Cache-Control"), "max-age") {
		t.Errorf("caching headers: ETag %q Cache-Control %q", etag, photo.header.Get("Cache-Control"))
	}
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/deputies/"+itoa(f.Deputy)+"/photo", nil)
	req.Header.Set("If-None-Match", etag)
	wantStatus(t, anon.do(req), http.StatusNotModified)
	benchHas(t, anon.get("/stations/"+itoa(f.Station)), `src="/deputies/`+itoa(f.Deputy)+`/photo?v=`)

	// A bad profile keeps the input, with the error next to the field.
	pg = officer.post(dep+"/profile", url.Values{"name": {"刘代表"}, "region": {f.Town}, "constituency": {"历市镇第一选区"}, "pledge": {"每月进站一次"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="levels-error"`, "请至少选择一个代表层级", "历市镇第一选区", "每月进站一次")
	pg = officer.post(dep+"/profile", url.Values{"name": {"刘代表"}, "levels": {"county", "township"}, "region": {f.Town}, "constituency": {"历市镇第一选区"}, "pledge": {"每月进站一次"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存代表档案", "县、乡镇人大代表")

	// Another county's officer may not see or change the deputy.
	out := b.login(f.Out[zhitong.RoleOfficer], "out-officer")
	wantStatus(t, out.get(dep), http.StatusForbidden)
	wantStatus(t, out.upload(dep+"/photo", "photo", "p.jpg", raw), http.StatusForbidden)

	// The committee links a login account; a short username comes back with the error.
	committee := b.login(f.In[zhitong.RoleCommittee], "committee")
	pg = committee.post(dep+"/account", url.Values{"username": {"li"}, "password": {"Deputy-Passw0rd"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="username-error"`, `value="li"`)
	pg = committee.post(dep+"/account", url.Values{"username": {"liu.daibiao"}, "password": {"Deputy-Passw0rd"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已关联登录账号", "已关联账号：<strong>liu.daibiao</strong>")
	wantStatus(t, officer.post(dep+"/account", url.Values{"username": {"liu3"}, "password": {"Deputy-Passw0rd"}}), http.StatusForbidden)
}
