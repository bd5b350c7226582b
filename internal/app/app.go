// Package app holds the business rules of the closed loop: who may do what,
// which step follows which, deadlines in working days, and the audit trail.
// Storage (internal/store) and transport (internal/http) stay thin around it.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"zhitong"
	"zhitong/internal/audit"
	"zhitong/internal/calendar"
	"zhitong/internal/pii"
	"zhitong/internal/stale"
	"zhitong/internal/store"
)

// Config wires the application to its dependencies.
type Config struct {
	DB     *store.DB
	Clock  zhitong.Clock
	Sealer *pii.Sealer
	Logger *slog.Logger
	// Reports, when set, is a read-only replica (store.OpenReplica) that
	// the reads named in ReportDB go to; nil: they read DB.
	Reports *store.DB
	// CheapPasswordHashes hashes new passwords with argon2id at the
	// smallest cost (one pass over 64 KiB) instead of about 70 ms and
	// 32 MiB: for tests only (testkit sets it), never in a deployment.
	// Checking a password reads the cost from its hash either way.
	CheapPasswordHashes bool
}

// App is the application service. Every operation takes the acting
// principal, checks permission and jurisdiction, applies the rule, and writes
// the change, its case event and its audit entry in one transaction.
type App struct {
	db      *store.DB
	reports *store.DB // ReportDB
	clock   zhitong.Clock
	sealer  *pii.Sealer
	log     *slog.Logger
	cal     atomic.Pointer[calendar.Calendar]
	pol     atomic.Pointer[Policy] // deadline policy, see policy.go
	hashes  chan struct{}          // bounds concurrent argon2id hashing
	cheap   bool                   // Config.CheapPasswordHashes
	// collected keeps the public count of cases per region for a minute
	// (scorecard.go).
	collected *stale.Cache[string, int]
	// hooks are the other areas' parts of case steps (hooks.go); shared
	// with the copies WithClock makes.
	hooks *hookSet
}

// New returns an App over a migrated database.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Clock == nil {
		cfg.Clock = zhitong.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a := &App{db: cfg.DB, reports: cfg.Reports, clock: cfg.Clock, sealer: cfg.Sealer, log: cfg.Logger, hashes: make(chan struct{}, 2), hooks: &hookSet{}, cheap: cfg.CheapPasswordHashes,
		collected: stale.New[string, int](time.Minute, collectedRegions, cfg.Clock.Now)}
	if err := a.loadCalendar(ctx); err != nil {
		return nil, err
	}
	if err := a.loadPolicy(ctx); err != nil {
		return nil, err
	}
	// The audit chain's key (made on the first start after migration 071).
	if err := a.db.LoadAuditKey(ctx, a.sealer.Seal, a.sealer.Open, a.clock.Now()); err != nil {
		return nil, err
	}
	return a, nil
}

// DB returns the database, for commands such as backup and audit verify.
func (a *App) DB() *store.DB { return a.db }

// ReportDB is where reads that tolerate a few seconds of lag go: the
// replica given with --read-db, else the database. Only the statistics
// dashboard (internal/stats: its page, API and workbook) reads from it;
// docs/operations.md lists them. Never write through it: a replica
// refuses (store.ErrReadOnly).
func (a *App) ReportDB() *store.DB {
	if a.reports != nil {
		return a.reports
	}
	return a.db
}

// Now returns the injected clock's time.
func (a *App) Now() time.Time { return a.clock.Now() }

// today is the civil date in China, as 00:00 UTC, the form the calendar uses.
func (a *App) today() time.Time { return calendar.Civil(a.clock.Now(), zhitong.China) }

func actorString(p zhitong.Principal) string {
	switch {
	case p.UserID != 0:
		return "user:" + strconv.FormatInt(p.UserID, 10) + " " + p.Name
	case p.TokenID != 0:
		return "token:" + strconv.FormatInt(p.TokenID, 10) + " " + p.Name
	case p.Name == "system":
		return "system" // System, or SystemAs a role (the CLI's imports)
	}
	return "citizen"
}

// audit appends an entry for an action by p on object, with detail as JSON.
func (a *App) audit(ctx context.Context, tx *store.Tx, p zhitong.Principal, action, object string, detail map[string]any) error {
	return a.auditIn(ctx, tx, p, "", action, object, detail)
}

// auditIn is audit with the object's region given ("": looked up).
func (a *App) auditIn(ctx context.Context, tx *store.Tx, p zhitong.Principal, region, action, object string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	return tx.AppendAudit(ctx, audit.Entry{At: a.clock.Now(), Actor: actorString(p), Action: action, Object: object, Detail: string(b),
		Region: region, ActorRegion: p.RegionCode})
}

// AppendAudit appends an audit entry inside tx, for the packages that own an
// area of their own (setup, accounts, admin, sheets) and share App's
// transactions and audit chain.
func (a *App) AppendAudit(ctx context.Context, tx *store.Tx, p zhitong.Principal, action, object string, detail map[string]any) error {
	return a.audit(ctx, tx, p, action, object, detail)
}

// Sealer returns the personal-data sealer, for packages that store encrypted fields.
func (a *App) Sealer() *pii.Sealer { return a.sealer }

// Clock returns the injected clock.
func (a *App) Clock() zhitong.Clock { return a.clock }

// stepFn applies one action to a loaded case inside the transaction. It may
// change c (the default next status is already set) and fill in ev.Note and ev.Public.
type stepFn func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error

// step runs one lifecycle action on case id: load, authorise, check the
// status and the caller's version, apply fn, then save the case with its
// version bumped, its event and its audit entry, all in one transaction.
func (a *App) step(ctx context.Context, p zhitong.Principal, id int64, version int, action zhitong.Action, fn stepFn) (*zhitong.Case, error) {
	var out *zhitong.Case
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		c, err := a.stepTx(ctx, tx, p, id, version, action, fn)
		if err != nil {
			return err
		}
		out = &c.Case
		return nil
	})
	return out, err
}

// stepTx is step inside tx (a batch of steps in one transaction); it
// returns the case as saved.
func (a *App) stepTx(ctx context.Context, tx *store.Tx, p zhitong.Principal, id int64, version int, action zhitong.Action, fn stepFn) (*store.CaseRecord, error) {
	c, err := store.GetCase(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, tx, p, action, c); err != nil {
		return nil, err
	}
	if version != 0 && version != c.Version {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "案件已被他人修改（当前版本 %d，您提交的是 %d），请刷新后重试", c.Version, version)
	}
	if err := c.Status.CanDo(action); err != nil {
		return nil, err
	}
	now := a.clock.Now()
	from, old, deputy := c.Status, c.Version, c.DeputyID
	c.Status = from.Next(action)
	ev := &zhitong.Event{CaseID: c.ID, At: now, ActorID: p.UserID, ActorName: actorName(p), Action: action, FromStatus: from}
	if err := fn(tx, c, ev); err != nil {
		return nil, err
	}
	c.Version++
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, &c.Case, old); err != nil {
		return nil, err
	}
	if c.DeputyID != deputy {
		// The case now counts for another deputy (docs/points.md).
		if err := a.refreshDeputies(ctx, tx, deputy, c.DeputyID); err != nil {
			return nil, err
		}
	}
	ev.ToStatus = c.Status
	if err := tx.InsertEvent(ctx, ev); err != nil {
		return nil, err
	}
	if err := a.stepNotices(ctx, tx, c, ev); err != nil {
		return nil, err
	}
	if err := a.runStepHooks(ctx, tx, c, ev); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, tx, p, "case."+string(action), "case:"+strconv.FormatInt(c.ID, 10),
		map[string]any{"code": c.Code, "from": from, "to": c.Status, "note": ev.Note}); err != nil {
		return nil, err
	}
	return c, nil
}

func actorName(p zhitong.Principal) string {
	if p.Role == "" {
		return "群众"
	}
	return p.Name
}

// authorize checks p's role and jurisdiction for action on c. Citizens act
// only through their tracking code, which is checked before step is called.
func (a *App) authorize(ctx context.Context, q store.Q, p zhitong.Principal, action zhitong.Action, c *store.CaseRecord) error {
	if !p.Staff() {
		if action == zhitong.ActionEvaluate {
			return nil
		}
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	scope := zhitong.Scope{RegionCode: c.RegionCode, StationID: c.StationID, DeputyID: c.DeputyID, HeldBy: c.HeldBy}
	if p.Role == zhitong.RoleUnit {
		ids, err := store.CaseUnitIDs(ctx, q, c.ID)
		if err != nil {
			return err
		}
		scope.UnitIDs = ids
	}
	err := p.Authorize(action, scope)
	if err != nil && action == zhitong.ActionView && p.May(action) {
		// The other side of a shared station reads its cases (crossborder_scope.go).
		if ok, serr := a.seesThroughStation(ctx, q, p, c); serr != nil {
			return serr
		} else if ok {
			return nil
		}
	}
	return err
}

// WithClock returns a copy of the application that reads time from c. The
// demo loader uses it to lay cases out over past weeks.
func (a *App) WithClock(c zhitong.Clock) *App {
	b := &App{db: a.db, clock: c, sealer: a.sealer, log: a.log, hashes: a.hashes, hooks: a.hooks, cheap: a.cheap, collected: a.collected}
	b.cal.Store(a.cal.Load())
	b.pol.Store(a.pol.Load())
	return b
}
