package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Notification is one row of the outbox (migration 004_outbox.sql).
type Notification struct {
	ID         int64
	Key        string
	Template   string
	Channel    string // sms, email, inapp
	Recipient  string // "citizen" or "user:<id>"
	CaseID     int64  // 0 when about no case
	UserID     int64  // 0 for the citizen
	Vars       string // JSON object of template variables
	Status     string // pending, held, sending, sent, failed, skipped
	NotBefore  time.Time
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time
	ReadAt     time.Time
	ClaimedAt  time.Time // when a sender took it (status sending)
	ProviderID string    // the SMS provider's message id
}

// InsertNotification adds n to the outbox unless a row with its key exists.
// It reports whether n was new; a repeated key is not an error, it is how a
// notice stays single however often its cause is replayed.
func (t *Tx) InsertNotification(ctx context.Context, n *Notification) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO notifications (key, template, channel, recipient, case_id, user_id, vars, status, not_before, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		n.Key, n.Template, n.Channel, n.Recipient, nullID(n.CaseID), nullID(n.UserID), n.Vars, n.Status,
		FormatTime(n.NotBefore), FormatTime(n.CreatedAt))
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// QueueNotifications adds rows to the outbox as InsertNotification does,
// without saying which were new. In a grouped transaction (WriteGrouped)
// they wait for the group's end and go in with one statement for the whole
// group (flushNotifications); elsewhere they go in now.
func (t *Tx) QueueNotifications(ctx context.Context, rows ...*Notification) error {
	if t.grouped {
		t.pendingNotifications = append(t.pendingNotifications, rows...)
		return nil
	}
	for _, n := range rows {
		if _, err := t.InsertNotification(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// flushNotifications writes the rows QueueNotifications held back, up to
// notificationsPer a statement.
func (t *Tx) flushNotifications(ctx context.Context) error {
	const notificationsPer = 128
	for rows := t.pendingNotifications; len(rows) > 0; {
		chunk := rows[:min(len(rows), notificationsPer)]
		rows = rows[len(chunk):]
		var q strings.Builder
		q.WriteString(`INSERT INTO notifications (key, template, channel, recipient, case_id, user_id, vars, status, not_before, created_at) VALUES `)
		args := make([]any, 0, 10*len(chunk))
		for i, n := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			args = append(args, n.Key, n.Template, n.Channel, n.Recipient, nullID(n.CaseID), nullID(n.UserID), n.Vars, n.Status,
				FormatTime(n.NotBefore), FormatTime(n.CreatedAt))
		}
		q.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := t.Exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
	}
	t.pendingNotifications = nil
	return nil
}

// ListNotifications returns the outbox rows about a case, oldest first.
func ListNotifications(ctx context.Context, q Q, caseID int64) ([]*Notification, error) {
	return queryNotifications(ctx, q, `WHERE case_id = ? ORDER BY id`, caseID)
}

const notificationColumns = `id, key, template, channel, recipient, COALESCE(case_id, 0), COALESCE(user_id, 0), vars, status,
 not_before, attempts, last_error, created_at, sent_at, read_at, claimed_at, provider_id`

func queryNotifications(ctx context.Context, q Q, where string, args ...any) ([]*Notification, error) {
	rows, err := q.Query(ctx, `SELECT `+notificationColumns+` FROM notifications `+where, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanNotification)
}

func scanNotification(s interface{ Scan(...any) error }) (*Notification, error) {
	var n Notification
	var nb, ca, sa, ra, cl string
	err := s.Scan(&n.ID, &n.Key, &n.Template, &n.Channel, &n.Recipient, &n.CaseID, &n.UserID, &n.Vars, &n.Status,
		&nb, &n.Attempts, &n.LastError, &ca, &sa, &ra, &cl, &n.ProviderID)
	n.NotBefore, n.CreatedAt, n.SentAt, n.ReadAt, n.ClaimedAt = ParseTime(nb), ParseTime(ca), ParseTime(sa), ParseTime(ra), ParseTime(cl)
	return &n, err
}

// UnitUserIDs returns the accounts of a unit's handlers that can sign in.
func UnitUserIDs(ctx context.Context, q Q, unitID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE unit_id = ? AND role = 'unit' AND NOT disabled ORDER BY id`, unitID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}

// CommitteeUserIDs returns the committee staff (代表工委) whose jurisdiction
// covers region.
func CommitteeUserIDs(ctx context.Context, q Q, region string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE role = 'committee' AND NOT disabled AND ? LIKE region_code || '%' ORDER BY id`, region)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}
