package sheets_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"zhitong/internal/sheets"
)

// cell is one problem a test expects: a row, a column, and words of the reason.
type cell struct {
	row         int
	column, why string
}

// TestDryRunListsEveryProblemOfEveryRow: a row with several bad cells — a
// value not in the drop-down list, an unknown region, a bad phone … — has
// every one reported, each in its row and column and once only, for each
// kind; and nothing is written, in a dry run or not.
func TestDryRunListsEveryProblemOfEveryRow(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		kind string
		rows [][]string
		want []cell
	}{
		{"units", [][]string{
			{"两处坏", "机关", "999999"},
			{"坏单位二", "机关", "360783", "", "", "123"},
			{"", "部门", "360727", "不存在的局", "", "12345"},
			{"县水利局", "部门", "360728"},
		}, []cell{
			{2, "单位类型", "应为以下之一"}, {2, "所在区划代码", "999999"},
			{3, "单位类型", "应为以下之一"}, {3, "所在区划代码", "360783"}, {3, "联系电话", "格式不正确"},
			{4, "单位名称", "必填"}, {4, "所在区划代码", "不在您的辖区内"}, {4, "上级部门", "不存在"}, {4, "联系电话", "格式不正确"},
		}},
		{"stations", [][]string{
			{"坏站一", "固定站", "999999", "", "", "", "", "abc", "", "123"},
			{"坏站二", "固定联络站", "360727", "", "", "", "", "99", "115", ""},
			{"", "流动联络点", "360728100", "", "", "", "", "", "", "12"},
			{"新站", "跨区域联络站", "360728100", "999998", "", "", "", "", "abc", ""},
		}, []cell{
			{2, "类型", "应为以下之一"}, {2, "所在区划代码", ""}, {2, "纬度", "请填写数字"}, {2, "公开电话", "格式不正确"},
			{3, "所在区划代码", "不在您的管辖范围内"}, {3, "纬度", "纬度应在"},
			{4, "联络站名称", "必填"}, {4, "公开电话", "格式不正确"},
			{5, "其他所属区划代码", ""}, {5, "经度", "请填写数字"},
		}},
		{"deputies", [][]string{
			{"坏代表一", "区", "999999", "", "不存在的站", "", "123"},
			{"坏代表二", "县、部", "360727", "", "", "", "12"},
			{"", "", "360728100", "", "历市镇人大代表联络站、另一个不存在的站", "", ""},
		}, []cell{
			{2, "代表层级", "应为以下之一"}, {2, "所属区划代码", ""}, {2, "进站联络站", "不存在的站"}, {2, "短信手机号", "手机号"},
			{3, "代表层级", "应为以下之一"}, {3, "所属区划代码", "不在您的管辖范围内"}, {3, "短信手机号", "手机号"},
			{4, "姓名", "必填"}, {4, "代表层级", "必填"}, {4, "进站联络站", "另一个不存在的站"},
		}},
		{"users", [][]string{
			{"bad name", "某人", "委员会", "999999", "不存在的站"},
			{"ok.name", "", "联络员", "360727", "", "不存在的单位"},
			{"x", "某人", "承办单位", "360728", "", "", "不存在的代表"},
		}, []cell{
			{2, "用户名", "英文字母"}, {2, "角色", "应为以下之一"}, {2, "管辖区划代码", ""}, {2, "所在联络站", "不存在的站"},
			{3, "姓名", "必填"}, {3, "管辖区划代码", "不在您的管辖范围内"}, {3, "所属单位", "不存在的单位"},
			{4, "用户名", "至少"}, {4, "所属单位", "须指定所属单位"}, {4, "关联代表", "不存在的代表"},
		}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			data := book(t, headers(t, c.kind), c.rows...)
			table := map[string]string{"units": "units", "stations": "stations", "deputies": "deputies", "users": "users"}[c.kind]
			n, audits := e.count(table), e.count("audit_log")
			for _, dry := range []bool{true, false} {
				rep := e.run(e.importer(c.kind), c.kind, data, dry)
				var got, want []string
				for _, p := range rep.Problems {
					got = append(got, fmt.Sprintf("%d %s", p.Row, p.Column))
				}
				for _, w := range c.want {
					want = append(want, fmt.Sprintf("%d %s", w.row, w.column))
					if !hasProblem(rep, w.row, w.column, w.why) {
						t.Errorf("dry=%v: no problem at row %d %s (%s)", dry, w.row, w.column, w.why)
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("dry=%v: problems at\n%s\nwant\n%s\nreport:\n%s", dry, strings.Join(got, "\n"), strings.Join(want, "\n"), list(rep))
				}
				h := headers(t, c.kind)
				for _, p := range rep.Problems {
					row, col := c.rows[p.Row-2], slices.Index(h, p.Column)
					if col < 0 {
						t.Errorf("dry=%v: %s: no such column", dry, p)
					} else if v := append(row, make([]string, len(h))...)[col]; v != "" && !strings.Contains(v, p.Value) || v != "" && p.Value == "" {
						t.Errorf("dry=%v: %s: value %q, the cell holds %q", dry, p, p.Value, v)
					}
				}
				if rep.Written || rep.OK() {
					t.Errorf("dry=%v: written %v", dry, rep.Written)
				}
			}
			if e.count(table) != n || e.count("audit_log") != audits {
				t.Fatal("a file with problems wrote something")
			}
		})
	}
}

func list(rep *sheets.Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}
