package app

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// TemplateDef is a notification template (通知模板): its name, the
// variables it may use, and the text shipped by default. Staff may edit the
// text (EditTemplate); the variables are fixed by the code that fills them.
type TemplateDef struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Vars    []string `json:"vars"`    // in the order SMS providers receive them
	Citizen bool     `json:"citizen"` // sent to citizens by SMS (quiet hours apply)
	Default string   `json:"default"`
}

// templateDefs are the templates the platform knows. Add one here for every
// new Notice.Template; a notice with an unknown template is delivered with
// a generic text (see render).
var templateDefs = []TemplateDef{
	{Name: "case.acknowledged", Label: "受理告知（群众）", Vars: []string{"code"}, Citizen: true,
		Default: "您反映的问题已受理，查询码{code}，可凭查询码查询办理进度。"},
	{Name: "case.assigned", Label: "交办告知（群众）", Vars: []string{"code", "unit", "due"}, Citizen: true,
		Default: "您反映的问题（查询码{code}）已交{unit}办理，办理期限至{due}。"},
	{Name: "case.replied", Label: "答复告知（群众）", Vars: []string{"code", "link"}, Citizen: true,
		Default: "您反映的问题（查询码{code}）已答复，请查看答复并评价：{link}"},
	{Name: "case.rehandled", Label: "重办告知（群众）", Vars: []string{"code", "due"}, Citizen: true,
		Default: "您反映的问题（查询码{code}）已安排重新办理，办理期限至{due}。"},
	{Name: "unit.assigned", Label: "新交办案件（承办单位）", Vars: []string{"code", "title", "due"},
		Default: "新交办案件：{title}（查询码{code}），办理期限至{due}，请及时签收。"},
	// Calendar (calendar.go): a provisional deadline moved by a newly loaded holiday schedule.
	{Name: "unit.due_changed", Label: "办理期限调整（承办单位）", Vars: []string{"code", "title", "old_due", "due", "year", "url"},
		Default: "{title}（查询码{code}）的办理期限按国务院公布的{year}年节假日安排由{old_due}调整为{due}。"},
	// Co-handling opinions (unit_duties.go): to the lead unit's handlers.
	{Name: "unit.co_opinion", Label: "协办意见（主办单位）", Vars: []string{"code", "title", "unit", "url"},
		Default: "{unit}对“{title}”（查询码{code}）提交了协办意见，请在工作台查看后统一答复。"},
	// Escalation (escalate.go): to the lead unit's handlers.
	{Name: "case.reminder", Label: "到期提醒（承办单位）", Vars: []string{"code", "title", "unit", "due", "days_left", "url"},
		Default: "到期提醒：{title}（查询码{code}）办理期限至{due}，还有{days_left}个工作日，请按期答复。"},
	{Name: "case.overdue_letter", Label: "督办函（承办单位）", Vars: []string{"code", "title", "unit", "due", "number", "overdue_days", "url"},
		Default: "督办函{number}：{title}（查询码{code}）已超过办理期限（{due}）{overdue_days}个工作日，请{unit}立即办理并答复。"},
	{Name: "case.manual_letter", Label: "发函督办（承办单位）", Vars: []string{"code", "title", "unit", "due", "number", "overdue_days", "url"},
		Default: "督办函{number}：请{unit}抓紧办理“{title}”（查询码{code}），办理期限至{due}，督办函全文请在工作台查看。"},
	{Name: "case.supervision_listed", Label: "列入督办清单（承办单位）", Vars: []string{"code", "title", "unit", "due", "overdue_days", "url"},
		Default: "{title}（查询码{code}）逾期{overdue_days}个工作日，已列入督办清单并纳入通报。"},
	// Proposal escalation (proposal_escalate.go): to the handling unit and the committee staff.
	{Name: "proposal.assigned", Label: "代表建议交办（承办单位）", Vars: []string{"id", "title", "unit", "due", "url"},
		Default: "代表建议“{title}”（第{id}号）交由{unit}办理，办理期限至{due}，请及时办理并答复代表。"},
	{Name: "proposal.reminder", Label: "代表建议到期提醒", Vars: []string{"id", "title", "unit", "due", "days_left", "url"},
		Default: "到期提醒：代表建议“{title}”（第{id}号）办理期限至{due}，还有{days_left}个工作日，请按期答复。"},
	{Name: "proposal.overdue_letter", Label: "代表建议督办函", Vars: []string{"id", "title", "unit", "due", "number", "overdue_days", "url"},
		Default: "督办函{number}：代表建议“{title}”（第{id}号）已超过办理期限（{due}）{overdue_days}个工作日，请{unit}立即办理并答复。"},
	{Name: "proposal.supervision_listed", Label: "代表建议列入督办清单", Vars: []string{"id", "title", "unit", "due", "overdue_days", "url"},
		Default: "代表建议“{title}”（第{id}号）逾期{overdue_days}个工作日，已列入督办清单。"},
	// Appointments (appointments.go): to the citizen who booked.
	{Name: "appointment.booked", Label: "预约成功（群众）", Vars: []string{"code", "station", "deputy", "day", "time"}, Citizen: true,
		Default: "您已预约{day}{time}在{station}与{deputy}代表面谈，预约码{code}。不能前来请凭预约码取消。"},
	{Name: "appointment.cancelled", Label: "预约取消告知（群众）", Vars: []string{"code", "station", "day", "reason"}, Citizen: true,
		Default: "很抱歉，您{day}在{station}的预约（预约码{code}）已被联络站取消，原因：{reason}。可重新预约其他时段。"},
	{Name: "appointment.reassigned", Label: "预约改由其他代表接待（群众）", Vars: []string{"code", "station", "deputy", "day", "time"}, Citizen: true,
		Default: "您{day}{time}在{station}的预约（预约码{code}）改由{deputy}代表接待，时间地点不变。不能前来请凭预约码取消。"},
	{Name: "appointment.new", Label: "新预约（代表）", Vars: []string{"code", "station", "day", "time", "topic"},
		Default: "群众预约{day}{time}在{station}与您面谈（预约码{code}），想谈：{topic}。"},
	{Name: "appointment.withdrawn", Label: "预约取消（代表）", Vars: []string{"code", "day", "time"},
		Default: "{day}{time}的预约（预约码{code}）已取消。"},
	// The inactivity list (reminders.go): to the deputy reminded.
	{Name: "deputy.inactive_reminder", Label: "约谈提醒（代表）", Vars: []string{"deputy", "days", "last", "note"},
		Default: "{deputy}代表：您已有{days}天没有进站履职（最近一次：{last}），请尽快到联络站接待选民。{note}"},
	// Duty reminders (duty_reminders.go), a sweep step: to the deputy on duty tomorrow, in-app or by SMS.
	{Name: "deputy.duty_reminder", Label: "值班提醒（代表）", Vars: []string{"deputy", "station", "day", "address", "hours", "phone"},
		Default: "{deputy}代表：您明天（{day}）在{station}值班接待选民，地址：{address}。如不能前来，请联系联络站（{phone}）。"},
	// Cases moved between levels of congress (internal/levels): the staff of both organisations, and the citizen.
	{Name: "staff.case_transferred", Label: "案件移交告知（工作人员）", Vars: []string{"code", "title", "from", "to", "reason"},
		Default: "案件{code}“{title}”已由{from}移交{to}办理。理由：{reason}"},
	{Name: "case.transferred", Label: "移交告知（群众）", Vars: []string{"code", "to"}, Citizen: true,
		Default: "您反映的问题（查询码{code}）已移交{to}办理，可凭查询码查询办理进度。"},
	// Duty roster swaps (roster_swaps.go): to the station's staff and the deputies involved.
	{Name: "staff.swap_requested", Label: "换班申请待审批（工作人员）", Vars: []string{"station", "deputy", "day", "target", "target_day", "kind", "status"},
		Default: "{station}：{deputy}申请{kind}（{day}），对方{target}，请审批。"},
	{Name: "deputy.swap_requested", Label: "换班申请告知（代表）", Vars: []string{"station", "deputy", "day", "target", "target_day", "kind", "status"},
		Default: "{deputy}申请与您{kind}：{station}{day}的值班，待工作人员审批。"},
	{Name: "deputy.swap_decided", Label: "换班审批结果（代表）", Vars: []string{"station", "deputy", "day", "target", "target_day", "kind", "status"},
		Default: "{station}{day}的{kind}申请（{deputy}、{target}）{status}，请查看最新值班安排。"},
}

func templateDef(name string) (TemplateDef, bool) {
	for _, d := range templateDefs {
		if d.Name == name {
			return d, true
		}
	}
	return TemplateDef{}, false
}

// Template is a template with its current text.
type Template struct {
	TemplateDef
	Body   string `json:"body"`
	Edited bool   `json:"edited"`
}

// Templates lists every template with its current text, for committee staff.
func (a *App) Templates(ctx context.Context, p zhitong.Principal) ([]Template, error) {
	if err := mayEditTemplates(p); err != nil {
		return nil, err
	}
	bodies, err := store.TemplateBodies(ctx, a.db)
	if err != nil {
		return nil, err
	}
	out := make([]Template, 0, len(templateDefs))
	for _, d := range templateDefs {
		t := Template{TemplateDef: d, Body: d.Default}
		if b, ok := bodies[d.Name]; ok {
			t.Body, t.Edited = b, true
		}
		out = append(out, t)
	}
	return out, nil
}

func mayEditTemplates(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以管理通知模板")
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

const maxTemplate = 300

// validateTemplate checks a template text: not empty, not too long for an
// SMS, and every {variable} known to the template.
func validateTemplate(d TemplateDef, body string) error {
	if err := checkLen("body", "模板内容", body, 1, maxTemplate); err != nil {
		return err
	}
	for _, m := range placeholder.FindAllStringSubmatch(body, -1) {
		known := false
		for _, v := range d.Vars {
			known = known || v == m[1]
		}
		if !known {
			return zhitong.Invalid("body", "模板中的变量{%s}不存在，可用变量：%s", m[1], varList(d.Vars))
		}
	}
	if strings.Count(body, "{") != strings.Count(body, "}") {
		return zhitong.Invalid("body", "模板中的花括号不成对，变量请写成 {code} 的形式")
	}
	return nil
}

func varList(vars []string) string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = "{" + v + "}"
	}
	return strings.Join(out, "、")
}

// EditTemplate sets a template's text (an empty body restores the default).
// The change is audited with the old and new text.
func (a *App) EditTemplate(ctx context.Context, p zhitong.Principal, name, body string) (*Template, error) {
	if err := mayEditTemplates(p); err != nil {
		return nil, err
	}
	d, ok := templateDef(name)
	if !ok {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通知模板“%s”不存在", name)
	}
	body = strings.TrimSpace(body)
	if body != "" {
		if err := validateTemplate(d, body); err != nil {
			return nil, err
		}
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		old, err := store.TemplateBodies(ctx, tx)
		if err != nil {
			return err
		}
		if body == "" {
			err = tx.DeleteTemplate(ctx, name)
		} else {
			err = tx.PutTemplate(ctx, name, body, a.clock.Now(), actorString(p))
		}
		if err != nil {
			return err
		}
		before, had := old[name]
		if !had {
			before = d.Default
		}
		return a.audit(ctx, tx, p, "template.edit", "template:"+name, map[string]any{"from": before, "to": body})
	})
	if err != nil {
		return nil, err
	}
	t := &Template{TemplateDef: d, Body: d.Default}
	if body != "" {
		t.Body, t.Edited = body, true
	}
	return t, nil
}

// render fills a template's text with vars. A template unknown to
// templateDefs renders as its name and variables, so a notice is never lost
// to a missing text.
func render(name string, bodies map[string]string, vars map[string]string) string {
	body, ok := bodies[name]
	if !ok {
		d, known := templateDef(name)
		if !known {
			keys := make([]string, 0, len(vars))
			for k := range vars {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := []string{name}
			for _, k := range keys {
				parts = append(parts, k+"="+vars[k])
			}
			return strings.Join(parts, " ")
		}
		body = d.Default
	}
	return placeholder.ReplaceAllStringFunc(body, func(m string) string {
		return vars[m[1:len(m)-1]]
	})
}
