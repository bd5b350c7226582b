package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// CaseNotice is one message to the citizen about a case and how its
// delivery went, for staff following the case.
type CaseNotice struct {
	ID        int64     `json:"id"`
	Template  string    `json:"template"`
	Label     string    `json:"label"`
	Channel   string    `json:"channel"`
	Status    string    `json:"status"` // pending, held, sending, sent, failed, skipped
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	NotBefore time.Time `json:"not_before"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// NoticeStatusLabels name the delivery states in Chinese.
var NoticeStatusLabels = map[string]string{"pending": "待发送", "held": "夜间暂缓", "sending": "发送中", "sent": "已发送",
	"failed": "发送失败", "skipped": "未发送"}

// CaseNotices lists the messages to the citizen about case id, oldest
// first, for anyone who may view the case. Staff notices are not listed:
// only their recipient sees those.
func (a *App) CaseNotices(ctx context.Context, p zhitong.Principal, id int64) ([]CaseNotice, error) {
	c, err := store.GetCase(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, a.db, p, zhitong.ActionView, c); err != nil {
		return nil, err
	}
	rows, err := store.ListNotifications(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	out := []CaseNotice{}
	for _, n := range rows {
		if n.Recipient != "citizen" {
			continue
		}
		label := n.Template
		if d, ok := templateDef(n.Template); ok {
			label = d.Label
		}
		out = append(out, CaseNotice{ID: n.ID, Template: n.Template, Label: label, Channel: n.Channel, Status: n.Status,
			Attempts: n.Attempts, LastError: n.LastError, CreatedAt: n.CreatedAt, NotBefore: n.NotBefore, SentAt: n.SentAt})
	}
	return out, nil
}
