package sso

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Citizen is a citizen signed in through the provider: the issuer and the
// subject (kept in the server-side session only; stored sealed, found by
// its blind index).
type Citizen struct {
	Issuer, Subject string
	// Phone is the provider's phone_number claim (session only: the
	// sign-in stores nothing of it; the case stores what is submitted).
	Phone string
}

// SignInCitizen records a citizen's sign-in (audited by the subject's
// blind-index prefix, no personal data).
func (s *Service) SignInCitizen(ctx context.Context, id Identity, remote string) (Citizen, error) {
	c := Citizen{Issuer: id.Issuer, Subject: id.Subject, Phone: id.Phone}
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return s.app.AppendAudit(ctx, tx, zhitong.Citizen, "sso.citizen.login", "citizen:"+s.citizenIndex(id.Subject)[:12], map[string]any{"remote": remote})
	})
	return c, err
}

func (s *Service) citizenIndex(subject string) string {
	return s.app.Sealer().BlindIndex("sso_citizen", subject)
}

// LinkCase, run in the submission's transaction (app.IntakeInput.Then),
// makes the new case c's. Audited on the case.
func (s *Service) LinkCase(ctx context.Context, tx *store.Tx, cz Citizen, c *zhitong.Case) error {
	if cz.Subject == "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sso_citizen_cases (case_id, issuer, subject_enc, subject_idx, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, cz.Issuer, s.app.Sealer().Seal(cz.Subject, "sso:citizen"), s.citizenIndex(cz.Subject), store.FormatTime(s.app.Now())); err != nil {
		return err
	}
	return s.app.AppendAudit(ctx, tx, zhitong.Citizen, "case.citizen_link", "case:"+strconv.FormatInt(c.ID, 10), map[string]any{"code": c.Code, "via": "sso"})
}

// MyCase is one of a citizen's cases as 我的意见 shows it: no tracking
// code, no personal data, its progress.
type MyCase struct {
	ID          int64
	SubmittedAt time.Time
	Category    string
	Excerpt     string
	Status      zhitong.Status
	StatusLabel string
}

// MyCases lists the cases cz submitted signed in, newest first: only
// theirs (the look-up is by their own subject's blind index).
func (s *Service) MyCases(ctx context.Context, cz Citizen) ([]MyCase, error) {
	if cz.Subject == "" {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先使用统一身份认证登录")
	}
	var out []MyCase
	for _, idx := range s.app.Sealer().BlindIndexes("sso_citizen", cz.Subject) {
		rows, err := s.app.DB().Query(ctx, `SELECT c.id, c.submitted_at, COALESCE(g.name, ''), c.body, c.status
 FROM sso_citizen_cases l JOIN cases c ON c.id = l.case_id LEFT JOIN categories g ON g.code = c.category_code
 WHERE l.issuer = ? AND l.subject_idx = ? ORDER BY c.id DESC`, cz.Issuer, idx)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m MyCase
			var at string
			if err := rows.Scan(&m.ID, &at, &m.Category, &m.Excerpt, &m.Status); err != nil {
				rows.Close()
				return nil, err
			}
			m.SubmittedAt, m.StatusLabel = store.ParseTime(at), zhitong.Label(zhitong.Statuses, m.Status)
			if r := []rune(m.Excerpt); len(r) > 40 {
				m.Excerpt = string(r[:40]) + "…"
			}
			out = append(out, m)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
