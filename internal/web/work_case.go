package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/documents"
	"zhitong/internal/dups"
	"zhitong/internal/exchange"
	"zhitong/internal/levels"
)

// workActionForm is one action's form on the case page, with what was typed
// and the error when the last attempt failed.
type workActionForm struct {
	Action zhitong.Action
	Label  string
	Values url.Values
	Error  string
	Field  string
	Open   bool
}

// V is the typed (or default) value of a field.
func (f *workActionForm) V(key string) string { return f.Values.Get(key) }

// Has reports whether a multi-valued field (checkboxes) holds v.
func (f *workActionForm) Has(key, v string) bool {
	for _, x := range f.Values[key] {
		if x == v {
			return true
		}
	}
	return false
}

// Bad reports whether the last error was about this field.
func (f *workActionForm) Bad(key string) bool { return f.Error != "" && f.Field == key }

// ID is the prefix of the form's element ids.
func (f *workActionForm) ID() string { return "act-" + string(f.Action) }

// workUnitLine is a unit handling the current round.
type workUnitLine struct {
	Name  string
	Lead  bool
	State zhitong.AssignmentState
}

type workCaseData struct {
	V        *app.CaseView
	Refs     *workRefs
	Forms    []*workActionForm
	Units    []workUnitLine
	Pending  *zhitong.Extension // extension request waiting for a decision
	Missing  []zhitong.Named[zhitong.Recipient]
	Conflict string // why the last step was refused (409)
	// Reveal is the reveal form; Revealed the unmasked data, shown once.
	CanReveal    bool
	RevealReason string
	RevealError  string
	Revealed     *zhitong.Submitter
	CategoryDays int
	RehandleDays int // the policy's limit of a re-handle round (重办)
	Photos       []app.Attachment
	Files        []app.Attachment  // reply letters, photos after repair, intake scans (internal/attachments)
	Proposal     *app.ProposalView // the proposal the case was bundled into, when the caller may see it
	// Duplicates are the likely duplicates of an open case, for staff who
	// may merge (internal/dups); each row merges this case into that one.
	Duplicates []dups.Match
	// Documents are the case's official documents (internal/documents);
	// ReplyDoc offers the 答复函 of the latest reply.
	Documents []*documents.Document
	ReplyDoc  int64
	// Analysis is the analysis group's opinions on the case and their
	// forms (work_topics.go); nil for roles with nothing there.
	Analysis *workCaseAnalysis
	// Exchange: the case's work orders with 12345 or another deployment
	// (internal/exchange); Peers: where a referral may go electronically.
	Exchange []*exchange.Order
	Peers    []*exchange.Peer
	// Targets: where the case may be moved between levels (internal/levels);
	// HeldBy names the organisation it was moved to, if it was.
	Targets []levels.Target
	HeldBy  string
	// AddKinds are the kinds of file the caller may add to the case later
	// (the 添加附件 form); AttachError / AttachValues its refusal, shown
	// with the form (the files must be chosen again).
	AddKinds     []string
	AttachError  string
	AttachValues url.Values

	// The lead unit's phone look-up and the co-handling opinions (work_case_duties.go).
	workUnitDuties
}

// Mark is the deadline mark: "overdue", "soon" or "".
func (d *workCaseData) Mark() string { return workDueMark(d.V.DaysLeft, d.V.Overdue) }

// Abs is the absolute value, for "overdue by n working days".
func (d *workCaseData) Abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Running reports whether a unit deadline is running.
func (d *workCaseData) Running() bool { return d.V.Status.Running() }

// Helpers for naming enum values in the template.
func (d *workCaseData) Outcomes() []zhitong.Named[zhitong.Outcome] { return zhitong.Outcomes }
func (d *workCaseData) Ratings() []zhitong.Named[zhitong.Rating]   { return zhitong.Ratings }
func (d *workCaseData) FeedbackChannels() []zhitong.Named[zhitong.FeedbackChannel] {
	return zhitong.FeedbackChannels
}
func (d *workCaseData) SupervisionKinds() []zhitong.Named[string] { return app.SupervisionKinds }
func (d *workCaseData) RecipientLabel(r zhitong.Recipient) string {
	return zhitong.Label(zhitong.Recipients, r)
}
func (d *workCaseData) FeedbackLabel(c zhitong.FeedbackChannel) string {
	return zhitong.Label(zhitong.FeedbackChannels, c)
}

// AssignmentState names an assignment's state.
func (d *workCaseData) AssignmentState(s zhitong.AssignmentState) string {
	return map[zhitong.AssignmentState]string{zhitong.AssignmentPending: "待签收", zhitong.AssignmentAccepted: "已签收",
		zhitong.AssignmentReturned: "已退回", zhitong.AssignmentDone: "已办结"}[s]
}

// ExtensionState names an extension request's state.
func (d *workCaseData) ExtensionState(s string) string {
	return map[string]string{"pending": "待审批", "approved": "已同意", "refused": "不同意"}[s]
}

// ResolutionLabel names how a finished case ended.
func (d *workCaseData) ResolutionLabel(r zhitong.Resolution) string {
	return map[zhitong.Resolution]string{zhitong.ResolutionHandled: "答复并评价后办结", zhitong.ResolutionExplained: "作出说明后办结",
		zhitong.ResolutionAnswered: "当场解答", zhitong.ResolutionReferred: "转其他渠道办理", zhitong.ResolutionMerged: "合并办理",
		zhitong.ResolutionDeclined: "不予受理", zhitong.ResolutionUnrated: "已答复，群众未评价"}[r]
}

// defaults are the starting values of each action's form.
func (d *workCaseData) defaults(a zhitong.Action) url.Values {
	v := d.V
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	switch a {
	case zhitong.ActionRegister:
		return url.Values{"category": {v.Category}, "title": {v.Title}, "station_id": {id(v.StationID)}, "deputy_id": {id(v.DeputyID)}, "place": {v.Place}}
	case zhitong.ActionPropose:
		return url.Values{"title": {v.Title}, "body": {v.Body}, "deputy_id": {id(v.DeputyID)}}
	case zhitong.ActionReply:
		return url.Values{"congress_channel": {"written"}, "citizen_channel": {"phone"}}
	case zhitong.ActionDeliver:
		out := url.Values{"channel": {"phone"}}
		if len(d.Missing) > 0 {
			out.Set("recipient", string(d.Missing[0].Value))
		}
		return out
	case zhitong.ActionCallback:
		return url.Values{"reached": {"1"}}
	case zhitong.ActionAssign:
		// The category's default lead unit in this jurisdiction (docs/admin.md).
		return url.Values{"lead_unit_id": {id(v.DefaultLeadUnitID)}}
	case zhitong.ActionSupervise:
		return url.Values{"kind": {"phone"}}
	case zhitong.ActionDecideExtension:
		return url.Values{"approve": {"1"}}
	}
	return url.Values{}
}

// loadWorkCase builds the case page for p. failed, when set, is the action
// whose form is shown again with what was typed and its error.
func (h *Handler) loadWorkCase(ctx context.Context, p zhitong.Principal, id int64, failed *workActionForm) (*workCaseData, error) {
	v, err := h.app.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &workCaseData{V: v}
	if p.May(zhitong.ActionMerge) && v.Status.Open() {
		if d.Duplicates, err = dups.New(h.app).ForCase(ctx, p, id); err != nil {
			return nil, err
		}
	}
	if d.Analysis, err = h.caseAnalysis(ctx, p, v); err != nil {
		return nil, err
	}
	if v.ProposalID != 0 {
		d.Proposal, _ = h.app.Proposal(ctx, p, v.ProposalID) // a caller outside its scope sees the number only
	}
	if d.Files, err = attachments.New(h.app).List(ctx, p, id); err != nil {
		return nil, err
	}
	d.AddKinds = attachments.AddableKinds(p, v.Status, v.LeadUnitID)
	if d.Photos, err = h.app.Attachments(ctx, p, id); err != nil {
		return nil, err
	}
	if d.Documents, err = h.documents().ForCase(ctx, p, id); err != nil {
		return nil, err
	}
	if n := len(v.Replies); n > 0 && (p.Role == zhitong.RoleUnit && v.Replies[n-1].UnitID == p.UnitID || p.May(zhitong.ActionAssign)) {
		d.ReplyDoc = v.Replies[n-1].ID
		for _, doc := range d.Documents {
			if doc.Kind == "reply" && doc.Source == "reply:"+strconv.FormatInt(d.ReplyDoc, 10) {
				d.ReplyDoc = 0
			}
		}
	}
	x := exchange.New(h.app)
	if d.Exchange, err = x.CaseOrders(ctx, p, id); err != nil {
		return nil, err
	}
	if p.May(zhitong.ActionRefer) && v.Status.CanDo(zhitong.ActionRefer) == nil {
		if d.Peers, err = x.ReferralPeers(ctx, v.Region); err != nil {
			return nil, err
		}
	}
	if d.Targets, err = levels.New(h.app).Targets(ctx, p, id); err != nil {
		return nil, err
	}
	if v.HeldBy != "" {
		if o, err := h.app.OrganisationFor(ctx, v.HeldBy); err == nil {
			d.HeldBy = o.Name
		}
	}
	region := v.Region
	if len(region) > 6 {
		region = region[:6] // the county: stations and deputies of neighbouring towns too
	}
	if d.Refs, err = h.loadWorkRefs(ctx, p, region); err != nil {
		return nil, err
	}
	for _, c := range d.Refs.Categories {
		if c.Code == v.Category {
			d.CategoryDays = c.DueDays
		}
	}
	if pol, err := h.app.Policy(ctx, p); err == nil {
		d.RehandleDays = pol.RehandleDays
	}
	for _, as := range v.Assignments {
		if as.Round == v.Round && as.State != zhitong.AssignmentReturned {
			d.Units = append(d.Units, workUnitLine{Name: d.Refs.Unit(as.UnitID), Lead: as.Lead, State: as.State})
		}
	}
	for _, e := range v.Extensions {
		if e.State == "pending" {
			d.Pending = e
		}
	}
	if n := len(v.Replies); n > 0 {
		have := map[zhitong.Recipient]bool{}
		for _, del := range v.Replies[n-1].Deliveries {
			have[del.Recipient] = true
		}
		for _, r := range zhitong.Recipients {
			if !have[r.Value] {
				d.Missing = append(d.Missing, r)
			}
		}
	}
	for _, a := range v.Actions {
		if a == zhitong.ActionReveal {
			d.CanReveal = !v.Anonymous
			continue
		}
		if a == zhitong.ActionRevealPhone { // its own form, beside the submitter
			continue
		}
		// Offer only what can succeed: the lifecycle allows these by status,
		// but they also need something to act on.
		switch {
		case a == zhitong.ActionDeliver && len(d.Missing) == 0: // both sides recorded
			continue
		case a == zhitong.ActionDecideExtension && d.Pending == nil:
			continue
		case a == zhitong.ActionRequestExtension && d.Pending != nil:
			continue
		case a == zhitong.ActionTransfer && len(d.Targets) == 0: // no organisation above or below
			continue
		}
		f := &workActionForm{Action: a, Label: zhitong.Label(zhitong.ActionLabels, a), Values: d.defaults(a)}
		if failed != nil && failed.Action == a {
			f.Values, f.Error, f.Field, f.Open = failed.Values, failed.Error, failed.Field, true
		}
		d.Forms = append(d.Forms, f)
	}
	d.fillUnitDuties(p)
	if len(d.Forms) == 1 {
		d.Forms[0].Open = true
	}
	return d, nil
}

func workCaseTitle(v *app.CaseView) string { return "案件 " + v.Code + "：" + v.Title }

func workCaseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhitong.Errorf(zhitong.ENOTFOUND, "案件不存在")
	}
	return id, nil
}

func (h *Handler) workCase(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	d, err := h.loadWorkCase(r.Context(), p, id, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_case", workCaseTitle(d.V), d)
}

// workReveal shows the submitter's personal data unmasked, once, to a role
// allowed to see it; the application records who looked and why.
func (h *Handler) workReveal(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workCaseForm(w, r)
	if err != nil {
		return err
	}
	if !p.May(zhitong.ActionReveal) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看群众个人信息", zhitong.Label(zhitong.Roles, p.Role))
	}
	reason := r.PostForm.Get("reason")
	sub, rerr := h.app.Reveal(r.Context(), p, id, reason)
	if rerr != nil && zhitong.ErrorCode(rerr) != zhitong.EINVALID {
		return rerr
	}
	d, err := h.loadWorkCase(r.Context(), p, id, nil)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rerr != nil {
		d.RevealReason, d.RevealError, status = reason, zhitong.ErrorMessage(rerr), http.StatusBadRequest
	} else {
		d.Revealed = &sub
	}
	return h.renderRevealed(w, r, d, status)
}

// workPhoto serves one photo of a case to staff who may view the case.
func (h *Handler) workPhoto(w http.ResponseWriter, r *http.Request) error {
	return h.serveCaseFile(w, r, "photo", "private, max-age=3600", func(ctx context.Context, p zhitong.Principal, id, file int64) (*app.Attachment, error) {
		return h.app.AttachmentData(ctx, p, id, file, r.URL.Query().Get("size") == "thumb")
	})
}

// LetterScans are the signed reply letters (答复函 scans, kind
// reply_letter) the unit uploaded: the unit's signed original, listed with
// the case's documents.
func (d *workCaseData) LetterScans() []app.Attachment {
	var out []app.Attachment
	for _, f := range d.Files {
		if f.Kind == "reply_letter" {
			out = append(out, f)
		}
	}
	return out
}

// ScansOf are the letter scans uploaded with or after reply round (and
// before the next reply); those uploaded before any reply go with the
// first.
func (d *workCaseData) ScansOf(round int) []app.Attachment {
	var out []app.Attachment
	replies := d.V.Replies
	for _, f := range d.LetterScans() {
		r := 0
		for i, rep := range replies {
			if i == 0 || !f.CreatedAt.Before(rep.At) {
				r = rep.Round
			}
		}
		if r == round {
			out = append(out, f)
		}
	}
	return out
}

// AttachPublic says whether the 添加附件 form's box "citizens see the
// files of kind" is ticked: as sent after a refusal, else photos after
// repair only (the reply form's default).
func (d *workCaseData) AttachPublic(kind string) bool {
	if d.AttachValues != nil {
		v := d.AttachValues.Get("public_" + kind)
		return v == "1" || v == "on"
	}
	return kind == attachments.KindReplyPhoto
}

// AttachAccept is the accept attribute of the file input of kind.
func (d *workCaseData) AttachAccept(kind string) string {
	if kind == attachments.KindReplyLetter || kind == attachments.KindIntakeScan {
		return "application/pdf,image/jpeg,image/png,image/webp"
	}
	return "image/jpeg,image/png,image/webp"
}
