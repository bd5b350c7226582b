// Package publication puts a case on the public results board (办理公示)
// only after staff have seen its public text masked and confirmed it.
//
// What reaches the public of a case is its title and the public summary of
// its latest reply. Both pass the masker (internal/mask); the masker cannot
// know every name, so committee, station and liaison staff see the text as
// written next to the masked text, may hide more, and confirm. The text is
// stored exactly as confirmed (table publications) for that reply, and the
// board shows only confirmed text: a case with no confirmation, or with a
// newer reply than the one confirmed, is not public. Every confirmation is
// audited. docs/publication.md describes the rules.
package publication

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/mask"
	"zhitong/internal/store"
)

// Limits of the confirmed text, as on the register and reply forms.
const (
	maxTitle   = 100
	maxSummary = 200
)

// Statuses of a case's public text.
const (
	StatusPending   = "pending"   // replied, never confirmed: not public
	StatusStale     = "stale"     // confirmed for an earlier reply: not public until confirmed again
	StatusConfirmed = "confirmed" // public
)

// Statuses labels the statuses in Chinese.
var Statuses = []zhitong.Named[string]{{Value: StatusPending, Label: "待确认"}, {Value: StatusStale, Label: "答复已更新，待重新确认"}, {Value: StatusConfirmed, Label: "已公示"}}

// Service confirms the public text of cases.
type Service struct{ app *app.App }

// New returns the publication service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Draft is a case's public text: as written, masked as it would be
// published, and what was confirmed, if anything.
type Draft struct {
	CaseID        int64      `json:"case_id"`
	Code          string     `json:"code"`
	ReplyID       int64      `json:"reply_id"`
	Outcome       string     `json:"outcome"`
	RepliedAt     time.Time  `json:"replied_at"`
	Title         string     `json:"title"`          // as written, for staff only
	Summary       string     `json:"summary"`        // the reply's public summary as written
	MaskedTitle   string     `json:"masked_title"`   // what would be published
	MaskedSummary string     `json:"masked_summary"` //
	Status        string     `json:"status"`
	StatusLabel   string     `json:"status_label"`
	Confirmed     *Confirmed `json:"confirmed,omitempty"`
}

// Confirmed is the public text as staff confirmed it.
type Confirmed struct {
	ReplyID int64     `json:"reply_id"`
	Title   string    `json:"title"`
	Summary string    `json:"summary"`
	By      int64     `json:"by"`
	At      time.Time `json:"at"`
}

// ConfirmInput is what staff confirm: the reply the text describes (so a
// reply that arrived meanwhile is not published unseen) and the public
// title and summary, which they may have edited from the masked draft.
type ConfirmInput struct {
	ReplyID int64  `json:"reply_id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// may checks that p is staff who confirm public text: committee, station
// heads and liaison officers (those who register cases).
func may(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	switch p.Role {
	case zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer:
		return nil
	}
	return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权确认公示内容", zhitong.Label(zhitong.Roles, p.Role))
}

// load returns the case, checked against p's jurisdiction.
func (s *Service) load(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (*store.CaseRecord, error) {
	if err := may(p); err != nil {
		return nil, err
	}
	c, err := store.GetCase(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := p.Authorize(zhitong.ActionView, zhitong.Scope{RegionCode: c.RegionCode, StationID: c.StationID, DeputyID: c.DeputyID}); err != nil {
		return nil, err
	}
	return c, nil
}

// secrets are the submitter's own name and phone, hidden wherever they appear.
func (s *Service) secrets(c *store.CaseRecord) []string {
	if c.Submitter.Anonymous {
		return nil
	}
	var out []string
	if v, err := s.app.Sealer().Open(c.Submitter.Name, "case:name"); err == nil {
		out = append(out, v)
	}
	if v, err := s.app.Sealer().Open(c.Submitter.Phone, "case:phone"); err == nil {
		out = append(out, v)
	}
	return out
}

// draft builds the draft of c in q.
func (s *Service) draft(ctx context.Context, q store.Q, c *store.CaseRecord) (*Draft, error) {
	d := &Draft{CaseID: c.ID, Code: c.Code, Title: c.Title}
	var at string
	err := q.QueryRow(ctx, `SELECT id, outcome, public_summary, at FROM replies WHERE case_id = ? ORDER BY id DESC LIMIT 1`, c.ID).
		Scan(&d.ReplyID, &d.Outcome, &d.Summary, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该件尚未答复，答复后才能公示")
	} else if err != nil {
		return nil, err
	}
	d.RepliedAt = store.ParseTime(at)
	secrets := s.secrets(c)
	d.MaskedTitle, d.MaskedSummary = mask.Public(d.Title, secrets...), mask.Public(d.Summary, secrets...)
	var cf Confirmed
	err = q.QueryRow(ctx, `SELECT reply_id, title, summary, confirmed_by, confirmed_at FROM publications WHERE case_id = ?`, c.ID).
		Scan(&cf.ReplyID, &cf.Title, &cf.Summary, &cf.By, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		d.Status = StatusPending
	case err != nil:
		return nil, err
	default:
		cf.At = store.ParseTime(at)
		d.Confirmed, d.Status = &cf, StatusStale
		if cf.ReplyID == d.ReplyID {
			d.Status = StatusConfirmed
		}
	}
	d.StatusLabel = zhitong.Label(Statuses, d.Status)
	return d, nil
}

// Draft returns the public text of case id for p to check.
func (s *Service) Draft(ctx context.Context, p zhitong.Principal, id int64) (*Draft, error) {
	c, err := s.load(ctx, s.app.DB(), p, id)
	if err != nil {
		return nil, err
	}
	return s.draft(ctx, s.app.DB(), c)
}

// Confirm publishes the public text of case id as in says. The text must
// be what the masker leaves unchanged: when it would hide more (or the
// text is empty or too long), nothing is stored and the error comes with
// the draft showing the typed text masked again, for staff to look at once
// more. A reply newer than in.ReplyID refuses
// the confirmation (ECONFLICT).
func (s *Service) Confirm(ctx context.Context, p zhitong.Principal, id int64, in ConfirmInput) (*Draft, error) {
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	var out *Draft
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		c, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		d, err := s.draft(ctx, tx, c)
		if err != nil {
			return err
		}
		out = d
		if in.ReplyID != d.ReplyID {
			return zhitong.Errorf(zhitong.ECONFLICT, "该件的答复已更新，请核对最新的公示内容后再确认")
		}
		secrets := s.secrets(c)
		t, m := mask.Public(in.Title, secrets...), mask.Public(in.Summary, secrets...)
		if err := check(in); err != nil {
			d.MaskedTitle, d.MaskedSummary = t, m // what was typed, masked, to correct
			return err
		}
		if t != in.Title || m != in.Summary {
			d.MaskedTitle, d.MaskedSummary = t, m
			field := "title"
			if t == in.Title {
				field = "summary"
			}
			return zhitong.Invalid(field, "修改后的内容中仍有电话、证件号、姓名或门牌等个人信息，已再次遮盖，请核对后重新确认")
		}
		now := s.app.Clock().Now()
		// replied_at orders the results board and outcome filters it
		// (store.ListPublicResults; a follow-up found solved later sets
		// it to A: store.Tx.UpdateFollowUp).
		// and the case's station, region and category place it on a
		// station's, a town's and a category's board (store.Tx.UpdateCase
		// keeps them).
		if _, err := tx.Exec(ctx, `INSERT INTO publications (case_id, reply_id, title, summary, confirmed_by, confirmed_at, replied_at, outcome,
 station_id, region_code, category_code)
 SELECT ?, ?, ?, ?, ?, ?, r.at, `+store.CurrentOutcome+`, COALESCE(c.station_id, 0), c.region_code, COALESCE(c.category_code, '')
 FROM replies r JOIN cases c ON c.id = r.case_id WHERE r.id = ?
 ON CONFLICT (case_id) DO UPDATE SET reply_id = excluded.reply_id, title = excluded.title, summary = excluded.summary,
 confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at, replied_at = excluded.replied_at, outcome = excluded.outcome,
 station_id = excluded.station_id, region_code = excluded.region_code, category_code = excluded.category_code`,
			id, d.ReplyID, in.Title, in.Summary, p.UserID, store.FormatTime(now), d.ReplyID); err != nil {
			return err
		}
		if err := store.SetPublishWait(ctx, tx, id); err != nil { // leaves the queue
			return err
		}
		edited := in.Title != d.MaskedTitle || in.Summary != d.MaskedSummary
		return s.app.AppendAudit(ctx, tx, p, "case.publish", "case:"+strconv.FormatInt(id, 10),
			map[string]any{"reply_id": d.ReplyID, "title": in.Title, "summary": in.Summary, "edited": edited})
	})
	if err != nil {
		if zhitong.ErrorCode(err) == zhitong.EINVALID && out != nil {
			return out, err
		}
		return nil, err
	}
	return s.Draft(ctx, p, id)
}

// Withdraw takes case id off the public board; it returns with its next
// confirmation. The reason is audited.
func (s *Service) Withdraw(ctx context.Context, p zhitong.Principal, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return zhitong.Invalid("reason", "请填写撤下公示的原因")
	}
	if utf8.RuneCountInString(reason) > maxSummary {
		return zhitong.Invalid("reason", "原因不能超过 %d 个字", maxSummary)
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if _, err := s.load(ctx, tx, p, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM publications WHERE case_id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "该件未在公示")
		}
		if err := store.SetPublishWait(ctx, tx, id); err != nil { // waits again
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "case.unpublish", "case:"+strconv.FormatInt(id, 10), map[string]any{"reason": reason})
	})
}

func check(in ConfirmInput) error {
	var bad []error
	for _, c := range []struct {
		field, label, v string
		min, max        int
	}{{"title", "公示标题", in.Title, 1, maxTitle}, {"summary", "公示摘要", in.Summary, 0, maxSummary}} {
		n := utf8.RuneCountInString(c.v)
		switch {
		case n < c.min:
			bad = append(bad, zhitong.Invalid(c.field, "请填写%s", c.label))
		case n > c.max:
			bad = append(bad, zhitong.Invalid(c.field, "%s不能超过 %d 个字（现有 %d 个）", c.label, c.max, n))
		}
		for _, r := range c.v {
			if r < 0x20 || r == 0x7f {
				bad = append(bad, zhitong.Invalid(c.field, "%s含有不允许的控制字符", c.label))
				break
			}
		}
	}
	return errors.Join(bad...)
}

// Item is a replied case in the confirmation queue.
type Item struct {
	CaseID      int64     `json:"case_id"`
	Code        string    `json:"code"`
	Title       string    `json:"title"` // masked: the queue shows what would be published
	RepliedAt   time.Time `json:"replied_at"`
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
}

// maxQueue bounds the queue shown at once, oldest reply first.
const maxQueue = 200

// Queue lists the replied cases in p's jurisdiction whose public text
// waits for confirmation (never confirmed, or confirmed for an earlier
// reply), oldest reply first, and how many there are in all.
func (s *Service) Queue(ctx context.Context, p zhitong.Principal) ([]Item, error) {
	if err := may(p); err != nil {
		return nil, err
	}
	where, args := store.InRegion("c.region_code", p.RegionCode)
	if p.StationID != 0 {
		where, args = `(`+where+` OR c.station_id = ?)`, append(args, p.StationID)
	}
	// Only the cases that wait carry publish_wait (their latest reply's
	// time; migration 108, store.SetPublishWait): the queue walks their
	// partial index oldest first and reads no reply.
	rows, err := s.app.DB().Query(ctx, `SELECT c.id, c.code, c.title, c.region_code, COALESCE(c.station_id, 0), COALESCE(c.deputy_id, 0),
 c.publish_wait, pub.reply_id IS NOT NULL, c.anonymous, c.name_enc, c.phone_enc
 FROM cases c`+queueIndex(s.app.DB().Dialect(), p.RegionCode)+` LEFT JOIN publications pub ON pub.case_id = c.id
 WHERE c.publish_wait IS NOT NULL AND `+where+`
 ORDER BY c.publish_wait, c.id LIMIT `+strconv.Itoa(maxQueue), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		var c store.CaseRecord
		var at string
		var stale bool
		if err := rows.Scan(&it.CaseID, &it.Code, &it.Title, &c.RegionCode, &c.StationID, &c.DeputyID, &at, &stale,
			&c.Submitter.Anonymous, &c.Submitter.Name, &c.Submitter.Phone); err != nil {
			return nil, err
		}
		if p.Authorize(zhitong.ActionView, zhitong.Scope{RegionCode: c.RegionCode, StationID: c.StationID, DeputyID: c.DeputyID}) != nil {
			continue
		}
		it.Title, it.RepliedAt, it.Status = mask.Public(it.Title, s.secrets(&c)...), store.ParseTime(at), StatusPending
		if stale {
			it.Status = StatusStale
		}
		it.StatusLabel = zhitong.Label(Statuses, it.Status)
		out = append(out, it)
	}
	return out, rows.Err()
}

// queueIndex names the index the queue walks on SQLite, whose planner
// knows no region's size and took cases_region, every case of a city (a
// second at 200,000 cases): a city or county walks the whole queue oldest
// first and keeps its own (0.5–7 ms); a town or village is left to the
// planner, which reads the town's cases by region and station and sorts
// the few that wait (4 ms). PostgreSQL's statistics choose by themselves.
func queueIndex(d store.Dialect, region string) string {
	if d != store.SQLite || len(region) > 6 {
		return ""
	}
	return " INDEXED BY cases_publish_wait"
}

// ConfirmDraft confirms the masked draft of case id as it is: for the demo
// data and tests, which have no one to look at it.
func (s *Service) ConfirmDraft(ctx context.Context, p zhitong.Principal, id int64) (*Draft, error) {
	d, err := s.Draft(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.Confirm(ctx, p, id, ConfirmInput{ReplyID: d.ReplyID, Title: d.MaskedTitle, Summary: d.MaskedSummary})
}
