package app

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// InboxItem is one in-app notice (站内通知) as its recipient sees it.
type InboxItem struct {
	ID     int64     `json:"id"`
	Text   string    `json:"text"`
	CaseID int64     `json:"case_id,omitempty"`
	At     time.Time `json:"at"`
	Read   bool      `json:"read"`
}

func inboxOwner(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.UserID == 0 {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "站内通知只发给工作人员账号，API 令牌没有通知")
	}
	return nil
}

// Inbox returns a page of p's own in-app notices, newest first, paged by
// cursor (store.InboxOrder); nobody sees another's. It counts nothing: the
// unread count (UnreadCount) is what the recipient needs.
func (a *App) Inbox(ctx context.Context, p zhitong.Principal, in PageInput) (KeysetPage[InboxItem], error) {
	if err := inboxOwner(p); err != nil {
		return KeysetPage[InboxItem]{}, err
	}
	pg, err := in.StorePage("notices")
	if err != nil {
		return KeysetPage[InboxItem]{}, err
	}
	rows, err := store.Inbox(ctx, a.db, p.UserID, pg)
	if err != nil {
		return KeysetPage[InboxItem]{}, err
	}
	bodies, err := store.TemplateBodies(ctx, a.db)
	if err != nil {
		return KeysetPage[InboxItem]{}, err
	}
	out := make([]InboxItem, 0, len(rows))
	for _, n := range rows {
		out = append(out, InboxItem{ID: n.ID, Text: render(n.Template, bodies, decodeVars(n.Vars)), CaseID: n.CaseID,
			At: n.CreatedAt, Read: !n.ReadAt.IsZero()})
	}
	return PageOf("notices", out, 0, false, pg, func(it InboxItem) store.Cursor { return store.Cursor{ID: it.ID} }), nil
}

// UnreadCap is how far the unread count goes: a count of UnreadCap+1
// means more (999+), so a header shown on every page never counts a
// mailbox nobody reads.
const UnreadCap = 999

// UnreadCount counts p's unread in-app notices up to UnreadCap+1 (0 for
// citizens and tokens).
func (a *App) UnreadCount(ctx context.Context, p zhitong.Principal) (int, error) {
	if p.UserID == 0 {
		return 0, nil
	}
	return store.UnreadCount(ctx, a.db, p.UserID, UnreadCap)
}

// MarkRead marks one of p's notices read, or all of them when id is 0. A
// notice of someone else's is not found.
func (a *App) MarkRead(ctx context.Context, p zhitong.Principal, id int64) (int64, error) {
	if err := inboxOwner(p); err != nil {
		return 0, err
	}
	var n int64
	err := a.db.Write(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.MarkRead(ctx, p.UserID, id, a.clock.Now())
		return err
	})
	if err == nil && id != 0 && n == 0 {
		if own, _ := a.ownsNotice(ctx, p, id); !own {
			return 0, zhitong.Errorf(zhitong.ENOTFOUND, "通知不存在")
		}
	}
	return n, err
}

func (a *App) ownsNotice(ctx context.Context, p zhitong.Principal, id int64) (bool, error) {
	n, err := store.GetNotification(ctx, a.db, id)
	if err != nil {
		return false, err
	}
	return n.UserID == p.UserID && n.Channel == "inapp", nil
}

// SetEmail sets (or, empty, clears) the address p's notices are also
// e-mailed to. The change is audited.
func (a *App) SetEmail(ctx context.Context, p zhitong.Principal, email string) error {
	if err := inboxOwner(p); err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	if email != "" {
		addr, err := mail.ParseAddress(email)
		if err != nil || addr.Address != email || len(email) > 200 {
			return zhitong.Invalid("email", "邮箱地址格式不正确")
		}
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserEmail(ctx, p.UserID, email); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "user.email", "user:"+strconv.FormatInt(p.UserID, 10), map[string]any{"set": email != ""})
	})
}

// Email returns the address p's notices are e-mailed to.
func (a *App) Email(ctx context.Context, p zhitong.Principal) (string, error) {
	if err := inboxOwner(p); err != nil {
		return "", err
	}
	return store.UserEmail(ctx, a.db, p.UserID)
}
