package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
)

// receptionPreviewDays is how far ahead the editor previews reception days.
const receptionPreviewDays = 60

// lunarPresets are the usual market-day patterns (圩日), offered as one choice.
var lunarPresets = []struct{ Value, Label, Days string }{
	{"147", "逢一、四、七", "1,4,7,11,14,17,21,24,27"},
	{"258", "逢二、五、八", "2,5,8,12,15,18,22,25,28"},
	{"369", "逢三、六、九", "3,6,9,13,16,19,23,26,29"},
	{"510", "逢五、逢十", "5,10,15,20,25,30"},
}

var nthChoices = []zhitong.Named[string]{{Value: "0", Label: "每周"}, {Value: "1", Label: "每月第一个"}, {Value: "2", Label: "每月第二个"},
	{Value: "3", Label: "每月第三个"}, {Value: "4", Label: "每月第四个"}, {Value: "5", Label: "每月第五个"}, {Value: "-1", Label: "每月最后一个"}}

type receptionRuleRow struct {
	zhitong.ReceptionRule
	Text string
	Was  string // calendar.RuleReason, sent back to name the rule
}

// workReceptionData is the reception-day editor. Form and FormName hold
// what was typed in the form that was refused, so it is shown again.
type workReceptionData struct {
	Station    zhitong.Station
	Rules      []receptionRuleRow
	Exceptions []zhitong.ReceptionException
	Preview    []zhitong.ReceptionDay
	Today      string
	Presets    any
	Nths       []zhitong.Named[string]
	Weekdays   []string
	FormName   string
	Form       url.Values
	Error      string
	Field      string
}

// V returns the value typed into field of form, or def when that form was not the one sent.
func (d workReceptionData) V(form, field, def string) string {
	if d.FormName == form {
		return d.Form.Get(field)
	}
	return def
}

// Bad reports whether field of form is the one the error is about.
func (d workReceptionData) Bad(form, field string) bool {
	return d.FormName == form && d.Field == field
}

// receptionStation loads the {id} station and checks p may edit its reception days.
func (h *Handler) receptionStation(r *http.Request, p zhitong.Principal) (zhitong.Station, error) {
	st, err := h.stationFromPath(r)
	if err != nil {
		return st, err
	}
	return st, h.app.CanEditReception(r.Context(), p, st)
}

func (h *Handler) workReception(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	st, err := h.receptionStation(r, p)
	if err != nil {
		return err
	}
	return h.renderReception(w, r, http.StatusOK, st, workReceptionData{})
}

func (h *Handler) renderReception(w http.ResponseWriter, r *http.Request, status int, st zhitong.Station, d workReceptionData) error {
	ctx := r.Context()
	set, err := h.app.ReceptionRules(ctx, st.ID)
	if err != nil {
		return err
	}
	d.Station, d.Today, d.Presets, d.Nths = st, h.workToday(), lunarPresets, nthChoices
	d.Weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}
	for _, rv := range set.Rules {
		rule := zhitong.ReceptionRule{ID: rv.ID, Kind: rv.Kind, Weekday: rv.Weekday, Nth: rv.Nth, Days: rv.Days, Date: rv.Date, Holidays: rv.Holidays, Note: rv.Note}
		d.Rules = append(d.Rules, receptionRuleRow{ReceptionRule: rule, Text: rv.Text, Was: calendar.RuleReason(rule)})
	}
	for _, e := range set.Exceptions {
		d.Exceptions = append(d.Exceptions, zhitong.ReceptionException{Day: e.Day, MovedTo: e.MovedTo, Note: e.Note})
	}
	today, _ := time.Parse(time.DateOnly, d.Today)
	if d.Preview, err = h.app.ReceptionDays(ctx, st.ID, d.Today, today.AddDate(0, 0, receptionPreviewDays).Format(time.DateOnly)); err != nil {
		return err
	}
	return h.render(w, r, status, "work_reception", st.Name+"接待日", d)
}

// receptionEdit reads the station's current set, lets change edit it and
// saves it; a refused change shows the page again with the input kept.
func (h *Handler) receptionEdit(form string, change func(ctx context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.staff(r)
		if err != nil {
			return err
		}
		st, err := h.receptionStation(r, p)
		if err != nil {
			return err
		}
		if err := workParseForm(w, r); err != nil {
			return err
		}
		ctx := r.Context()
		set, err := h.app.ReceptionRules(ctx, st.ID)
		if err != nil {
			return err
		}
		rules, ex := app.ReceptionRulesInput{Rules: ruleInputs(set.Rules), Exceptions: set.Exceptions}.Domain()
		for i := range rules {
			rules[i].ID = set.Rules[i].ID
		}
		rules, ex, msg, err := change(ctx, r.PostForm, rules, ex)
		if err == nil {
			var sync *app.RosterSync
			if sync, err = h.app.SetReceptionRules(ctx, p, st.ID, rules, ex); err == nil {
				msg += rosterSyncNote(sync)
			}
		}
		if zhitong.ErrorCode(err) == zhitong.EINVALID {
			field := zhitong.ErrorField(err)
			if i := strings.LastIndex(field, "]."); i >= 0 {
				field = field[i+2:]
			}
			return h.renderReception(w, r, http.StatusBadRequest, st, workReceptionData{FormName: form, Form: r.PostForm,
				Error: zhitong.ErrorMessage(err), Field: field})
		}
		if err != nil {
			return err
		}
		h.flash(r, msg)
		http.Redirect(w, r, "/work/stations/"+strconv.FormatInt(st.ID, 10)+"/reception", http.StatusSeeOther)
		return nil
	}
}

// rosterSyncNote tells staff what a change did to the roster and to
// bookings: "；2 个值班随接待日调整，1 个值班已删除；本站有 3 个预约需改约".
func rosterSyncNote(s *app.RosterSync) string {
	if s == nil {
		return ""
	}
	var parts []string
	if s.Moved > 0 {
		parts = append(parts, strconv.Itoa(s.Moved)+" 个值班随接待日调整")
	}
	if s.Removed > 0 {
		parts = append(parts, strconv.Itoa(s.Removed)+" 个值班已删除")
	}
	if s.Reassigned > 0 {
		parts = append(parts, strconv.Itoa(s.Reassigned)+" 个预约改由接班代表接待，已短信告知群众")
	}
	if s.Stranded > 0 {
		parts = append(parts, "本站有 "+strconv.Itoa(s.Stranded)+" 个预约的代表当天不在岗，请到“预约接待”改约或取消")
	}
	if len(parts) == 0 {
		return ""
	}
	return "；" + strings.Join(parts, "；")
}

func ruleInputs(views []app.ReceptionRuleView) []app.ReceptionRuleJSON {
	out := make([]app.ReceptionRuleJSON, len(views))
	for i, v := range views {
		out[i] = v.ReceptionRuleJSON
	}
	return out
}

// parseDayList reads "5,15,25" (commas, 、 or spaces) into day numbers.
func parseDayList(s, field string) ([]int, error) {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, zhitong.Invalid(field, "日子应为用逗号分隔的数字，如 5,15,25；“%s”无效", part)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, zhitong.Invalid(field, "请填写日子，如 5,15,25")
	}
	return out, nil
}

// addRule reads the rule form of one kind and appends the rule.
func addRule(kind string) func(context.Context, url.Values, []zhitong.ReceptionRule, []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
	return func(_ context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
		r := zhitong.ReceptionRule{Kind: kind, Holidays: f.Get("holidays"), Note: f.Get("note")}
		var err error
		switch kind {
		case zhitong.RuleWeekday:
			if r.Weekday, err = workInt(f.Get("weekday"), "weekday", "星期"); err == nil {
				r.Nth, err = workInt(f.Get("nth"), "nth", "第几个")
			}
		case zhitong.RuleMonthDay:
			r.Days, err = parseDayList(f.Get("days"), "days")
		case zhitong.RuleLunar:
			days := f.Get("days")
			for _, p := range lunarPresets {
				if f.Get("preset") == p.Value {
					days = p.Days
				}
			}
			r.Days, err = parseDayList(days, "days")
		case zhitong.RuleDate:
			r.Date = f.Get("date")
		}
		if err != nil {
			return nil, nil, "", err
		}
		return append(rules, r), ex, "已添加接待日规则：" + calendar.RuleReason(r), nil
	}
}

// ruleIndex finds the rule named by the {rule} path segment in rules. The
// form also sends the rule as it was shown ("was"): ids are given anew when a
// set is saved, so a stale page must not reach another rule with a reused id.
func ruleIndex(r *http.Request, rules []zhitong.ReceptionRule) (int, error) {
	id, err := strconv.ParseInt(r.PathValue("rule"), 10, 64)
	i := slices.IndexFunc(rules, func(x zhitong.ReceptionRule) bool { return x.ID == id })
	if err != nil || i < 0 || r.PostForm.Get("was") != calendar.RuleReason(rules[i]) {
		return 0, zhitong.Errorf(zhitong.ENOTFOUND, "这条规则已被修改或删除，请刷新页面")
	}
	return i, nil
}

func (h *Handler) workReceptionRemoveRule(w http.ResponseWriter, r *http.Request) error {
	return h.receptionEdit("remove", func(_ context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
		i, err := ruleIndex(r, rules)
		if err != nil {
			return nil, nil, "", err
		}
		rules = slices.Delete(rules, i, i+1)
		// Exceptions for days the remaining rules no longer give go with the rule.
		holiday := h.app.Calendar().IsHoliday
		kept := ex[:0]
		for _, e := range ex {
			if d, err := time.Parse(time.DateOnly, e.Day); err == nil && calendar.RulesGive(rules, d, holiday) {
				kept = append(kept, e)
			}
		}
		msg := "已删除接待日规则"
		if n := len(ex) - len(kept); n > 0 {
			msg += "，并删除了 " + strconv.Itoa(n) + " 条不再适用的调整"
		}
		return rules, kept, msg, nil
	})(w, r)
}

func (h *Handler) workReceptionHolidays(w http.ResponseWriter, r *http.Request) error {
	return h.receptionEdit("holidays", func(_ context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
		i, err := ruleIndex(r, rules)
		if err != nil {
			return nil, nil, "", err
		}
		rules[i].Holidays = f.Get("holidays")
		return rules, ex, "已修改节假日安排：" + calendar.DescribeRule(rules[i]), nil
	})(w, r)
}

func addException(_ context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
	e := zhitong.ReceptionException{Day: f.Get("day"), Note: f.Get("note")}
	msg := "已取消 " + e.Day + " 的接待"
	if f.Get("action") == "move" {
		e.MovedTo = f.Get("moved_to")
		if strings.TrimSpace(e.MovedTo) == "" {
			return nil, nil, "", zhitong.Invalid("moved_to", "请填写调整到的日期")
		}
		msg = "已将 " + e.Day + " 的接待调整到 " + e.MovedTo
	}
	return rules, append(ex, e), msg, nil
}

func removeException(_ context.Context, f url.Values, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ([]zhitong.ReceptionRule, []zhitong.ReceptionException, string, error) {
	i := slices.IndexFunc(ex, func(e zhitong.ReceptionException) bool { return e.Day == f.Get("day") })
	if i < 0 {
		return nil, nil, "", zhitong.Errorf(zhitong.ENOTFOUND, "这条调整已被删除，请刷新页面")
	}
	return rules, slices.Delete(ex, i, i+1), "已撤销 " + f.Get("day") + " 的调整", nil
}
