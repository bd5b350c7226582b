package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// DeliveryStates are the states of the operator's view of the outbox (发送记录):
// "unknown" is a send interrupted by a crash that nobody could confirm,
// "pending" includes rows waiting for a retry and rows being sent.
var DeliveryStates = []zhitong.Named[string]{
	{Value: "failed", Label: "发送失败"}, {Value: "unknown", Label: "结果未知"}, {Value: "held", Label: "夜间暂缓"},
	{Value: "pending", Label: "待发送/重试"}, {Value: "sent", Label: "已发送"}, {Value: "skipped", Label: "未发送"},
}

// DeliveryRow is one SMS or e-mail in the operator's view. It carries no
// message text (which holds case content) and masks the phone.
type DeliveryRow struct {
	ID        int64     `json:"id"`
	State     string    `json:"state"`
	Template  string    `json:"template"`
	Label     string    `json:"label"`
	Channel   string    `json:"channel"`   // sms, email
	Recipient string    `json:"recipient"` // masked phone, or the staff account's name
	CaseID    int64     `json:"case_id,omitempty"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	NotBefore time.Time `json:"not_before"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// DeliveriesInput filters the operator's view; From and To are dates
// (YYYY-MM-DD, China time, both included) on when the message was made.
type DeliveriesInput struct {
	State, From, To string
	PageInput
	// Export reads every row, page after page: no counts, and no window
	// (a page looks at the next store.AuditWindow rows otherwise).
	Export bool
}

// DeliveriesPage is a page of the view with the count of each live state
// (store.LiveDeliveryStates) under the same dates, up to ListCountCap+1
// (more than ListCountCap); the sent history is not counted.
type DeliveriesPage struct {
	Counts map[string]int `json:"counts"`
	Items  []DeliveryRow  `json:"items"`
	// Next and Prev are the cursors of the pages after and before this one.
	// A page looks at a window of the outbox: it may be short, even
	// empty, and still have a Next.
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// mayWatchDeliveries: committee staff watch their region's messages; the
// system and security administrators (三员) operate the system.
func mayWatchDeliveries(p zhitong.Principal) error {
	switch p.Role {
	case zhitong.RoleCommittee, zhitong.RoleSysAdmin, zhitong.RoleSecAdmin:
		return nil
	}
	return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委、系统管理员和安全管理员可以查看发送记录")
}

func (a *App) deliveryFilter(p zhitong.Principal, in DeliveriesInput) (store.DeliveryFilter, error) {
	f := store.DeliveryFilter{Region: p.RegionCode, State: in.State, Window: store.AuditWindow}
	if in.Export {
		f.Window = 0
	}
	var err error
	if f.Page, err = in.StorePage("deliveries"); err != nil {
		return f, err
	}
	if f.State != "" && !zhitong.Valid(DeliveryStates, f.State) {
		return f, zhitong.Invalid("state", "状态应为 failed、unknown、held、pending、sent 或 skipped")
	}
	for _, d := range []struct {
		field, s string
		dst      *time.Time
		days     int
	}{{"from", in.From, &f.From, 0}, {"to", in.To, &f.To, 1}} {
		if d.s == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, d.s, zhitong.China)
		if err != nil {
			return f, zhitong.Invalid(d.field, "日期应为 YYYY-MM-DD")
		}
		*d.dst = day.AddDate(0, 0, d.days)
	}
	return f, nil
}

// Deliveries lists the SMS and e-mail notices in p's region, newest first.
func (a *App) Deliveries(ctx context.Context, p zhitong.Principal, in DeliveriesInput) (*DeliveriesPage, error) {
	if err := mayWatchDeliveries(p); err != nil {
		return nil, err
	}
	f, err := a.deliveryFilter(p, in)
	if err != nil {
		return nil, err
	}
	page := &DeliveriesPage{Items: []DeliveryRow{}, Counts: map[string]int{}}
	if !in.Export {
		if page.Counts, err = store.CountDeliveries(ctx, a.db, f, ListCountCap); err != nil {
			return nil, err
		}
	}
	rows, stop, err := store.ListDeliveries(ctx, a.db, f)
	if err != nil {
		return nil, err
	}
	pg := WindowPage("deliveries", rows, f.Page, stop, func(n *store.Notification) store.Cursor { return store.Cursor{ID: n.ID} })
	page.Next, page.Prev = pg.Next, pg.Prev
	// A page's recipients are read together: the cases' sealed phones in
	// one statement, and each other recipient once (a case's or a staff
	// member's notices follow one another), not a case row per row.
	var caseIDs []int64
	for _, n := range pg.Items {
		if n.UserID == 0 && n.CaseID != 0 {
			caseIDs = append(caseIDs, n.CaseID)
		}
	}
	phones, err := store.CasePhones(ctx, a.db, caseIDs)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, n := range pg.Items {
		r := DeliveryRow{ID: n.ID, State: n.Status, Template: n.Template, Label: n.Template, Channel: n.Channel, CaseID: n.CaseID,
			Attempts: n.Attempts, LastError: n.LastError, CreatedAt: n.CreatedAt, NotBefore: n.NotBefore, SentAt: n.SentAt}
		switch {
		case n.Status == "failed" && strings.Contains(n.LastError, store.ManualCheck):
			r.State = "unknown"
		case n.Status == "sending":
			r.State = "pending"
		}
		if d, ok := templateDef(n.Template); ok {
			r.Label = d.Label
		}
		who := fmt.Sprintf("%d|%d|%s|%s", n.UserID, n.CaseID, n.Channel, n.Recipient)
		if name, ok := names[who]; ok {
			r.Recipient = name
		} else if r.Recipient, err = a.deliveryRecipient(ctx, n, phones); err != nil {
			return nil, err
		}
		names[who] = r.Recipient
		page.Items = append(page.Items, r)
	}
	return page, nil
}

// deliveryRecipient names who a row goes to, masked; phones holds the
// sealed phones of the page's cases (store.CasePhones).
func (a *App) deliveryRecipient(ctx context.Context, n *store.Notification, phones map[int64]string) (string, error) {
	if n.UserID != 0 {
		u, err := store.GetUser(ctx, a.db, n.UserID)
		if err != nil {
			return "", err
		}
		return u.DisplayName + "（账号 " + strconv.FormatInt(u.ID, 10) + "）", nil
	}
	var phone string
	var err error
	if id, ok := unitOf(n); ok {
		return a.unitRecipientName(ctx, id)
	}
	if id, ok := appointmentOf(n); ok {
		rec, gerr := store.GetAppointment(ctx, a.db, id)
		if gerr != nil {
			return "", gerr
		}
		phone, err = a.sealer.Open(rec.PhoneEnc, "appointment:phone")
	} else if n.CaseID != 0 {
		phone, err = a.sealer.Open(phones[n.CaseID], "case:phone")
	}
	if err != nil {
		return "", err
	}
	if phone == "" {
		return "群众（未留手机号）", nil
	}
	return pii.MaskPhone(phone), nil
}
