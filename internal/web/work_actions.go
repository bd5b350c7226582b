package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/exchange"
	"zhitong/internal/levels"
)

// workDone is the flash message after each action succeeds.
var workDone = map[zhitong.Action]string{
	zhitong.ActionRegister: "已登记分类，等待分流", zhitong.ActionAnswer: "已当场解答并办结", zhitong.ActionAssign: "已交办，办理时限开始计算",
	zhitong.ActionPropose: "已转为代表建议", zhitong.ActionRefer: "已转其他渠道办理", zhitong.ActionReferralResult: "已记录转办结果并办结",
	zhitong.ActionMerge: "已合并到主案件", zhitong.ActionDecline: "已不予受理，理由将告知群众", zhitong.ActionAccept: "已签收",
	zhitong.ActionReturn: "已退回，等待重新交办", zhitong.ActionRequestExtension: "延期申请已提交，等待审批",
	zhitong.ActionDecideExtension: "已审批延期申请", zhitong.ActionReply: "已答复", zhitong.ActionDeliver: "已记录反馈送达",
	zhitong.ActionCallback: "已记录回访", zhitong.ActionRehandle: "已责成重新办理", zhitong.ActionExplain: "已作出说明并办结",
	zhitong.ActionClose: "已办结", zhitong.ActionArchive: "已归档", zhitong.ActionSupervise: "已记录督办",
	zhitong.ActionCoOpinion: "协办意见已提交，主办单位会收到通知；主办单位答复前可以修改",
	zhitong.ActionTransfer:  "已移交，接收方和本方工作人员会收到通知；本方此后只能查看",
}

// workAction runs one lifecycle step from its form on the case page. Success
// goes back to the case page with a flash; a validation error shows the page
// again with the typed values; a refused step (409) shows the case as it now
// stands with the reason.
func (h *Handler) workAction(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	act := zhitong.Action(r.PathValue("action"))
	if _, ok := workDone[act]; !ok {
		return zhitong.Errorf(zhitong.ENOTFOUND, "没有这项操作：%s", act)
	}
	if !p.May(act) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权执行“%s”", zhitong.Label(zhitong.Roles, p.Role), zhitong.Label(zhitong.ActionLabels, act))
	}
	ctx := r.Context()
	if _, err := h.app.Get(ctx, p, id); err != nil {
		return err // not found, or not in the jurisdiction
	}
	// The reply form may carry the reply letter and photos after repair:
	// read within the attachment limits, through the upload gate.
	files, release, fileErr, err := h.readFilesForm(w, r, act == zhitong.ActionReply)
	defer release()
	if err != nil {
		return err
	}
	if err = fileErr; err == nil {
		err = h.workDo(ctx, p, id, act, r.PostForm, files)
	}
	switch zhitong.ErrorCode(err) {
	case "":
		h.flash(r, workDone[act])
		if workHTMX(r) {
			d, err := h.loadWorkCase(ctx, p, id, nil)
			if err != nil {
				return err
			}
			return h.render(w, r, http.StatusOK, "work_case", workCaseTitle(d.V), d)
		}
		http.Redirect(w, r, "/work/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	case zhitong.EINVALID:
		failed := &workActionForm{Action: act, Values: r.PostForm, Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)}
		d, lerr := h.loadWorkCase(ctx, p, id, failed)
		if lerr != nil {
			return lerr
		}
		return h.render(w, r, workSwapStatus(r, http.StatusBadRequest), "work_case", workCaseTitle(d.V), d)
	case zhitong.ECONFLICT:
		d, lerr := h.loadWorkCase(ctx, p, id, nil)
		if lerr != nil {
			return lerr
		}
		d.Conflict = zhitong.ErrorMessage(err)
		return h.render(w, r, workSwapStatus(r, http.StatusConflict), "work_case", workCaseTitle(d.V), d)
	}
	return err
}

// workDo decodes the form of one action and calls the application.
// files are the reply's attachments, stored with it in one transaction.
func (h *Handler) workDo(ctx context.Context, p zhitong.Principal, id int64, act zhitong.Action, f url.Values, files []attachments.Input) error {
	version, err := workInt(f.Get("version"), "version", "版本")
	if err != nil {
		return err
	}
	text := func(k string) app.TextInput { return app.TextInput{Version: version, Text: f.Get(k)} }
	switch act {
	case zhitong.ActionRegister:
		in := app.RegisterInput{Version: version, Title: f.Get("title"), CategoryCode: f.Get("category"), Kind: zhitong.CaseKind(f.Get("kind")),
			Place: f.Get("place"), Note: f.Get("note")}
		if in.StationID, err = workID(f.Get("station_id"), "station_id", "联络站"); err != nil {
			return err
		}
		if in.DeputyID, err = workID(f.Get("deputy_id"), "deputy_id", "代表"); err != nil {
			return err
		}
		_, err = h.app.Register(ctx, p, id, in)
	case zhitong.ActionAnswer:
		_, err = h.app.Answer(ctx, p, id, text("text"))
	case zhitong.ActionAssign:
		in := app.AssignInput{Version: version, Kind: zhitong.CaseKind(f.Get("kind")), Note: f.Get("note")}
		if in.LeadUnit, err = workID(f.Get("lead_unit_id"), "lead_unit_id", "主办单位"); err != nil {
			return err
		}
		for _, s := range f["co_unit_ids"] {
			u, err := workID(s, "co_unit_ids", "协办单位")
			if err != nil {
				return err
			}
			if u != 0 && u != in.LeadUnit {
				in.CoUnits = append(in.CoUnits, u)
			}
		}
		if in.Days, err = workInt(f.Get("days"), "days", "办理时限"); err != nil {
			return err
		}
		_, err = h.app.Assign(ctx, p, id, in)
	case zhitong.ActionPropose:
		in := app.ProposeInput{Version: version, Title: f.Get("title"), Body: f.Get("body"), Complex: f.Get("complex") == "1"}
		if in.ProposalID, err = workID(f.Get("proposal_id"), "proposal_id", "代表建议编号"); err != nil {
			return err
		}
		if in.DeputyID, err = workID(f.Get("deputy_id"), "deputy_id", "代表"); err != nil {
			return err
		}
		if in.UnitID, err = workID(f.Get("unit_id"), "unit_id", "承办单位"); err != nil {
			return err
		}
		_, err = h.app.Propose(ctx, p, id, in)
	case zhitong.ActionRefer:
		if f.Get("peer") != "" { // as a work order to 12345 or another deployment
			_, err = exchange.New(h.app).Refer(ctx, p, id, exchange.ReferInput{Version: version, Peer: f.Get("peer"), Consent: f.Get("consent"), Note: f.Get("note")})
			break
		}
		_, err = h.app.Refer(ctx, p, id, app.ReferInput{Version: version, Destination: f.Get("destination"), Note: f.Get("note")})
	case zhitong.ActionTransfer:
		_, err = levels.New(h.app).Transfer(ctx, p, id, levels.TransferInput{Version: version, To: f.Get("to"), Reason: f.Get("reason")})
	case zhitong.ActionReferralResult:
		_, err = h.app.ReferralResult(ctx, p, id, text("text"))
	case zhitong.ActionMerge:
		in := app.MergeInput{Version: version, Note: f.Get("note")}
		if in.Into, err = workID(f.Get("into_case_id"), "into_case_id", "目标案件编号"); err != nil {
			return err
		}
		_, err = h.app.Merge(ctx, p, id, in)
	case zhitong.ActionDecline:
		_, err = h.app.Decline(ctx, p, id, text("text"))
	case zhitong.ActionAccept:
		_, err = h.app.Accept(ctx, p, id, text("text"))
	case zhitong.ActionReturn:
		_, err = h.app.Return(ctx, p, id, text("text"))
	case zhitong.ActionRequestExtension:
		in := app.ExtensionInput{Version: version, Reason: f.Get("reason")}
		if in.Days, err = workInt(f.Get("days"), "days", "延期天数"); err != nil {
			return err
		}
		_, err = h.app.RequestExtension(ctx, p, id, in)
	case zhitong.ActionDecideExtension:
		in := app.DecisionInput{Version: version, Note: f.Get("note")}
		switch f.Get("approve") {
		case "1":
			in.Approve = true
		case "0":
		default:
			return zhitong.Invalid("approve", "请选择同意或不同意")
		}
		_, err = h.app.DecideExtension(ctx, p, id, in)
	case zhitong.ActionReply:
		in := app.ReplyInput{Version: version, Outcome: zhitong.Outcome(f.Get("outcome")), Text: f.Get("text"), Reason: f.Get("reason"),
			PublicSummary: f.Get("public_summary")}
		// The form shows both optional fields; only the chosen class's one counts.
		if in.Outcome == zhitong.OutcomeNotNow {
			in.PlannedDate = ""
		} else {
			in.PlannedDate, in.Reason = strings.TrimSpace(f.Get("planned_date")), ""
		}
		for _, r := range zhitong.Recipients {
			if ch := f.Get(string(r.Value) + "_channel"); ch != "" {
				in.Deliveries = append(in.Deliveries, app.DeliveryInput{Recipient: r.Value, Channel: zhitong.FeedbackChannel(ch)})
			}
		}
		_, err = attachments.New(h.app).Reply(ctx, p, id, in, files)
	case zhitong.ActionDeliver:
		_, err = h.app.Deliver(ctx, p, id, app.DeliveryInput{Recipient: zhitong.Recipient(f.Get("recipient")),
			Channel: zhitong.FeedbackChannel(f.Get("channel")), Note: f.Get("note")})
	case zhitong.ActionCallback:
		in := app.EvaluateInput{Version: version, Rating: zhitong.Rating(f.Get("rating")), Comment: f.Get("comment")}
		switch f.Get("reached") {
		case "1":
		case "0":
			no := false
			in.Reached, in.Rating = &no, ""
		default:
			return zhitong.Invalid("reached", "请选择是否联系上群众")
		}
		_, err = h.app.Callback(ctx, p, id, in)
	case zhitong.ActionRehandle:
		in := app.RehandleInput{Version: version, Note: f.Get("note")}
		if in.Days, err = workInt(f.Get("days"), "days", "重办时限"); err != nil {
			return err
		}
		_, err = h.app.Rehandle(ctx, p, id, in)
	case zhitong.ActionExplain:
		_, err = h.app.Explain(ctx, p, id, text("text"))
	case zhitong.ActionClose:
		_, err = h.app.Close(ctx, p, id, text("text"))
	case zhitong.ActionArchive:
		_, err = h.app.Archive(ctx, p, id, text("text"))
	case zhitong.ActionSupervise:
		_, err = h.app.Supervise(ctx, p, id, app.SuperviseInput{Kind: f.Get("kind"), Note: f.Get("note")})
	case zhitong.ActionCoOpinion:
		err = h.workCoOpinion(ctx, p, id, f)
	}
	return err
}
