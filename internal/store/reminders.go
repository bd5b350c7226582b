package store

import (
	"context"
	"fmt"
	"time"
)

// DeputyReminder is one reminder staff sent a deputy from the inactivity
// list (约谈提醒, migration 026).
type DeputyReminder struct {
	ID       int64
	DeputyID int64
	SentAt   time.Time
	SentBy   int64
	Note     string
	Days     int // days without duty when it was sent, -1 if never active
	Notices  int // outbox rows written for it
}

// InsertReminder stores a reminder and sets its id.
func (t *Tx) InsertReminder(ctx context.Context, r *DeputyReminder) error {
	err := t.QueryRow(ctx, `INSERT INTO deputy_reminders (deputy_id, sent_at, sent_by, note, days, notices) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		r.DeputyID, FormatTime(r.SentAt), r.SentBy, r.Note, r.Days, r.Notices).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert reminder: %w", err)
	}
	return nil
}

// SetReminderNotices records how many notices a reminder wrote.
func (t *Tx) SetReminderNotices(ctx context.Context, id int64, n int) error {
	_, err := t.Exec(ctx, `UPDATE deputy_reminders SET notices = ? WHERE id = ?`, n, id)
	return err
}

// LastReminderSince returns when the deputy's latest reminder sent at or
// after since was sent, or the zero time when there is none.
func LastReminderSince(ctx context.Context, q Q, deputyID int64, since time.Time) (time.Time, error) {
	var at string
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(sent_at), '') FROM deputy_reminders WHERE deputy_id = ? AND sent_at >= ?`,
		deputyID, FormatTime(since)).Scan(&at)
	if err != nil || at == "" {
		return time.Time{}, err
	}
	return ParseTime(at), nil
}
