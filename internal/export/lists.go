package export

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// The workbench's other lists: bulletins, rankings and points, the roster,
// appointments, deliveries and call-backs. Each takes the page's filters,
// checks them and p's permission and jurisdiction through the same app
// call as the page, and names the sheet's jurisdiction and period.

var bulletinListColumns = []Column{{Name: "序号", Width: 7}, {Name: "通报", Width: 16}, {Name: "起始日期", Width: 12}, {Name: "截止日期", Width: 12},
	{Name: "生成时间", Width: 17}, {Name: "门户公开", Width: 10}, {Name: "交办", Width: 8}, {Name: "按期答复", Width: 9}, {Name: "期末逾期", Width: 9},
	{Name: "列入督办", Width: 9}, {Name: "评价", Width: 8}, {Name: "满意率", Width: 9}}

// Bulletins is the list of bulletins (of the organisations above and
// below region, when given) with each one's totals over its units as its
// page shows them, read in pages by cursor, so the whole list streams.
func (s *Service) Bulletins(ctx context.Context, p zhitong.Principal, region string) (*File, error) {
	in := app.BulletinsInput{PageInput: app.PageInput{PerPage: app.MaxPerPage}, Region: region}
	page := func() (app.KeysetPage[*app.BulletinView], error) {
		pg, err := s.app.Bulletins(ctx, p, in)
		if err == nil {
			err = s.app.LoadBulletinRows(ctx, p, pg.Items)
		}
		return pg, err
	}
	first, err := page()
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	i := 0
	rows := byCursor(first.Items, first.Next, func(after string) ([]*app.BulletinView, string, error) {
		in.After = after
		pg, err := page()
		return pg.Items, pg.Next, err
	}, func(b *app.BulletinView) []any {
		var assigned, onTime, overdue, listed, evaluated, satisfied int
		for _, u := range b.Units {
			assigned, onTime, overdue, listed = assigned+u.Assigned, onTime+u.RepliedOnTime, overdue+u.Overdue, listed+u.Listed
			evaluated, satisfied = evaluated+u.Evaluated, satisfied+u.Satisfied
		}
		i++
		return []any{i, b.PeriodLabel, b.Start, b.End, b.GeneratedAt, b.Published, assigned, onTime, overdue, listed, evaluated, percent(satisfied, evaluated)}
	})
	r := Report{Title: "办理情况通报", Jurisdiction: where, Period: s.asOf(), Columns: bulletinListColumns, Rows: rows}
	return NewFile(where, "办理情况通报", "bulletins", s.app.Now(), r), nil
}

var bulletinColumns = []Column{{Name: "交办", Width: 8}, {Name: "按时签收", Width: 9}, {Name: "答复", Width: 8}, {Name: "按期答复", Width: 9},
	{Name: "期末逾期", Width: 9}, {Name: "列入督办", Width: 9}, {Name: "A 类已解决", Width: 10}, {Name: "评价", Width: 8}, {Name: "满意率", Width: 9}, {Name: "重办", Width: 8}}

// Bulletin is one bulletin's tables: by handling unit, and by township.
func (s *Service) Bulletin(ctx context.Context, p zhitong.Principal, id int64) (*File, error) {
	b, err := s.app.Bulletin(ctx, p, id)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	period := b.Start + " 至 " + b.End
	var reports []Report
	for _, scope := range []struct{ key, first, sheet string }{{"units", "承办单位", "按承办单位"}, {"towns", "乡镇", "按乡镇"}} {
		cols := append([]Column{{Name: scope.first, Width: 24, Wrap: true}}, bulletinColumns...)
		reports = append(reports, Report{Title: "意见建议办理情况" + b.PeriodLabel + "（" + scope.sheet + "）", Sheet: scope.sheet, Jurisdiction: where, Period: period, Columns: cols,
			Rows: Rows(b.Rows(scope.key), func(_ int, r store.BulletinRow) []any {
				return []any{r.Name, r.Assigned, r.AcceptedInTime, r.Replied, r.RepliedOnTime, r.Overdue, r.Listed, r.Solved, r.Evaluated, percent(r.Satisfied, r.Evaluated), r.Rehandled}
			})})
	}
	return NewFile(where, "办理情况通报"+b.PeriodLabel, "bulletin-"+strconv.FormatInt(id, 10), s.app.Now(), reports...), nil
}

var rankColumns = []Column{{Name: "名次", Width: 7}, {Name: "名称", Width: 24, Wrap: true}, {Name: "代表人数", Width: 9}, {Name: "积分", Width: 9}, {Name: "人均积分", Width: 9}}

// Rankings is the duty-point ranking (履职积分) of deputies, stations and
// townships over from–to.
func (s *Service) Rankings(ctx context.Context, p zhitong.Principal, from, to string) (*File, error) {
	rk, err := s.app.Rankings(ctx, p, from, to)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	period := rk.From + " 至 " + rk.To
	row := func(_ int, r app.RankRow) []any { return []any{r.Rank, r.Name, r.Deputies, r.Points, r.Average} }
	deputies := Report{Title: "代表履职积分排名", Sheet: "代表", Jurisdiction: where, Period: period,
		Columns: []Column{{Name: "名次", Width: 7}, {Name: "代表", Width: 16}, {Name: "积分", Width: 9}},
		Rows:    Rows(rk.Deputies, func(_ int, r app.RankRow) []any { return []any{r.Rank, r.Name, r.Points} })}
	stations := Report{Title: "联络站履职积分排名", Sheet: "联络站", Jurisdiction: where, Period: period, Columns: rankColumns, Rows: Rows(rk.Stations, row)}
	regions := Report{Title: "乡镇履职积分排名", Sheet: "乡镇", Jurisdiction: where, Period: period, Columns: rankColumns, Rows: Rows(rk.Regions, row)}
	return NewFile(where, "履职积分排名", "points", s.app.Now(), deputies, stations, regions), nil
}

var rosterColumns = []Column{{Name: "日期", Width: 12}, {Name: "星期", Width: 7}, {Name: "接待日", Width: 8}, {Name: "说明", Width: 18, Wrap: true},
	{Name: "值班代表", Width: 14}, {Name: "状态", Width: 9}, {Name: "进站时间", Width: 17}, {Name: "补登人", Width: 10}, {Name: "备注", Width: 24, Wrap: true}}

// Roster is a station's duty roster (轮值排班) for one month (YYYY-MM;
// empty: this month). stationID 0 is the first station p may see, as on
// the page.
func (s *Service) Roster(ctx context.Context, p zhitong.Principal, stationID int64, month string) (*File, error) {
	stations, err := s.app.RosterStations(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(stations) == 0 {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "没有可导出的联络站排班")
	}
	st := stations[0]
	if stationID != 0 {
		found := false
		for _, x := range stations {
			if x.ID == stationID {
				st, found = x, true
			}
		}
		if !found {
			return nil, zhitong.Errorf(zhitong.ENOTFOUND, "联络站不存在")
		}
	}
	m := s.app.Now().In(zhitong.China)
	first := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
	if month != "" {
		if first, err = time.Parse("2006-01", month); err != nil {
			return nil, zhitong.Invalid("month", "月份应为 YYYY-MM")
		}
	}
	from, to := first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	days, err := s.app.Roster(ctx, p, st.ID, from, to)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, d := range days {
		wd := ""
		if t, err := time.Parse(time.DateOnly, d.Day); err == nil {
			wd = "周" + string([]rune("日一二三四五六")[t.Weekday()])
		}
		if len(d.Duties) == 0 {
			if d.Reception {
				rows = append(rows, []any{d.Day, wd, d.Reception, d.Reason, "", "", nil, "", ""})
			}
			continue
		}
		for _, du := range d.Duties {
			var in any
			if du.CheckedInAt != nil {
				in = *du.CheckedInAt
			}
			rows = append(rows, []any{d.Day, wd, d.Reception, d.Reason, du.DeputyName, zhitong.Label(zhitong.DutyStatuses, du.Status), in, du.RecordedBy, du.Note})
		}
	}
	r := Report{Title: "轮值排班", Jurisdiction: st.Name, Period: first.Format("2006 年 1 月"), Columns: rosterColumns,
		Rows: Rows(rows, func(_ int, r []any) []any { return r })}
	return NewFile(st.Name, "轮值排班"+first.Format("200601"), "roster", s.app.Now(), r), nil
}

var appointmentColumns = []Column{{Name: "序号", Width: 7}, {Name: "预约码", Width: 12}, {Name: "日期", Width: 12}, {Name: "时段", Width: 8},
	{Name: "联络站", Width: 18, Wrap: true}, {Name: "代表", Width: 12}, {Name: "事由", Width: 30, Wrap: true}, {Name: "预约人", Width: 10},
	{Name: "电话", Width: 14}, {Name: "状态", Width: 10}, {Name: "取消原因", Width: 20, Wrap: true}, {Name: "预约时间", Width: 17}}

// Appointments is the bookings list (预约接待) of q's filters, every one
// (the page shows the first 500), streamed by key; names and phones are
// masked as on the page.
func (s *Service) Appointments(ctx context.Context, p zhitong.Principal, q app.AppointmentQuery) (*File, error) {
	if q.From == "" {
		q.From = s.app.Now().In(zhitong.China).Format(time.DateOnly)
	}
	items, err := s.app.ExportAppointments(ctx, p, q)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	r := Report{Title: "预约接待", Jurisdiction: where, Period: s.period(q.From, q.To), Columns: appointmentColumns,
		Rows: Stream(items, func(i int, v *app.AppointmentView) []any {
			return []any{i + 1, v.Code, v.Day, v.PeriodLabel, v.StationName, v.DeputyName, v.Topic, v.Name, v.Phone, v.StatusLabel, v.CancelReason, v.CreatedAt}
		})}
	return NewFile(where, "预约接待", "appointments", s.app.Now(), r), nil
}

var deliveryColumns = []Column{{Name: "编号", Width: 9}, {Name: "通知", Width: 22, Wrap: true}, {Name: "方式", Width: 7}, {Name: "接收人", Width: 14},
	{Name: "状态", Width: 11}, {Name: "尝试次数", Width: 9}, {Name: "最近错误", Width: 30, Wrap: true}, {Name: "生成时间", Width: 17}, {Name: "发送时间", Width: 17}}

// Deliveries is the SMS and e-mail log (发送记录) of in's filters, read in
// pages by cursor (no counts), so the whole
// history streams; recipients are masked as on the page, message texts are
// not included.
func (s *Service) Deliveries(ctx context.Context, p zhitong.Principal, in app.DeliveriesInput) (*File, error) {
	in.PageInput, in.Export = app.PageInput{PerPage: app.MaxPerPage}, true
	first, err := s.app.Deliveries(ctx, p, in)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	channel := map[string]string{"sms": "短信", "email": "邮件"}
	rows := byCursor(first.Items, first.Next, func(after string) ([]app.DeliveryRow, string, error) {
		in.After = after
		pg, err := s.app.Deliveries(ctx, p, in)
		if err != nil {
			return nil, "", err
		}
		return pg.Items, pg.Next, nil
	}, func(d app.DeliveryRow) []any {
		return []any{d.ID, d.Label, channel[d.Channel], d.Recipient, zhitong.Label(app.DeliveryStates, d.State), d.Attempts, d.LastError, d.CreatedAt, d.SentAt}
	})
	r := Report{Title: "发送记录", Jurisdiction: where, Period: s.period(in.From, in.To), Columns: deliveryColumns, Rows: rows}
	return NewFile(where, "发送记录", "deliveries", s.app.Now(), r), nil
}

var callbackColumns = []Column{{Name: "序号", Width: 7}, {Name: "查询码", Width: 14}, {Name: "标题", Width: 36, Wrap: true}, {Name: "状态", Width: 10},
	{Name: "反映人", Width: 10}, {Name: "回访期限", Width: 12}, {Name: "已回访次数", Width: 10}, {Name: "提交时间", Width: 17}}

// Callbacks is the open call-back list (待回访), streamed by key.
func (s *Service) Callbacks(ctx context.Context, p zhitong.Principal) (*File, error) {
	items, err := s.app.ExportCallbacks(ctx, p)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	r := Report{Title: "待回访清单", Jurisdiction: where, Period: s.asOf(), Columns: callbackColumns,
		Rows: Stream(items, func(i int, c app.CallbackItem) []any {
			return []any{i + 1, c.Code, c.Title, c.StatusLabel, c.Submitter, c.TaskDue, c.Tries, c.SubmittedAt}
		})}
	return NewFile(where, "待回访清单", "callbacks", s.app.Now(), r), nil
}

func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(of))
}

// byCursor streams the rows of a list read in pages by cursor: the first
// page's items, then read(next) page after page until one has no next.
func byCursor[T any](items []T, next string, read func(after string) ([]T, string, error), row func(T) []any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for {
			for _, x := range items {
				if !yield(row(x), nil) {
					return
				}
			}
			if next == "" {
				return
			}
			var err error
			if items, next, err = read(next); err != nil {
				yield(nil, err)
				return
			}
		}
	}
}
