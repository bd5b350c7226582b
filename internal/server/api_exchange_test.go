package server_test

import (
	"net/http"
	"testing"

	"zhitong"
	"zhitong/internal/testkit"
)

// TestExchangeCategoriesAPI: on a deployment set up without demo data, the
// system administrator sets a peer's category map row by row over the API:
// an unknown category of ours or a repeated code of theirs is a 400 naming
// the row's field, and nothing is saved; the rows come back with their
// names. The refusal log is listed over the API too.
func TestExchangeCategoriesAPI(t *testing.T) {
	e, _, _ := freshCounty(t)
	sys := e.login(zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360783"}, "x-sys")
	var cat string
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&cat))(t)
	peer := map[string]any{"kind": "12345", "base_url": "https://12345.example", "secret": "the-shared-secret-of-this-12345-test", "region": "360783", "enabled": true}
	if code := sys.do("PUT", "/api/v1/admin/exchange/peers/jx12345", peer, nil); code != http.StatusOK {
		t.Fatalf("save peer: %d", code)
	}
	const path = "/api/v1/admin/exchange/peers/jx12345/categories"
	for _, c := range []struct {
		rows  []map[string]string
		field string
	}{
		{[]map[string]string{{"theirs": "A01", "ours": cat}, {"theirs": "A02", "ours": "nosuch"}}, "categories[1].ours"},
		{[]map[string]string{{"theirs": "A01", "ours": cat}, {"theirs": "A01", "ours": cat}}, "categories[1].theirs"},
		{[]map[string]string{{"theirs": "", "ours": cat}}, "categories[0].theirs"},
	} {
		var e apiError
		if code := sys.do("PUT", path, map[string]any{"categories": c.rows}, &e); code != http.StatusBadRequest || e.Error.Code != zhitong.EINVALID || e.Error.Field != c.field {
			t.Errorf("%v: %d %+v, want 400 on %s", c.rows, code, e, c.field)
		}
	}
	var got struct {
		Categories []struct{ Theirs, Name, Ours string }
	}
	if code := sys.do("GET", "/api/v1/admin/exchange/peers", nil, nil); code != http.StatusOK {
		t.Fatalf("list: %d", code)
	}
	if code := sys.do("PUT", path, map[string]any{"categories": []map[string]string{{"theirs": "A01", "name": "城乡建设", "ours": cat}}}, &got); code != http.StatusOK {
		t.Fatalf("set: %d", code)
	}
	if len(got.Categories) != 1 || got.Categories[0].Name != "城乡建设" || got.Categories[0].Ours != cat {
		t.Fatalf("answer %+v", got)
	}
	// Saving the peer without categories keeps the map (as an empty
	// secret keeps the secret); an explicit [] clears it.
	peer["signing"] = "sm2"
	delete(peer, "secret")
	got.Categories = nil
	if code := sys.do("PUT", "/api/v1/admin/exchange/peers/jx12345", peer, &got); code != http.StatusOK || len(got.Categories) != 1 || got.Categories[0].Theirs != "A01" {
		t.Fatalf("save without categories: %d %+v", code, got)
	}
	peer["categories"] = []any{}
	if code := sys.do("PUT", "/api/v1/admin/exchange/peers/jx12345", peer, &got); code != http.StatusOK || len(got.Categories) != 0 {
		t.Fatalf("save with categories []: %d %+v", code, got)
	}
	var list struct{ Items []map[string]any }
	if code := sys.do("GET", "/api/v1/admin/exchange/refusals", nil, &list); code != http.StatusOK || list.Items == nil {
		t.Fatalf("refusals: %d %+v", code, list)
	}
}
