package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// workPolicyData is the deadline policy form. Form holds what is shown:
// the stored policy, or what was typed when it was refused.
type workPolicyData struct {
	Form       url.Values
	Kinds      []zhitong.Named[zhitong.CaseKind]
	Categories []zhitong.Category
	Committee  bool
	Error      string
	Field      string
}

// V returns a form value.
func (d workPolicyData) V(name string) string { return d.Form.Get(name) }

// policyForm renders a policy as form values.
func policyForm(p *app.Policy) url.Values {
	f := url.Values{}
	var pairs []string
	for _, l := range p.Limits {
		switch {
		case l.Kind != "" && l.Category != "":
			pairs = append(pairs, string(l.Kind)+" "+l.Category+" "+strconv.Itoa(l.Days))
		case l.Kind != "":
			f.Set("kind_"+string(l.Kind), strconv.Itoa(l.Days))
		default:
			f.Set("cat_"+l.Category, strconv.Itoa(l.Days))
		}
	}
	f.Set("pairs", strings.Join(pairs, "\n"))
	for name, v := range policyInts(p) {
		f.Set(name, strconv.Itoa(*v))
	}
	f.Set("reminder_days", joinDays(p.ReminderDays))
	f.Set("proposal_reminder_days", joinDays(p.ProposalReminderDays))
	f.Set("letter_prefix", p.LetterPrefix)
	if p.BulletinWeekly {
		f.Set("bulletin_weekly", "1")
	}
	if p.BulletinMonthly {
		f.Set("bulletin_monthly", "1")
	}
	return f
}

func policyInts(p *app.Policy) map[string]*int {
	return map[string]*int{"rehandle_days": &p.RehandleDays, "return_days": &p.ReturnDays, "proposal_months": &p.ProposalMonths,
		"complex_proposal_months": &p.ComplexProposalMonths, "letter_after_days": &p.LetterAfterDays, "list_after_days": &p.ListAfterDays,
		"callback_after_days": &p.CallbackAfterDays, "callback_max_tries": &p.CallbackMaxTries, "follow_up_days": &p.FollowUpDays}
}

// parsePolicyForm reads the form back into a policy; app.SetPolicy validates the values.
func parsePolicyForm(f url.Values, cats []zhitong.Category) (app.Policy, error) {
	var p app.Policy
	for name, dst := range policyInts(&p) {
		n, err := workInt(f.Get(name), name, "该项")
		if err != nil {
			return p, err
		}
		*dst = n
	}
	for _, k := range zhitong.CaseKinds {
		if err := addLimit(&p, f.Get("kind_"+string(k.Value)), "kind_"+string(k.Value), k.Value, ""); err != nil {
			return p, err
		}
	}
	for _, c := range cats {
		if err := addLimit(&p, f.Get("cat_"+c.Code), "cat_"+c.Code, "", c.Code); err != nil {
			return p, err
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(f.Get("pairs")), "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		if len(parts) != 3 {
			return p, zhitong.Invalid("pairs", "第 %d 行应为“诉求类型 分类代码 工作日”，如 complaint water 5", i+1)
		}
		if err := addLimit(&p, parts[2], "pairs", zhitong.CaseKind(parts[0]), parts[1]); err != nil {
			return p, err
		}
	}
	var err error
	if p.ReminderDays, err = splitDays(f, "reminder_days", "3,1"); err != nil {
		return p, err
	}
	if p.ProposalReminderDays, err = splitDays(f, "proposal_reminder_days", "10,3"); err != nil {
		return p, err
	}
	p.LetterPrefix = f.Get("letter_prefix")
	p.BulletinWeekly, p.BulletinMonthly = f.Get("bulletin_weekly") == "1", f.Get("bulletin_monthly") == "1"
	return p, nil
}

func addLimit(p *app.Policy, v, field string, kind zhitong.CaseKind, category string) error {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return zhitong.Invalid(field, "办理时限应为整数个工作日")
	}
	p.Limits = append(p.Limits, app.Limit{Kind: kind, Category: category, Days: n})
	return nil
}

func (h *Handler) workPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	pol, err := h.app.Policy(r.Context(), p)
	if err != nil {
		return err
	}
	cats, err := h.app.Categories(r.Context())
	if err != nil {
		return err
	}
	d := workPolicyData{Form: policyForm(pol), Kinds: zhitong.CaseKinds, Categories: cats, Committee: p.Role == zhitong.RoleCommittee}
	return h.render(w, r, http.StatusOK, "work_policy", "办理时限与督办规则", d)
}

func (h *Handler) workSavePolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	cats, err := h.app.Categories(r.Context())
	if err != nil {
		return err
	}
	pol, err := parsePolicyForm(r.PostForm, cats)
	if err == nil {
		_, err = h.app.SetPolicy(r.Context(), p, pol)
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		d := workPolicyData{Form: r.PostForm, Kinds: zhitong.CaseKinds, Categories: cats, Committee: true,
			Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)}
		return h.render(w, r, http.StatusBadRequest, "work_policy", "办理时限与督办规则", d)
	}
	if err != nil {
		return err
	}
	h.flash(r, "办理时限与督办规则已保存")
	http.Redirect(w, r, "/work/policy", http.StatusSeeOther)
	return nil
}

func joinDays(days []int) string {
	var out []string
	for _, d := range days {
		out = append(out, strconv.Itoa(d))
	}
	return strings.Join(out, ",")
}

// splitDays reads a comma-separated list of working days from field.
func splitDays(f url.Values, field, example string) ([]int, error) {
	var out []int
	for _, s := range strings.FieldsFunc(f.Get(field), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, zhitong.Invalid(field, "到期前提醒应为用逗号分隔的工作日数，如 %s", example)
		}
		out = append(out, n)
	}
	return out, nil
}
