package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// The reminder (约谈提醒) staff send a deputy from the inactivity list: an
// in-app notice to the deputy's accounts (and e-mail where they gave one),
// or an SMS to their phone when they have no account, through the outbox,
// recorded in deputy_reminders and audited.
//
// A deputy is reminded at most once a China day: a second reminder the
// same day (a double click, two staff at once) is refused with ECONFLICT
// (HTTP 409) saying when today's went, checked in the sending transaction;
// the outbox key is per deputy and day too, so even two racing
// transactions write one notice.

// ReminderInput is an optional note for the deputy.
type ReminderInput struct {
	Note string `json:"note"`
}

// Reminder is a reminder sent.
type Reminder struct {
	ID       int64  `json:"id"`
	DeputyID int64  `json:"deputy_id"`
	SentAt   string `json:"sent_at"` // YYYY-MM-DD, China
	Days     int    `json:"days"`    // days without duty when sent, -1 if never active
	Notices  int    `json:"notices"` // notices written to the outbox; 0 when the deputy has neither account nor phone
}

// RemindDeputy sends a deputy of p's jurisdiction a reminder to return to
// duty, in one transaction with its record, its notices and its audit entry.
func (a *App) RemindDeputy(ctx context.Context, p zhitong.Principal, deputyID int64, in ReminderInput) (*Reminder, error) {
	if err := mayOverseeDeputies(p); err != nil {
		return nil, err
	}
	d, err := a.deputyInScope(ctx, p, deputyID, false)
	if zhitong.ErrorCode(err) == zhitong.EFORBIDDEN && p.StationID == 0 {
		// A higher-level deputy posted to the jurisdiction's stations is
		// on its inactivity list (docs/levels.md): inactiveItem below
		// finds them there or refuses.
		if d.ID == deputyID && slices.Contains(triagerRoles, p.Role) {
			err = nil
		}
	}
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if err := checkLen("note", "提醒内容", in.Note, 0, maxShort); err != nil {
		return nil, err
	}
	item, err := a.inactiveItem(ctx, p, d.ID)
	if err != nil {
		return nil, err
	}
	rec := &store.DeputyReminder{DeputyID: d.ID, SentAt: a.clock.Now(), SentBy: p.UserID, Note: in.Note, Days: item.DaysInactive}
	y, m, day := rec.SentAt.In(zhitong.China).Date()
	midnight := time.Date(y, m, day, 0, 0, 0, 0, zhitong.China)
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		sent, err := store.LastReminderSince(ctx, tx, d.ID, midnight)
		if err != nil {
			return err
		}
		if !sent.IsZero() {
			return zhitong.Errorf(zhitong.ECONFLICT, "今天 %s 已向%s代表发送过约谈提醒，同一天不再重复发送", sent.In(zhitong.China).Format("15:04"), d.Name)
		}
		if err := tx.InsertReminder(ctx, rec); err != nil {
			return err
		}
		last, days := max(item.LastCheckIn, item.LastReception), strconv.Itoa(item.DaysInactive)
		if last == "" {
			last, days = "从未", "很多"
		}
		// In-app to their account, or by SMS without one (deputy_notify.go).
		rec.Notices, err = a.noticeDeputy(ctx, tx, d.ID, Notice{Key: "deputy_reminder:" + strconv.FormatInt(d.ID, 10) + ":" + midnight.Format(time.DateOnly), Template: "deputy.inactive_reminder",
			Vars: map[string]string{"deputy": d.Name, "days": days, "last": last, "note": in.Note}})
		if err != nil {
			return err
		}
		if rec.Notices > 0 {
			if err := tx.SetReminderNotices(ctx, rec.ID, rec.Notices); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, p, "deputy.remind", "deputy:"+strconv.FormatInt(d.ID, 10),
			map[string]any{"reminder": rec.ID, "days": rec.Days, "notices": rec.Notices, "note": in.Note != ""})
	})
	if err != nil {
		return nil, err
	}
	return &Reminder{ID: rec.ID, DeputyID: d.ID, SentAt: chinaDay(store.FormatTime(rec.SentAt)), Days: rec.Days, Notices: rec.Notices}, nil
}

// inactiveItem is the deputy's line of the inactivity list, listed or not.
func (a *App) inactiveItem(ctx context.Context, p zhitong.Principal, deputyID int64) (InactiveDeputy, error) {
	rows, err := store.ListLastActive(ctx, a.db, p.RegionCode)
	if err != nil {
		return InactiveDeputy{}, err
	}
	for _, r := range rows {
		if r.DeputyID == deputyID {
			return a.inactiveLine(r), nil
		}
	}
	return InactiveDeputy{}, zhitong.Errorf(zhitong.EFORBIDDEN, "该代表不在您的管辖范围内")
}
