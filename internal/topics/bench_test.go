package topics_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/heap"
	"zhitong/internal/topics"
)

// BenchmarkHotTopics computes the hot topics of a month and of a year over
// ZHITONG_BENCH_CASES cases (default 20,000) bulk-inserted over the year
// 2026 with texts composed of a place, an issue and a complaint, and
// reports the peak live heap above the heap before (runtime/metrics): the
// texts are read in batches and the string counts are bounded, so the
// peak does not grow with the cases.
//
//	ZHITONG_BENCH_CASES=200000 go test ./internal/topics -run '^$' -bench HotTopics -benchtime 1x
func BenchmarkHotTopics(b *testing.B) {
	n := testkit.BenchCases(20_000)
	a, clock := testkit.MustApp(b)
	f := testkit.Seed(b, a)
	clock.Set(time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC))
	places := []string{"建设路", "人民广场", "幸福小区", "老街", "城南村", "工业园", "第一中学", "菜市场", "汽车站", "滨江公园", "东门桥", "新华书店"}
	issues := []string{"路灯不亮", "噪音扰民", "井盖缺失", "排水沟堵塞", "垃圾清运不及时", "占道经营", "道路坑洼", "公交站牌损坏", "停车难",
		"自来水停水", "违章搭建", "油烟扰民", "流浪狗伤人", "校门口拥堵", "电动车乱停", "绿化带被毁"}
	tails := []string{"，希望尽快处理", "，已经很久了", "，晚上出行不便", "，存在安全隐患", "，影响居民生活", "，多次反映没有结果"}
	ctx := b.Context()
	const batch = 500
	for start := 0; start < n; start += batch {
		var rows []string
		var args []any
		for i := start; i < min(n, start+batch); i++ {
			at := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC).Add(time.Duration(i) * (350 * 24 * time.Hour / time.Duration(n)))
			body := places[i%len(places)] + issues[(i/3)%len(issues)] + tails[i%len(tails)] + fmt.Sprintf("（%d号）", i)
			if i%11 == 0 {
				body += "，" + issues[(i/7)%len(issues)]
			}
			rows = append(rows, "(?, 'online', 'registered', ?, ?, 'roads', ?, ?, ?, ?, ?)")
			args = append(args, fmt.Sprintf("T%09d", i), issues[(i/3)%len(issues)], body, f.Town, f.Station, store.FormatTime(at), store.FormatTime(at), store.FormatTime(at))
		}
		if _, err := a.DB().Exec(ctx, `INSERT INTO cases (code, channel, status, title, body, category_code, region_code, station_id, submitted_at,
 registered_at, updated_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := a.DB().Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	s := topics.New(a)
	for _, q := range []string{"period=month&month=2026-11", "period=year&year=2026"} {
		v, _ := url.ParseQuery(q)
		b.Run(strings.NewReplacer("period=", "", "&", "/", "=", "-").Replace(q), func(b *testing.B) {
			for b.Loop() {
				var h *topics.Hot
				peak := heap.Sample(func() { h = testkit.Must(s.Topics(ctx, f.In[zhitong.RoleCommittee], v))(b) })
				if len(h.Frequent) == 0 {
					b.Fatalf("%s: no topics over %d cases", q, h.Cases)
				}
				b.ReportMetric(float64(h.Cases), "cases")
				b.ReportMetric(peak.LiveMB(), "peak-heap-MB")
			}
		})
	}
}
