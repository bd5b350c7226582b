package accounts

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Two-person rule (双人审批): a security administrator cannot create another
// security administrator, or make an account one, alone. They file a
// request; a second person decides it: another security administrator or a
// security auditor whose jurisdiction covers the request, who is neither
// the requester, nor the account to be promoted, nor an account the
// requester created or reset the password of. An approved creation's
// initial password is shown to the approver only, so the requester never
// holds the new account. Every step is audited (account_request.*).

// Request statuses.
const (
	RequestPending   = "pending"
	RequestApproved  = "approved"
	RequestRejected  = "rejected"
	RequestCancelled = "cancelled"
)

// RequestStatusLabels are the statuses in Chinese.
var RequestStatusLabels = map[string]string{RequestPending: "待审批", RequestApproved: "已批准", RequestRejected: "已驳回", RequestCancelled: "已撤回"}

// Request is a two-person request as the pages and the API show it.
type Request struct {
	store.AccountRequest
	KindLabel       string `json:"kind_label"`
	StatusLabel     string `json:"status_label"`
	RequestedByName string `json:"requested_by_name"`
	DecidedByName   string `json:"decided_by_name"`
}

// RequestInput files a request: kind "create" with username, display name
// and region, or kind "promote" with the account's user_id.
type RequestInput struct {
	Kind        string `json:"kind"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Region      string `json:"region"`
	UserID      int64  `json:"user_id"`
}

// Decided is a decision; Account is the account created or promoted by an
// approval, with the initial password of a created one (shown only once,
// to the approver).
type Decided struct {
	Request Request  `json:"request"`
	Account *Created `json:"account,omitempty"`
}

func (s *Service) requestView(ctx context.Context, r *store.AccountRequest) Request {
	v := Request{AccountRequest: *r, StatusLabel: RequestStatusLabels[r.Status], KindLabel: "新建安全管理员"}
	if r.Kind == "promote" {
		v.KindLabel = "改为安全管理员"
	}
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if u, err := store.GetUser(ctx, s.app.DB(), id); err == nil {
			return u.DisplayName + "（" + u.Username + "）"
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	v.RequestedByName, v.DecidedByName = name(r.RequestedBy), name(r.DecidedBy)
	return v
}

func person(p zhitong.Principal) bool { return p.UserID != 0 }

// Requests lists the requests in p's jurisdiction, pending first: for
// security administrators and auditors.
func (s *Service) Requests(ctx context.Context, p zhitong.Principal) ([]Request, error) {
	if p.Role != zhitong.RoleSecAdmin && p.Role != zhitong.RoleAuditor {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员和安全审计员可以查看安全管理员账号申请")
	}
	rs, err := store.ListAccountRequestsUnder(ctx, s.app.DB(), p.RegionCode)
	if err != nil {
		return nil, err
	}
	out := make([]Request, 0, len(rs))
	for _, r := range rs {
		out = append(out, s.requestView(ctx, r))
	}
	return out, nil
}

// CandidatesShown is how many accounts the request page offers to make
// security administrators at a time; a region of thousands is searched by
// the start of the username.
const CandidatesShown = 50

// Candidates returns up to CandidatesShown accounts in security
// administrator p's jurisdiction that p may ask to make security
// administrators, whose username starts with prefix ("" any), and whether
// more match.
func (s *Service) Candidates(ctx context.Context, p zhitong.Principal, prefix string) ([]Account, bool, error) {
	if err := mayManage(p); err != nil {
		return nil, false, err
	}
	prefix = strings.TrimSpace(prefix)
	if prefix != "" {
		if err := checkUsername(prefix + "xxx"); err != nil { // a prefix may be shorter than a name
			return nil, false, zhitong.Invalid("q", "请输入用户名的开头（最多 37 个英文字母、数字或 . _ -）")
		}
	}
	users, err := store.PromoteCandidates(ctx, s.app.DB(), p.RegionCode, prefix, p.UserID, CandidatesShown+1)
	if err != nil {
		return nil, false, err
	}
	more := len(users) > CandidatesShown
	if more {
		users = users[:CandidatesShown]
	}
	n := newNamer(ctx, s.app.DB())
	out := make([]Account, 0, len(users))
	for _, u := range users {
		out = append(out, s.view(n, u))
	}
	return out, more, n.err
}

// File files a request as security administrator p.
func (s *Service) File(ctx context.Context, p zhitong.Principal, in RequestInput) (Request, error) {
	if p.Role != zhitong.RoleSecAdmin || !person(p) {
		return Request{}, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以提交安全管理员账号申请")
	}
	r := &store.AccountRequest{Kind: in.Kind, RequestedBy: p.UserID, RequestedAt: s.app.Now()}
	switch in.Kind {
	case "create":
		r.Username, r.DisplayName, r.Region = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Region)
		if r.DisplayName == "" {
			r.DisplayName = r.Username
		}
		if err := checkUsername(r.Username); err != nil {
			return Request{}, err
		}
		if n := len([]rune(r.DisplayName)); n > 50 {
			return Request{}, zhitong.Invalid("display_name", "姓名须为 1–50 个字")
		}
		if r.Region == "" {
			return Request{}, zhitong.Invalid("region", "请选择账号管辖的地区")
		}
		if err := s.app.CheckAccountScope(ctx, p, zhitong.RoleSecAdmin, r.Region, 0, 0, 0); err != nil {
			return Request{}, err
		}
		if _, err := store.GetUserByName(ctx, s.app.DB(), r.Username); err == nil {
			return Request{}, &zhitong.Error{Code: zhitong.ECONFLICT, Field: "username", Message: "用户名“" + r.Username + "”已被使用"}
		} else if zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return Request{}, err
		}
	case "promote":
		u, err := s.load(ctx, s.app.DB(), p, in.UserID)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return Request{}, zhitong.Invalid("user_id", "账号不存在")
		} else if err != nil {
			return Request{}, err
		}
		switch {
		case u.Role == zhitong.RoleSecAdmin:
			return Request{}, &zhitong.Error{Code: zhitong.ECONFLICT, Field: "user_id", Message: "账号" + u.Username + "已是安全管理员"}
		case u.Disabled:
			return Request{}, &zhitong.Error{Code: zhitong.ECONFLICT, Field: "user_id", Message: "账号" + u.Username + "已停用"}
		case u.ID == p.UserID:
			return Request{}, zhitong.Errorf(zhitong.EFORBIDDEN, "不能修改自己的角色")
		}
		r.UserID, r.Username, r.DisplayName, r.Region = u.ID, u.Username, u.DisplayName, u.RegionCode
	default:
		return Request{}, zhitong.Invalid("kind", "申请类型应为 create（新建安全管理员）或 promote（把账号改为安全管理员）")
	}
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if pending, err := store.PendingAccountRequest(ctx, tx, r.Username, r.UserID); err != nil {
			return err
		} else if pending {
			return &zhitong.Error{Code: zhitong.ECONFLICT, Field: "username", Message: "账号" + r.Username + "已有待审批的申请"}
		}
		if err := tx.InsertAccountRequest(ctx, r); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "account_request.file", requestObject(r), map[string]any{"request": r.ID,
			"kind": r.Kind, "username": r.Username, "region": r.Region})
	})
	if err != nil {
		return Request{}, err
	}
	return s.requestView(ctx, r), nil
}

func checkUsername(name string) error {
	if n := len(name); n < 3 || n > 40 {
		return zhitong.Invalid("username", "用户名须为 3–40 个字符")
	}
	for _, r := range name {
		if !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-')) {
			return zhitong.Invalid("username", "用户名只能包含英文字母、数字和 . _ -")
		}
	}
	return nil
}

// loadRequest loads request id for p to decide: in p's jurisdiction (outside
// it, EFORBIDDEN) and still pending (else ECONFLICT).
func (s *Service) loadRequest(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (*store.AccountRequest, error) {
	r, err := store.GetAccountRequest(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(r.Region, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该申请不在您的管辖范围内")
	}
	if r.Status != RequestPending {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该申请%s", RequestStatusLabels[r.Status]) // the labels say 已批准, 已驳回, 已撤回
	}
	return r, nil
}

// maySecond checks that p may be the second person on r.
func (s *Service) maySecond(ctx context.Context, q store.Q, p zhitong.Principal, r *store.AccountRequest) error {
	if (p.Role != zhitong.RoleSecAdmin && p.Role != zhitong.RoleAuditor) || !person(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有另一位安全管理员或安全审计员可以审批")
	}
	switch {
	case p.UserID == r.RequestedBy:
		return zhitong.Errorf(zhitong.EFORBIDDEN, "不能审批自己提交的申请，须由第二人审批")
	case p.UserID == r.UserID:
		return zhitong.Errorf(zhitong.EFORBIDDEN, "不能审批把自己改为安全管理员的申请")
	}
	if acted, err := store.ActedOnAccount(ctx, q, r.RequestedBy, p.UserID); err != nil {
		return err
	} else if acted {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的账号由申请人新建或重置过密码，不能作为第二人审批其申请")
	}
	return nil
}

// Approve carries out request id as the second person p: the account is
// created (its initial password returned only here) or promoted, in one
// transaction with the decision and their audit entries. The requester
// must still be an active security administrator.
func (s *Service) Approve(ctx context.Context, p zhitong.Principal, id int64) (Decided, error) {
	r, err := s.loadRequest(ctx, s.app.DB(), p, id)
	if err != nil {
		return Decided{}, err
	}
	if err := s.maySecond(ctx, s.app.DB(), p, r); err != nil {
		return Decided{}, err
	}
	requester, err := store.GetUser(ctx, s.app.DB(), r.RequestedBy)
	if err != nil {
		return Decided{}, err
	}
	if requester.Role != zhitong.RoleSecAdmin || requester.Disabled {
		return Decided{}, zhitong.Errorf(zhitong.ECONFLICT, "申请人已不是在用的安全管理员，该申请不能再批准；请驳回")
	}
	decide := func(tx *store.Tx) error {
		if err := tx.DecideAccountRequest(ctx, r.ID, RequestApproved, p.UserID, s.app.Now(), ""); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "account_request.approve", requestObject(r), map[string]any{"request": r.ID,
			"kind": r.Kind, "username": r.Username, "region": r.Region, "requested_by": r.RequestedBy})
	}
	var acc Created
	rp := requester.Principal()
	switch r.Kind {
	case "create":
		password := NewPassword()
		u, err := s.app.AddUser(ctx, rp, app.UserInput{Username: r.Username, DisplayName: r.DisplayName, Role: zhitong.RoleSecAdmin,
			RegionCode: r.Region, Password: password, MustChangePassword: true,
			Approved: func(tx *store.Tx, u *zhitong.User) error { r.UserID = u.ID; return decide(tx) }})
		if err != nil {
			return Decided{}, err
		}
		n := newNamer(ctx, s.app.DB())
		acc = Created{Account: s.view(n, u), Password: password}
	default:
		role := zhitong.RoleSecAdmin
		a, err := s.update(ctx, rp, r.UserID, Change{Role: &role}, decide)
		if err != nil {
			return Decided{}, err
		}
		acc = Created{Account: a}
	}
	done, err := store.GetAccountRequest(ctx, s.app.DB(), r.ID)
	if err != nil {
		return Decided{}, err
	}
	return Decided{Request: s.requestView(ctx, done), Account: &acc}, nil
}

// Reject turns request id down as the second person p, with a note.
func (s *Service) Reject(ctx context.Context, p zhitong.Principal, id int64, note string) (Decided, error) {
	return s.close(ctx, p, id, RequestRejected, note)
}

// Cancel withdraws request id; only its requester may.
func (s *Service) Cancel(ctx context.Context, p zhitong.Principal, id int64) (Decided, error) {
	return s.close(ctx, p, id, RequestCancelled, "")
}

func (s *Service) close(ctx context.Context, p zhitong.Principal, id int64, status, note string) (Decided, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 200 {
		return Decided{}, zhitong.Invalid("note", "说明最多 200 字")
	}
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		r, err := s.loadRequest(ctx, tx, p, id)
		if err != nil {
			return err
		}
		action := "account_request.reject"
		if status == RequestCancelled {
			action = "account_request.cancel"
			if p.UserID != r.RequestedBy {
				return zhitong.Errorf(zhitong.EFORBIDDEN, "只有申请人可以撤回申请")
			}
		} else if err := s.maySecond(ctx, tx, p, r); err != nil {
			return err
		}
		if err := tx.DecideAccountRequest(ctx, r.ID, status, p.UserID, s.app.Now(), note); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, action, requestObject(r), map[string]any{"request": r.ID,
			"kind": r.Kind, "username": r.Username, "note": note})
	})
	if err != nil {
		return Decided{}, err
	}
	done, err := store.GetAccountRequest(ctx, s.app.DB(), id)
	if err != nil {
		return Decided{}, err
	}
	return Decided{Request: s.requestView(ctx, done)}, nil
}

// requestObject is what a request's audit entries are about: the account,
// or the region of an account still to be created.
func requestObject(r *store.AccountRequest) string {
	if r.UserID != 0 {
		return "user:" + strconv.FormatInt(r.UserID, 10)
	}
	return "region:" + r.Region
}
