package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"zhitong"
	"zhitong/internal/app"
)

// The deputies' duty over the demo's 60 days: the roster's check-ins and
// absences (roster.go), the reception records
// that took in the stories' walk-in cases, mediations and activities, the
// point ledgers computed from them, and one report to voters. Every piece is
// found again before it is written, so a resumed load duplicates nothing.

// idleDeputies miss their duty days, so the inactivity list (约谈提醒, set to
// 30 days in the demo) is not empty: one last received a citizen eight weeks
// ago, the other takes part in activities but never sits at the station.
var idleDeputies = []string{"肖国庆", "刘建国"}

// demoInactiveDays is the demo county's inactivity threshold.
const demoInactiveDays = 30

// spotAnswers are what deputies answered on the spot at receptions.
var spotAnswers = []string{"", "城乡居民医保缴费标准已当场解答", "", "高龄补贴申领条件已当场解释", "", "农村危房改造政策已当场解答", "退役军人优待政策已当场解答"}

type mediationSpec struct {
	day                    int
	station, title, result string
	others                 string
	deputies               []string
}

var mediations = []mediationSpec{
	{52, "lishi", "两户村民宅基地边界纠纷", "现场测量后双方签订调解协议，拆除越界围墙", "村调委会主任、镇司法所", []string{"钟立华", "赖春梅"}},
	{38, "kuimeishan", "山林权属纠纷", "依据林权证划定界线，双方握手言和", "镇林业站", []string{"陈远明"}},
	{24, "park", "企业拖欠务工人员工资纠纷", "企业当场支付拖欠工资4.2万元", "县人社局劳动监察大队", []string{"刘建国", "蓝文斌"}},
	{12, "longtang", "邻里排水沟堵塞纠纷", "双方同意共同出资疏通排水沟", "", []string{"朱振华"}},
}

type activitySpec struct {
	day                           int
	kind, title, result, storyKey string
	deputies                      []string
}

var activities = []activitySpec{
	{39, "survey", "稀土运输车辆道路安全专题调研", "形成调研报告1篇，提出限速、错峰运输等建议", "rare-earth-trucks", []string{"曾凡荣", "陈远明", "叶小芳"}},
	{37, "inspection", "农村公路建设集中视察", "视察道路5条，发现问题3处并交办", "orchard-road", []string{"廖德胜", "黄秀英", "温金凤"}},
	{20, "hearing", "工业园区企业座谈会", "收集用工、物流方面意见6条", "", []string{"刘建国", "蓝文斌", "钟慧敏"}},
}

// loadPoints writes the duty data, then recomputes every ledger.
func (r *runner) loadPoints(ctx context.Context, list []story) error {
	staff, err := r.principal(committee)
	if err != nil {
		return err
	}
	r.clk.t = r.now.Add(-50 * time.Second)
	// The duties themselves (check-ins, absences) come from the roster (roster.go).
	if err := r.loadReceptions(ctx, staff, list); err != nil {
		return err
	}
	for _, m := range mediations {
		in := app.RecordInput{Kind: zhitong.RecordMediation, Day: r.day(m.day), StationID: r.stations[m.station], Title: m.title, Result: m.result,
			Others: m.others, DeputyIDs: r.names(m.deputies)}
		if err := r.record(ctx, staff, in); err != nil {
			return err
		}
	}
	for _, a := range activities {
		in := app.RecordInput{Kind: zhitong.RecordActivity, Activity: a.kind, Day: r.day(a.day), Title: a.title, Result: a.result,
			DeputyIDs: r.names(a.deputies)}
		if id := r.ids[a.storyKey]; id != 0 {
			in.LinkCases = []string{fmt.Sprint(id)}
		}
		if err := r.record(ctx, staff, in); err != nil {
			return err
		}
	}
	if _, err := r.a.DB().Exec(ctx, `UPDATE duty_records SET demo = ?`, true); err != nil {
		return err
	}
	if _, err := r.b.Recompute(ctx, staff); err != nil {
		return err
	}
	if err := r.b.SetInactiveDays(ctx, staff, demoInactiveDays); err != nil {
		return err
	}
	return r.loadVoterReport(ctx)
}

// day is the China date days ago.
func (r *runner) day(days int) string {
	return r.now.In(zhitong.China).AddDate(0, 0, -days).Format(time.DateOnly)
}

func (r *runner) names(names []string) []int64 {
	ids := make([]int64, len(names))
	for i, n := range names {
		ids[i] = r.deputies[n]
	}
	return ids
}

// loadReceptions writes a reception record for every check-in, linking the
// stories' walk-in cases taken in by that deputy that day. (The demo's cases
// are the stories alone; recording new ones with a reception is shown by the
// tests and the form.)
func (r *runner) loadReceptions(ctx context.Context, p zhitong.Principal, list []story) error {
	rows, err := r.a.DB().Query(ctx, `SELECT station_id, deputy_id, day FROM duties WHERE status = 'checked_in' ORDER BY day, station_id, deputy_id`)
	if err != nil {
		return err
	}
	type key struct {
		station, deputy int64
		day             string
	}
	var days []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.station, &k.deputy, &k.day); err != nil {
			rows.Close()
			return err
		}
		days = append(days, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	linked := map[key][]string{}
	for _, s := range list {
		if s.deputy == "" || s.station == "" || !slices.Contains([]zhitong.Channel{walkIn, appointment, mobile}, s.channel) || r.ids[s.key] == 0 {
			continue
		}
		k := key{r.stations[s.station], r.deputies[s.deputy], r.day(s.day)}
		if _, ok := linked[k]; !ok && !slices.Contains(days, k) {
			days = append(days, k)
		}
		linked[k] = append(linked[k], fmt.Sprint(r.ids[s.key]))
	}
	for i, k := range days {
		in := app.RecordInput{Kind: zhitong.RecordReception, Day: k.day, StationID: k.station, DeputyIDs: []int64{k.deputy},
			Visitors: 2 + (i*3)%7 + len(linked[k]), Answered: spotAnswers[i%len(spotAnswers)], LinkCases: linked[k]}
		if err := r.record(ctx, p, in); err != nil {
			return err
		}
	}
	return nil
}

// record writes a duty record unless one of the same kind, day, station and
// title exists (a resumed load).
func (r *runner) record(ctx context.Context, p zhitong.Principal, in app.RecordInput) error {
	title := in.Title
	if title == "" {
		title = "接待日"
	}
	var id int64
	err := r.a.DB().QueryRow(ctx, `SELECT r.id FROM duty_records r JOIN duty_record_deputies x ON x.record_id = r.id
 WHERE r.kind = ? AND r.day = ? AND r.title = ? AND COALESCE(r.station_id, 0) = ? AND x.deputy_id = ? LIMIT 1`,
		in.Kind, in.Day, title, in.StationID, in.DeputyIDs[0]).Scan(&id)
	if err == nil {
		return nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if in.Day < r.day(30) {
		// Older than a deputy's 30-day window: the office enters it (补录).
		in.Reason = "依据联络站纸质登记簿补录"
	}
	r.clk.t = r.clk.t.Add(10 * time.Millisecond)
	if _, err := r.b.CreateRecord(ctx, p, in); err != nil {
		return fmt.Errorf("demo %s %s: %w", in.Kind, in.Day, err)
	}
	return nil
}

// loadVoterReport stores the demo deputy's report to voters for the year so far.
func (r *runner) loadVoterReport(ctx context.Context) error {
	staff, err := r.principal(officer)
	if err != nil {
		return err
	}
	id := r.deputies["钟立华"]
	from := time.Date(r.now.In(zhitong.China).Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	v, err := r.b.VoterReport(ctx, staff, id, from, r.day(0))
	if err != nil || v.Saved {
		return err
	}
	narrative := v.Report.Narrative + "\n本人坚持每周进站接待，围绕集镇交通秩序、农村道路和民生政策等群众关心的问题，" +
		"做到件件有登记、事事有回音。下一步将继续密切联系选民，推动已列入计划的事项按期落实。"
	_, err = r.b.SaveVoterReport(ctx, staff, id, app.VoterReportInput{From: from, To: r.day(0), Narrative: narrative,
		Present: 46, Satisfied: 38, Basic: 7, Unsatisfied: 1})
	return err
}
