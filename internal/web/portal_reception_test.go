package web_test

import (
	"net/http"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
)

func TestPortalShowsReceptionDays(t *testing.T) {
	p := newPortal(t)
	f := p.f
	committee := f.In[zhitong.RoleCommittee]
	// Today is Wednesday 2026-11-25 (十月十七).
	if _, err := p.app.SetReceptionRules(ctx, committee, f.Station, []zhitong.ReceptionRule{
		{Kind: zhitong.RuleLunar, Days: []int{1, 4, 7, 11, 14, 17, 21, 24, 27}, Holidays: zhitong.HolidayKeep},
	}, []zhitong.ReceptionException{{Day: "2026-12-02", MovedTo: "2026-12-03"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.app.SetReceptionRules(ctx, f.Out[zhitong.RoleCommittee], f.OtherStation,
		[]zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 2}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.app.DB().Write(ctx, func(tx *store.Tx) error {
		for _, d := range []store.Duty{{StationID: f.Station, DeputyID: f.Deputy, Day: "2026-11-29", Status: "planned"},
			{StationID: f.OtherStation, DeputyID: f.OtherDeputy, Day: "2026-11-23", Status: "excused"}} {
			if err := tx.PutDuty(ctx, &d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	home := p.get("/")
	if home.status != http.StatusOK {
		t.Fatalf("home %d", home.status)
	}
	mustContain(t, home, "近期接待日：11月25日 星期三（农历十月十七）；11月29日 星期日（农历十月廿一）；12月3日 星期四（农历十月廿五）",
		"本周值班代表：刘代表", "近期接待日：12月1日 星期二；12月8日 星期二；12月15日 星期二")
	if strings.Count(home.body, "本周值班代表") != 1 {
		t.Error("an excused deputy is shown on duty")
	}

	board := p.get("/stations/" + itoa(f.Station))
	mustContain(t, board, "近期接待日", "<td data-label=\"日期\">11月29日</td><td data-label=\"星期\">星期日</td><td data-label=\"农历\">十月廿一</td><td data-label=\"安排\">逢农历一、四、七</td>",
		"由12月2日调整", "刘代表")
	if n := strings.Count(board.body, `<td data-label="日期">`); n != 8 {
		t.Errorf("%d reception days on the board, want 8", n)
	}
	other := p.get("/stations/" + itoa(f.OtherStation))
	mustContain(t, other, "每周二", "待安排")
	mustNotContain(t, other, "农历十月")
}
