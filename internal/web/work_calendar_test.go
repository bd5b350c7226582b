package web_test

import (
	"html"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

const schedule2028 = `# 2028 年安排（测试用，虚构）
2028-01-01 休 元旦
2028-01-03 休 元旦
2028-01-24 至 2028-01-31 休 春节
2028-02-05 班 春节调休
`

var hiddenSchedule = regexp.MustCompile(`name="schedule" value="([^"]*)"`)

// TestCalendarPagePreviewThenSave: a deadline that runs into 2028 is
// provisional and says so on the citizen's tracking page; the system
// administrator uploads 2028's schedule, previews it (nothing saved yet),
// saves it, and the citizen's page shows the new date and why it moved.
func TestCalendarPagePreviewThenSave(t *testing.T) {
	b := newBench(t)
	ctx := b.t.Context()
	b.clock.Set(time.Date(2027, 12, 28, 9, 0, 0, 0, zhitong.China))
	id := b.intake("年底反映：村道路面破损", 0)
	testkit.Must(b.app.Assign(ctx, b.f.In[zhitong.RoleOfficer], id, app.AssignInput{LeadUnit: b.f.Lead, Days: 5}))(t)
	code := b.view(id).Code
	citizen := b.citizen()
	benchHas(t, citizen.get("/track/"+code), "2028-01-04", "（暂定，待国务院公布 2028 年节假日安排后确定）")

	officer := b.login(b.f.In[zhitong.RoleOfficer], "officer")
	benchHas(t, officer.get(caseURL(id)+"/receipt"), `办理期限至 2028-01-04（<span class="provisional">暂定，待国务院公布 2028 年节假日安排后确定</span>）`)
	wantStatus(t, officer.get("/work/calendar"), http.StatusForbidden)
	wantStatus(t, officer.post("/work/calendar/preview", url.Values{"schedule": {schedule2028}}), http.StatusForbidden)

	admin := b.login(b.f.In[zhitong.RoleSysAdmin], "sysadmin")
	benchHas(t, admin.get("/work"), `href="/work/calendar"`)
	pg := admin.get("/work/calendar")
	benchHas(t, pg, "导入一年的安排", `<td data-label="年份">2027</td>`, "系统内置")
	benchLacks(t, pg, "预览：")

	// A mistake is named by its line, and nothing is saved.
	pg = admin.post("/work/calendar/preview", url.Values{"schedule": {"2028-01-01 休 元旦\n2028-02-07 班 春节调休"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "第2行：2028-02-07是星期一", "2028-02-07 班 春节调休")

	pg = admin.upload("/work/calendar/preview", "file", "2028.txt", []byte(schedule2028))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "预览：2028 年节假日安排（尚未保存）", "共 11 天放假或调休上班",
		`<td data-label="月份">1 月</td><td data-label="工作日"><strong>14</strong></td><td data-label="现在">17</td><td data-label="工作日放假">7</td>`,
		`<td data-label="日期">2028-01-24 至 2028-01-31</td><td data-label="安排">放假</td><td data-label="名称">春节</td><td data-label="天数">8</td>`,
		"调休上班", "其中 1 件在办案件的期限会变动")
	if ys := testkit.Must(store.ListCalendarYears(ctx, b.app.DB()))(t); ys[0].Year != 2027 {
		t.Fatalf("the preview saved %d", ys[0].Year)
	}
	if v := b.view(id); v.DueDate != "2028-01-04" {
		t.Fatalf("the preview moved the deadline to %s", v.DueDate)
	}
	m := hiddenSchedule.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatal("no schedule to save in the preview")
	}
	pg = admin.post("/work/calendar", url.Values{"schedule": {html.UnescapeString(m[1])}})
	wantStatus(t, pg, http.StatusOK)
	if !strings.HasSuffix(pg.url, "/work/calendar") {
		t.Fatalf("saved, then at %s", pg.url)
	}
	benchHas(t, pg, "已保存 2028 年节假日安排，重新计算了 1 件暂定的办理期限", `<td data-label="年份">2028</td>`, "系统管理员导入")

	v := b.view(id)
	if v.DueDate != "2028-01-05" || v.DueProvisional {
		t.Fatalf("after saving: due %s provisional %v", v.DueDate, v.DueProvisional)
	}
	pg = citizen.get("/track/" + code)
	benchHas(t, pg, "2028-01-05", "按国务院公布的 2028 年节假日安排，办理期限由 2028-01-04 调整为 2028-01-05")
	benchLacks(t, pg, "暂定")
	pg = officer.get(caseURL(id))
	benchHas(t, pg, "调整办理期限", "由 2028-01-04 调整为 2028-01-05")
	benchHas(t, officer.get(caseURL(id)+"/receipt"), "办理期限至 2028-01-05。")
}

// TestSysadminHome shows the last sweep, deliveries and backup, and tells
// nobody to call an API or read a file.
func TestSysadminHome(t *testing.T) {
	b := newBench(t)
	ctx := b.t.Context()
	admin := b.login(b.f.In[zhitong.RoleSysAdmin], "sysadmin")
	pg := admin.get("/work")
	benchHas(t, pg, "系统运行状态", "督办巡检", "从未运行", "从未备份", `href="/work/deliveries?state=failed"`, `href="/work/calendar"`, "已有至 2027 年的安排")
	benchLacks(t, pg, "/api/", "docs/", ".md", "zhitong backup", "/healthz")

	now := b.clock.Now()
	err := b.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.PutJobRun(ctx, store.JobRun{Name: "sweep", FinishedAt: now.Add(-5 * time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.app.DB().RecordBackup(ctx, store.BackupRecord{At: now.Add(-2 * time.Hour), File: "/var/backups/zhitong-1125.db", Size: 5 << 20}); err != nil {
		t.Fatal(err)
	}
	pg = admin.get("/work")
	benchHas(t, pg, "上次完成 2026-11-25 08:55", "上次备份 2026-11-25 07:00", "/var/backups/zhitong-1125.db", "5.0 MB", "运行正常")
	benchLacks(t, pg, "已超过一天", "从未")

	b.clock.Advance(26 * time.Hour)
	benchHas(t, admin.get("/work"), "已超过一天", "督办巡检已超过 60 分钟未运行")
}

// TestNoPageSendsOperatorsToAPIOrFiles: every administration task has a
// page, so no template tells anyone to call the API, run a command or read
// a file.
func TestNoPageSendsOperatorsToAPIOrFiles(t *testing.T) {
	bad := regexp.MustCompile(`/api/v1|/healthz|docs/|\.md\b|<code>|curl |zhitong (serve|backup|sweep|user|token|audit|migrate|demo|import|init)\b`)
	eachTemplate(t, func(path, text string) {
		for i, line := range strings.Split(text, "\n") {
			if m := bad.FindString(line); m != "" {
				t.Errorf("%s:%d sends the reader to %q", path, i+1, m)
			}
		}
	})
}

// eachTemplate calls fn with every template file's path and text.
func eachTemplate(t *testing.T, fn func(path, text string)) {
	t.Helper()
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			fn(path, string(b))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEveryTableStacksOnPhones: every table is an rtable and every cell of
// its body carries the column's name, for the phone layout in app.css.
func TestEveryTableStacksOnPhones(t *testing.T) {
	table := regexp.MustCompile(`(?s)<table\b[^>]*>.*?</table>`)
	eachTemplate(t, func(path, text string) {
		for _, tb := range table.FindAllString(text, -1) {
			open := tb[:strings.Index(tb, ">")+1]
			if !regexp.MustCompile(`class="[^"]*\brtable\b`).MatchString(open) {
				t.Errorf("%s: %s is not class=\"rtable\"", path, open)
			}
			for _, td := range regexp.MustCompile(`<td\b[^>]*>`).FindAllString(tb, -1) {
				if !strings.Contains(td, "data-label=") && !strings.Contains(td, "colspan=") {
					t.Errorf("%s: %s has no data-label", path, td)
				}
			}
		}
	})
}

// TestSubmittedPageSaysProvisional: a citizen submitting at the end of 2027
// is told the estimated reply date in 2028 is provisional.
func TestSubmittedPageSaysProvisional(t *testing.T) {
	s := testserver.Start(t)
	jar, _ := cookiejar.New(nil)
	p := &portal{t: t, app: s.App, f: s.Fixture, srv: s.Server, client: &http.Client{Jar: jar}}
	s.Clock.Set(time.Date(2027, 12, 20, 9, 0, 0, 0, zhitong.China))
	pg := p.submit(p.validForm())
	trackingCode(t, pg)
	mustContain(t, pg, "暂定，待国务院公布 2028 年节假日安排后确定")

	// In the middle of 2027 the date is official and says nothing more.
	s.Clock.Set(time.Date(2027, 6, 1, 9, 0, 0, 0, zhitong.China))
	pg = p.submit(p.validForm())
	trackingCode(t, pg)
	mustNotContain(t, pg, "暂定")
}
