package web_test

import (
	"net/http"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// seedQueues lays out one case in each place of the loop and returns the
// overdue one.
func seedQueues(b *bench) int64 {
	t := b.t
	overdue := b.intake("历市镇中心路路面塌陷，已经很久没人管", 0)
	b.assign(overdue, 1)
	b.accept(overdue)
	b.clock.Advance(week) // its one working day is long gone

	b.submitOnline("小区门口路灯坏了一个月")
	b.submitOnline("菜市场周边停车太乱")
	b.intake("村道两旁杂草影响会车", b.f.Deputy) // registered
	pending := b.intake("桥面护栏松动存在安全隐患", b.f.Deputy)
	b.assign(pending, 10)
	soon := b.intake("学校门口缺少减速带", 0)
	b.assign(soon, 2)
	b.accept(soon)
	replied := b.intake("路口红绿灯时间太短", 0)
	b.assign(replied, 10)
	b.accept(replied)
	b.reply(replied)
	unhappy := b.intake("公交站台被占用", 0)
	b.assign(unhappy, 10)
	b.accept(unhappy)
	b.reply(unhappy)
	testkit.Must(b.app.Callback(t.Context(), b.f.In[zhitong.RoleOfficer], unhappy, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "仍然被占用"}))(t)
	return overdue
}

func TestQueuesPerRole(t *testing.T) {
	b := newBench(t)
	overdue := seedQueues(b)
	co := b.f.CoUnit()
	co.Name = "协办经办人"

	for _, tc := range []struct {
		name  string
		who   zhitong.Principal
		want  map[string]int
		lacks []string
	}{
		{"officer", b.f.In[zhitong.RoleOfficer], map[string]int{"待登记": 2, "待分流": 1, "即将到期": 1, "已逾期": 1, "延期待批": 0, "待回访": 0, "不满意": 1}, nil}, // 待回访 counts call-back tasks: none before a sweep
		{"station_head", b.f.In[zhitong.RoleStationHead], map[string]int{"待登记": 2, "待分流": 1, "即将到期": 1, "已逾期": 1, "待回访": 0, "不满意": 1}, []string{"延期待批"}},
		{"lead unit", b.f.In[zhitong.RoleUnit], map[string]int{"待签收": 1, "办理中": 2, "即将到期": 1, "已逾期": 1, "已退回": 0, "延期申请中": 0, "待提交协办意见": 0}, []string{"待登记"}},
		// The co-handler has not accepted anything yet: every running case waits for it.
		{"co-handling unit", co, map[string]int{"待签收": 3, "办理中": 2, "待提交协办意见": 3}, nil},
		{"deputy", b.f.In[zhitong.RoleDeputy], map[string]int{"我收集的全部意见": 2, "待分流": 1, "办理中": 1, "已答复": 0}, []string{"待回访"}},
		{"committee", b.f.In[zhitong.RoleCommittee], map[string]int{"已逾期": 1, "即将到期": 1, "待登记": 2}, nil},
		{"analyst", b.f.In[zhitong.RoleAnalyst], map[string]int{"已逾期": 1, "即将到期": 1}, []string{"待登记"}},
		// A county officer next door sees none of this.
		{"other county", b.f.Out[zhitong.RoleOfficer], map[string]int{"待登记": 0, "已逾期": 0}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := b.login(tc.who, strings.ReplaceAll("u-"+tc.name, " ", "-"))
			pg := s.get("/work")
			wantStatus(t, pg, http.StatusOK)
			got := queues(pg)
			for label, n := range tc.want {
				if c, ok := got[label]; !ok || c != n {
					t.Errorf("queue %s = %d (present %v), want %d; all: %v", label, c, ok, n, got)
				}
			}
			for _, l := range tc.lacks {
				if _, ok := got[l]; ok {
					t.Errorf("queue %s should not be offered to %s", l, tc.name)
				}
			}
		})
	}

	t.Run("queue links lead to lists with the same total", func(t *testing.T) {
		s := b.login(b.f.In[zhitong.RoleOfficer], "linker")
		pg := s.get("/work/cases?status=registered&status=returned&sort=oldest")
		if n := total(t, pg); n != 1 {
			t.Fatalf("待分流 list total = %d, want 1", n)
		}
		pg = s.get("/work/cases?overdue=1&sort=due")
		if n := total(t, pg); n != 1 {
			t.Fatalf("overdue list total = %d, want 1", n)
		}
		benchHas(t, pg, caseURL(overdue), `class="wb-row wb-overdue"`, "已逾期")
		pg = s.get("/work/cases?soon=1")
		benchHas(t, pg, `wb-row wb-soon`, "学校门口缺少减速带")
	})

	t.Run("committee sees everything by status", func(t *testing.T) {
		pg := b.login(b.f.In[zhitong.RoleCommittee], "weiyuan").get("/work")
		benchHas(t, pg, "按状态（共 8 件）", `href="/work/cases?status=unsatisfied"`)
	})

	t.Run("administrators see no cases", func(t *testing.T) {
		for _, role := range []zhitong.Role{zhitong.RoleSysAdmin, zhitong.RoleSecAdmin} {
			s := b.login(b.f.In[role], "admin-"+string(role))
			pg := s.get("/work")
			benchHas(t, pg, "不查看案件")
			benchLacks(t, pg, `class="wb-qlabel"`)
			wantStatus(t, s.get("/work/cases"), http.StatusForbidden)
			wantStatus(t, s.get(caseURL(overdue)), http.StatusForbidden)
		}
	})

	t.Run("signed out goes to the login", func(t *testing.T) {
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(b.srv.URL + "/work/cases?q=x")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Fatalf("status %d, location %q", res.StatusCode, loc)
		}
	})
}
