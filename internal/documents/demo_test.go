package documents_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/demo"
	"zhitong/internal/documents"
	"zhitong/internal/documents/layout"
	"zhitong/internal/hooks"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestDemoDocumentsKeepEveryGlyph loads the demo with documents issued as
// the server issues them, and checks every document it produces: each is
// genuine, and no character of it lacks a glyph in the fonts the layout
// embeds (layout.Missing); each renders as a sealed PDF that verifies (run
// with the real fonts: CI sets ZHITONG_FONTS=required).
func TestDemoDocumentsKeepEveryGlyph(t *testing.T) {
	a, _ := testkit.MustApp(t)
	svc := documents.New(a)
	hooks.Install(a, "")
	if _, err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
	rows, err := a.DB().Query(ctx, `SELECT code FROM documents ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	kinds := map[string]int{}
	for _, code := range codes {
		v := testkit.Must(svc.Verify(ctx, code))(t)
		if !v.Genuine {
			t.Errorf("%s: %s", v.Number, v.Problem)
		}
		ds := testkit.Must(svc.VerifyNumber(ctx, v.Number))(t)
		if len(ds) != 1 {
			t.Errorf("number %s is on %d documents", v.Number, len(ds))
		}
		kinds[v.Kind]++
	}
	if kinds["交办函"] == 0 || kinds["督办函"] == 0 {
		t.Fatalf("the demo produced %v documents", kinds)
	}
	list := testkit.Must(svc.List(ctx, demoCommittee(t, a), documents.Query{}))(t)
	if len(list) != len(codes) {
		t.Errorf("the demo committee lists %d of %d documents", len(list), len(codes))
	}
	for _, d := range list {
		doc := testkit.Must(d.Doc())(t)
		if m := layout.Missing(doc); len(m) > 0 {
			t.Errorf("%s %s: no glyph for %q", d.Number, d.Title, string(m))
		}
		// The PDF it downloads as sets every glyph, and its seal holds.
		pdf, _, err := svc.PDF(ctx, demoCommittee(t, a), d.ID)
		if err != nil {
			t.Errorf("%s %s: PDF: %v", d.Number, d.Title, err)
			continue
		}
		if v, err := svc.VerifyFile(ctx, pdf); err != nil || !v.Genuine || v.Number != d.Number {
			t.Errorf("%s: the PDF does not verify: %+v %v", d.Number, v, err)
		}
	}
	t.Logf("demo documents: %v", kinds)
}

// demoCommittee is the demo county's committee account (gongwei).
func demoCommittee(t *testing.T, a *app.App) zhitong.Principal {
	t.Helper()
	return testkit.Must(store.GetUserByName(ctx, a.DB(), "gongwei"))(t).Principal()
}
