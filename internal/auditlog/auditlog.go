// Package auditlog is the security auditor's (安全审计员) work on the audit
// log: the entries of their jurisdiction, verification of the keyed chain,
// export for archiving, and pruning after the retention period (which the
// Cybersecurity Law, art. 21, sets at no less than six months). The chain
// itself is internal/audit; storage is internal/store.
package auditlog

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/store"
)

// MinRetentionDays is the shortest retention there is: 180 days (six
// months, 《网络安全法》第二十一条). A longer one may be configured, never a
// shorter one.
const MinRetentionDays = 180

// Service serves the audit log.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

func isSystem(p zhitong.Principal) bool { return p == app.System }

func mayRead(p zhitong.Principal) error {
	if p.Role != zhitong.RoleAuditor && !isSystem(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全审计员可以查看审计日志")
	}
	return nil
}

// Query selects entries for List and pages them by cursor.
type Query struct {
	Object string
	Action string // prefix, e.g. "user."
	From   time.Time
	To     time.Time
	Oldest bool // oldest first; newest first otherwise
	app.PageInput
}

// list names the list in its cursors: one order's cursor is refused by the other.
func (q Query) list() string {
	if q.Oldest {
		return "audit-oldest"
	}
	return "audit"
}

// List returns a page of the entries of p's jurisdiction (those whose
// object or actor lies in p's region subtree), newest first unless
// q.Oldest. A page looks at no more than store.AuditWindow entries of the
// log: when they hold fewer matches than the page, it is short (even
// empty) and its cursor onwards goes on from where it stopped. It counts
// nothing: Total and More are zero.
func (s *Service) List(ctx context.Context, p zhitong.Principal, q Query) (app.KeysetPage[audit.Entry], error) {
	if err := mayRead(p); err != nil {
		return app.KeysetPage[audit.Entry]{}, err
	}
	pg, err := q.StorePage(q.list())
	if err != nil {
		return app.KeysetPage[audit.Entry]{}, err
	}
	f := store.AuditQuery{Object: q.Object, Region: p.RegionCode, From: q.From, To: q.To}
	rows, stop, err := store.AuditPage(ctx, s.app.DB(), f, q.Action, store.AuditOrder(!q.Oldest), pg, store.AuditWindow)
	if err != nil {
		return app.KeysetPage[audit.Entry]{}, err
	}
	return app.WindowPage(q.list(), rows, pg, stop, func(e audit.Entry) store.Cursor { return store.Cursor{ID: e.Seq} }), nil
}

// Report is the result of a verification.
type Report struct {
	OK      bool  `json:"ok"`
	Checked int64 `json:"checked"`
	// BrokenAt is the first entry that does not verify, Reason why.
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// KeyedFrom is the first entry under the audit key (the ones before it
	// were written before migration 071 and are bound by the key's
	// checkpoint), KeySince when the key was made.
	KeyedFrom     int64     `json:"keyed_from"`
	KeySince      time.Time `json:"key_since"`
	PrunedThrough int64     `json:"pruned_through"`
}

// LegacyThrough is the last entry written before the audit key (0: none).
func (r Report) LegacyThrough() int64 { return max(r.KeyedFrom-1, 0) }

// Verify checks the whole chain (integrity is the whole log's, whoever
// asks) and names the first entry that does not verify.
func (s *Service) Verify(ctx context.Context, p zhitong.Principal) (Report, error) {
	if err := mayRead(p); err != nil {
		return Report{}, err
	}
	c, since, err := s.app.DB().AuditChain(ctx)
	if err != nil {
		return Report{}, err
	}
	brk, n, err := s.app.DB().VerifyAudit(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{OK: brk == nil, Checked: n, KeyedFrom: c.KeyedFrom, KeySince: since, PrunedThrough: c.PrunedThrough}
	if brk != nil {
		r.BrokenAt, r.Reason = brk.Seq, brk.Reason
	}
	return r, nil
}

// Range is an export's period: civil dates in China, both inclusive; a
// zero date is unbounded.
type Range struct{ From, To time.Time }

// ParseRange reads two YYYY-MM-DD dates (either may be empty).
func ParseRange(from, to string) (Range, error) {
	var r Range
	for _, d := range []struct {
		field, v string
		dst      *time.Time
	}{{"from", from, &r.From}, {"to", to, &r.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(d.v), zhitong.China)
		if err != nil {
			return r, zhitong.Invalid(d.field, "日期“%s”无效，应为 2026-06-01 这样的格式", d.v)
		}
		*d.dst = t
	}
	if !r.From.IsZero() && !r.To.IsZero() && r.To.Before(r.From) {
		return r, zhitong.Invalid("to", "结束日期早于开始日期")
	}
	return r, nil
}

func (r Range) query() store.AuditQuery {
	q := store.AuditQuery{From: r.From}
	if !r.To.IsZero() {
		q.To = r.To.AddDate(0, 0, 1)
	}
	return q
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Export writes the entries of p's jurisdiction in r to w as an archive
// (audit.ArchiveFormat) that `zhitong audit verify --archive` checks, and
// audits the export. The system (the CLI) exports everything.
func (s *Service) Export(ctx context.Context, p zhitong.Principal, r Range, w io.Writer) (int64, error) {
	if err := mayRead(p); err != nil {
		return 0, err
	}
	c, _, err := s.app.DB().AuditChain(ctx)
	if err != nil {
		return 0, err
	}
	// The export is audited before the first byte leaves.
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return s.app.AppendAudit(ctx, tx, p, "audit.export", "region:"+p.RegionCode, map[string]any{"from": day(r.From), "to": day(r.To)})
	})
	if err != nil {
		return 0, err
	}
	q := r.query()
	q.Region = p.RegionCode
	aw := audit.NewArchiveWriter(w, c.Key, audit.ArchiveHeader{ExportedAt: s.app.Now().UTC(), From: day(r.From), To: day(r.To),
		Region: p.RegionCode, Contiguous: p.RegionCode == "", ExportedBy: p.Name})
	if err := store.EachAudit(ctx, s.app.DB(), q, aw.Write); err != nil {
		return 0, err
	}
	return aw.Close()
}

// VerifyArchive checks an archive made by Export against this database's
// audit key.
func (s *Service) VerifyArchive(ctx context.Context, p zhitong.Principal, r io.Reader) (audit.ArchiveHeader, int64, *audit.Break, error) {
	if err := mayRead(p); err != nil {
		return audit.ArchiveHeader{}, 0, nil, err
	}
	c, _, err := s.app.DB().AuditChain(ctx)
	if err != nil {
		return audit.ArchiveHeader{}, 0, nil, err
	}
	return audit.VerifyArchive(r, c)
}

// Pruned says what Prune removed.
type Pruned struct {
	Through int64 // last entry removed; 0: nothing was old enough
	Count   int64
}

// Prune archives to w, then removes, the entries written before the civil
// day before (China time). It refuses a retention under MinRetentionDays
// and a day within the retention (keepDays before today), refuses a chain
// that does not verify, and records its checkpoint and an audit entry.
// Only the system (the CLI on the server) prunes. A refusal writes its
// audit entry and nothing else.
//
// The archive goes to w; commit (when not nil) must make it durable (sync,
// rename into place) and is called before anything is removed.
func (s *Service) Prune(ctx context.Context, p zhitong.Principal, before time.Time, keepDays int, w io.Writer, commit func() error) (Pruned, error) {
	if !isSystem(p) {
		return Pruned{}, zhitong.Errorf(zhitong.EFORBIDDEN, "审计日志只能在服务器上用 zhitong audit prune 清理")
	}
	today := time.Date(s.app.Now().In(zhitong.China).Year(), s.app.Now().In(zhitong.China).Month(), s.app.Now().In(zhitong.China).Day(), 0, 0, 0, 0, zhitong.China)
	limit := today.AddDate(0, 0, -keepDays)
	var refusal error
	switch {
	case keepDays < MinRetentionDays:
		refusal = zhitong.Invalid("keep_days", "保留期不得少于 %d 天（《网络安全法》第二十一条：网络日志留存不少于六个月），给的是 %d 天", MinRetentionDays, keepDays)
	case before.After(limit):
		refusal = zhitong.Invalid("before", "%s 之后的审计日志还在 %d 天保留期内，最早只能清理 %s 之前的", day(limit), keepDays, day(limit))
	}
	if refusal != nil {
		if err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
			return s.app.AppendAudit(ctx, tx, p, "audit.prune_refused", "audit", map[string]any{"before": day(before), "keep_days": keepDays, "reason": zhitong.ErrorMessage(refusal)})
		}); err != nil {
			return Pruned{}, err
		}
		return Pruned{}, refusal
	}
	rep, err := s.Verify(ctx, p)
	if err != nil {
		return Pruned{}, err
	}
	if !rep.OK {
		return Pruned{}, zhitong.Errorf(zhitong.ECONFLICT, "审计日志在第 %d 条校验不通过（%s），先查明原因，不清理", rep.BrokenAt, rep.Reason)
	}
	through, done, err := store.AuditPrunable(ctx, s.app.DB(), before)
	if err != nil || through == 0 {
		return Pruned{}, err
	}
	c, _, err := s.app.DB().AuditChain(ctx)
	if err != nil {
		return Pruned{}, err
	}
	aw := audit.NewArchiveWriter(w, c.Key, audit.ArchiveHeader{ExportedAt: s.app.Now().UTC(), To: day(before.AddDate(0, 0, -1)),
		Contiguous: true, ExportedBy: "zhitong audit prune"})
	err = store.EachAudit(ctx, s.app.DB(), store.AuditQuery{After: done}, func(e audit.Entry) error {
		if e.Seq > through {
			return errDone
		}
		return aw.Write(e)
	})
	if err != nil && err != errDone {
		return Pruned{}, err
	}
	n, err := aw.Close()
	if err == nil && commit != nil {
		err = commit()
	}
	if err != nil {
		return Pruned{}, fmt.Errorf("存档写入失败，未清理: %w", err)
	}
	got, err := s.app.DB().PruneAudit(ctx, before, through)
	if err != nil {
		return Pruned{}, err
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return s.app.AppendAudit(ctx, tx, p, "audit.prune", "audit", map[string]any{"before": day(before), "keep_days": keepDays, "through": got, "archived": n})
	})
	return Pruned{Through: got, Count: got - done}, err
}

var errDone = fmt.Errorf("done")
