package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// clock is the demo's own time, walked forward as cases are laid out.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// stage is how far through the loop a demo case goes.
type stage int

const (
	submitted stage = iota
	registered
	assigned
	inProgress
	extensionPending
	extended
	returned
	replied
	unsatisfied
	rehandled
	evaluated
	closed
	archived
	answered
	referred
	declined
)

type caseRow struct {
	body, category, town, place, unit string
	station                           int
	channel                           zhitong.Channel
	name, phone                       string
	stage                             stage
	outcome                           zhitong.Outcome
	daysAgo                           int
}

func loadCases(ctx context.Context, a *app.App, ref *reference) ([]int64, error) {
	users := map[string]zhitong.Principal{}
	for _, acc := range Accounts {
		u, err := store.GetUserByName(ctx, a.DB(), acc.Username)
		if err != nil {
			return nil, err
		}
		users[acc.Username] = u.Principal()
	}
	officer, committee, deputy := users["lianluoyuan"], users["gongwei"], users["daibiao"]
	var ids []int64
	for i, row := range caseRows {
		clk := &clock{now: time.Now().Add(-time.Duration(row.daysAgo) * 24 * time.Hour)}
		b := a.WithClock(clk)
		unit := zhitong.Principal{UserID: users["chengban"].UserID, Name: row.unit, Role: zhitong.RoleUnit, UnitID: ref.units[row.unit]}
		c, err := intake(ctx, b, officer, deputy, ref, row)
		if err != nil {
			return nil, fmt.Errorf("demo case %d: %w", i+1, err)
		}
		ids = append(ids, c.ID)
		if err := drive(ctx, b, clk, c, row, officer, committee, unit); err != nil {
			return nil, fmt.Errorf("demo case %d (%s): %w", i+1, row.body, err)
		}
	}
	more, err := specialCases(ctx, a, ref, officer, committee, deputy)
	return append(ids, more...), err
}

func intake(ctx context.Context, b *app.App, officer, deputy zhitong.Principal, ref *reference, row caseRow) (*zhitong.Case, error) {
	st := ref.stations[row.station]
	in := app.IntakeInput{Channel: row.channel, Body: row.body, CategoryCode: row.category, StationID: st.ID, Place: row.place,
		Name: row.name, Phone: row.phone, Anonymous: row.name == "" && row.phone == ""}
	switch {
	case row.stage == answered:
		in.Answer = "代表当场解读了相关政策，群众表示清楚了办理渠道。"
		return b.Intake(ctx, deputy, in)
	case row.channel == zhitong.ChannelOnline:
		in.CategoryCode = ""
		return b.Submit(ctx, zhitong.Citizen, in)
	}
	return b.Intake(ctx, officer, in)
}

func drive(ctx context.Context, b *app.App, clk *clock, c *zhitong.Case, row caseRow, officer, committee, unit zhitong.Principal) error {
	day := 24 * time.Hour
	var err error
	step := func(f func() (*zhitong.Case, error)) {
		if err == nil {
			clk.add(day)
			c, err = f()
		}
	}
	if row.stage == submitted || row.stage == answered {
		return nil
	}
	if c.Status == zhitong.StatusSubmitted {
		step(func() (*zhitong.Case, error) {
			return b.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: row.category})
		})
	}
	switch row.stage {
	case registered:
		return err
	case referred:
		step(func() (*zhitong.Case, error) {
			return b.Refer(ctx, officer, c.ID, app.ReferInput{Destination: "12345政务服务便民热线", Note: "属劳动争议，转热线派单"})
		})
		return err
	case declined:
		step(func() (*zhitong.Case, error) {
			return b.Decline(ctx, officer, c.ID, app.TextInput{Text: "该事项已经人民法院生效判决，依法不再受理，已当面向群众说明。"})
		})
		return err
	}
	step(func() (*zhitong.Case, error) {
		return b.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: unit.UnitID, Note: "请按期办理并双反馈"})
	})
	if row.stage == assigned {
		return err
	}
	if row.stage == returned {
		step(func() (*zhitong.Case, error) {
			return b.Return(ctx, unit, c.ID, app.TextInput{Text: "该事项不属于本单位职责，建议交由属地镇政府办理。"})
		})
		return err
	}
	step(func() (*zhitong.Case, error) { return b.Accept(ctx, unit, c.ID, app.TextInput{}) })
	if row.stage == extensionPending || row.stage == extended {
		step(func() (*zhitong.Case, error) {
			return b.RequestExtension(ctx, unit, c.ID, app.ExtensionInput{Days: 10, Reason: "需协调供电部门迁移线路，申请延期"})
		})
		if row.stage == extended {
			step(func() (*zhitong.Case, error) {
				return b.DecideExtension(ctx, committee, c.ID, app.DecisionInput{Approve: true, Note: "同意，请抓紧办理"})
			})
		}
	}
	if row.stage <= extended {
		return err
	}
	reply := func(o zhitong.Outcome, text string) {
		in := app.ReplyInput{Outcome: o, Text: text, Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}}}
		if row.phone != "" {
			in.Deliveries = append(in.Deliveries, app.DeliveryInput{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone})
		}
		switch o {
		case zhitong.OutcomePlanned:
			in.PlannedDate = clk.Now().AddDate(0, 6, 0).Format(time.DateOnly)
		case zhitong.OutcomeNotNow:
			in.Reason = "受年度资金预算限制，已列入储备项目。"
		}
		step(func() (*zhitong.Case, error) { return b.Reply(ctx, unit, c.ID, in) })
	}
	outcome := row.outcome
	if outcome == "" {
		outcome = zhitong.OutcomeSolved
	}
	reply(outcome, "经现场核查，已组织人员处理，具体情况如下："+row.body+"——已按要求整改到位。")
	if row.stage == replied {
		return err
	}
	rating := zhitong.RatingSatisfied
	if row.stage == unsatisfied || row.stage == rehandled {
		rating = zhitong.RatingUnsatisfied
	}
	step(func() (*zhitong.Case, error) {
		return b.Callback(ctx, officer, c.ID, app.EvaluateInput{Rating: rating, Comment: "回访时群众的意见"})
	})
	if row.stage == unsatisfied {
		return err
	}
	if row.stage == rehandled {
		step(func() (*zhitong.Case, error) {
			return b.Rehandle(ctx, committee, c.ID, app.RehandleInput{Days: 5, Note: "群众反映问题仍未解决，责成重办"})
		})
		reply(zhitong.OutcomeSolved, "重新组织施工，问题已彻底解决，并经群众现场确认。")
		return err
	}
	if row.stage == evaluated {
		return err
	}
	step(func() (*zhitong.Case, error) { return b.Close(ctx, officer, c.ID, app.TextInput{}) })
	if row.stage == archived {
		step(func() (*zhitong.Case, error) { return b.Archive(ctx, officer, c.ID, app.TextInput{}) })
	}
	return err
}

// specialCases lays out a proposal that bundles three cases and a merged duplicate.
func specialCases(ctx context.Context, a *app.App, ref *reference, officer, committee, deputy zhitong.Principal) ([]int64, error) {
	clk := &clock{now: time.Now().AddDate(0, 0, -50)}
	b := a.WithClock(clk)
	st := ref.stations[0]
	var ids []int64
	var proposal int64
	for i, body := range []string{"胜利小区楼道灯坏了多年，外墙脱落，希望改造", "建设路老旧小区没有停车位，车辆乱停", "城南小区下水道经常堵塞，希望列入改造"} {
		c, err := b.Intake(ctx, deputy, app.IntakeInput{Channel: zhitong.ChannelSurvey, Body: body, CategoryCode: "construction", StationID: st.ID, Anonymous: true})
		if err != nil {
			return nil, err
		}
		in := app.ProposeInput{ProposalID: proposal}
		if i == 0 {
			in = app.ProposeInput{Title: "关于加快县城老旧小区改造的建议", Body: "多名群众反映县城老旧小区设施老化，建议统筹列入年度改造计划。"}
		}
		clk.add(24 * time.Hour)
		if c, err = b.Propose(ctx, deputy, c.ID, in); err != nil {
			return nil, err
		}
		proposal = c.ProposalID
		ids = append(ids, c.ID)
	}
	clk.add(20 * 24 * time.Hour)
	if _, err := b.ReplyProposal(ctx, committee, proposal, app.ReplyInput{Outcome: zhitong.OutcomePlanned, Text: "已将 11 个老旧小区列入本年度改造计划。",
		PlannedDate: time.Now().AddDate(0, 8, 0).Format(time.DateOnly)}); err != nil {
		return nil, err
	}
	open, err := b.Intake(ctx, deputy, app.IntakeInput{Channel: zhitong.ChannelSurvey, Body: "农村客运班线少，建议开通镇村公交", CategoryCode: "roads", StationID: st.ID, Anonymous: true})
	if err != nil {
		return nil, err
	}
	if _, err := b.Propose(ctx, deputy, open.ID, app.ProposeInput{Title: "关于推进城乡公交一体化的建议"}); err != nil {
		return nil, err
	}
	ids = append(ids, open.ID)
	primary, err := b.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "晚上广场舞音响噪音太大，影响休息", RegionCode: st.RegionCode, Name: "钟秀兰", Phone: "13907970218"})
	if err != nil {
		return nil, err
	}
	dup, err := b.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "广场舞噪音扰民，十点以后还在跳", RegionCode: st.RegionCode, Anonymous: true})
	if err != nil {
		return nil, err
	}
	clk.add(24 * time.Hour)
	if _, err := b.Merge(ctx, officer, dup.ID, app.MergeInput{Into: primary.ID, Note: "同一问题"}); err != nil {
		return nil, err
	}
	return append(ids, primary.ID, dup.ID), nil
}
