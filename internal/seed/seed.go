// Package seed fills a database with a realistic history for tests,
// benchmarks and demonstrations at scale: `zhitong seed --cases N`, or
// seed.Run from a benchmark. See docs/operations.md, "Seeding a large
// database".
//
// The deployment (regions, organisation, categories, units, stations,
// deputies, accounts) goes through the same store calls as zhitong init and
// the demo. The cases are faithful bulk copies of what the application
// writes step by step (internal/app: intake, register, assign, accept,
// return, reply, evaluate, call-back, re-handle, explain, close, archive,
// decline, merge, refer, propose): the case row in its final state, its
// search document, one event per step with the application's notes and
// public texts, the assignments, replies with dual feedback, evaluations,
// the outbox rows (delivered: status sent) and one audit entry per step,
// chained by the audit package's own code — many rows per statement, one
// transaction per batch of cases.
package seed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/store"
)

// Options say what to seed.
type Options struct {
	Cases    int       // how many cases to add
	Progress io.Writer // progress lines (件数, rate, ETA); nil: none
	// Force seeds a database that holds real (non-demo) records. Never on
	// a production database: the seeded cases are mixed with real ones.
	Force bool
	Seed  int64 // random seed of the texts and histories (0: 1)
	// Region is the jurisdiction to fill, a county or above (default: the
	// region of an earlier seed, else 360700 赣州市, 18 counties and 300 townships).
	Region string
	Years  int // the history spans this many years back from now (default 3)
	Batch  int // cases per transaction (default 5000)
	// KeepIndexes keeps every index and foreign key of the loaded tables
	// up to date row by row on PostgreSQL, instead of dropping them for a
	// big seed into a database of seeded records only and building them at
	// the end (see dropIndexes).
	KeepIndexes bool
}

// bulkTables are the tables each batch loads.
var bulkTables = []string{"proposals", "cases", "assignments", "replies", "deliveries", "evaluations", "case_events",
	"notifications", "publications", "audit_log"}

// dropIndexesFrom is the smallest seed that drops the indexes: below it,
// building them again over the whole table costs more than it saves.
var dropIndexesFrom = 20000

// Result says what Run added.
type Result struct {
	Region                  string
	Cases, Events, Audit    int64
	Notifications, Replies  int64
	FirstCaseID, LastCaseID int64
	Accounts                []string // usernames, all with the password Password
	Elapsed                 time.Duration
}

// metaSeed records the seeds run on a database (JSON).
const metaSeed = "seed"

type seedMeta struct {
	Region string `json:"region"`
	Cases  int64  `json:"cases"`
	Runs   int    `json:"runs"`
}

type seeder struct {
	a   *app.App
	opt Options
}

// Run adds opt.Cases cases with their whole history to the database of a.
// It refuses a database with real records unless opt.Force. It must be the
// only writer while it runs (ids are chosen ahead of the inserts); a
// concurrent write makes it stop with an error, the batches before kept.
func Run(ctx context.Context, a *app.App, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Cases < 0 {
		return nil, zhitong.Invalid("cases", "案件数不能为负数")
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Years <= 0 {
		opt.Years = 3
	}
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Progress == nil {
		opt.Progress = io.Discard
	}
	db := a.DB()
	what, err := realRecords(ctx, db)
	if err != nil {
		return nil, err
	}
	if !opt.Force {
		if what != "" {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "数据库中已有真实数据（%s），为免与种子数据混在一起，未做任何修改；确属测试库请加 --force。"+
				"(The database holds real records; add --force on a test database only.)", what)
		}
	}
	var meta seedMeta
	if v, err := store.GetMeta(ctx, db, metaSeed); err != nil {
		return nil, err
	} else if v != "" {
		if err := json.Unmarshal([]byte(v), &meta); err != nil {
			return nil, fmt.Errorf("meta %s: %w", metaSeed, err)
		}
	}
	if opt.Region == "" {
		opt.Region = meta.Region
	}
	if opt.Region == "" {
		opt.Region = "360700"
	}
	s := &seeder{a: a, opt: opt}
	d, err := s.deploy(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed deployment: %w", err)
	}
	g, err := s.newGen(ctx, d)
	if err != nil {
		return nil, err
	}
	res := &Result{Region: d.root, Accounts: d.accounts}
	dropped, err := s.dropIndexes(ctx, what, g.next.cases-1)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(opt.Progress, "种子数据：%s，%d 个县（市、区），%d 个乡镇（街道），%d 件案件（批次 %d 件）\n",
		d.root, len(d.counties), g.townCount, opt.Cases, opt.Batch)

	if db.Dialect() == store.SQLite {
		// The one writer connection gets a large page cache while seeding
		// (the unique tracking codes are random keys), and its default back after.
		if _, err := db.Exec(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return nil, err
		}
		defer db.Exec(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
	}
	// One goroutine composes batches (texts, sealing, histories) while
	// this one writes the previous batch.
	batches := make(chan *batch, 2)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		for done := 0; done < opt.Cases; {
			n := min(opt.Batch, opt.Cases-done)
			b := g.batch(n)
			select {
			case batches <- b:
			case <-gctx.Done():
				return
			}
			done += n
		}
	}()
	written := 0
	last := time.Now()
	for b := range batches {
		if err := s.write(ctx, b); err != nil {
			if dropped > 0 && ctx.Err() == nil {
				s.restoreIndexes(ctx)
			}
			return res, err
		}
		if res.FirstCaseID == 0 {
			res.FirstCaseID = b.firstCase
		}
		res.LastCaseID = b.firstCase + int64(len(b.cases)) - 1
		written += len(b.cases)
		res.Cases += int64(len(b.cases))
		res.Events += int64(len(b.events))
		res.Audit += int64(len(b.audit))
		res.Notifications += int64(len(b.notes))
		res.Replies += int64(len(b.replies))
		if time.Since(last) > 2*time.Second || written == opt.Cases {
			last = time.Now()
			el := time.Since(start)
			rate := float64(written) / el.Seconds()
			eta := time.Duration(float64(opt.Cases-written)/rate) * time.Second
			fmt.Fprintf(opt.Progress, "已生成 %d / %d 件（%.0f%%），%.0f 件/秒，已用 %s，预计还需 %s\n",
				written, opt.Cases, 100*float64(written)/float64(max(opt.Cases, 1)), rate, el.Round(time.Second), eta.Round(time.Second))
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	meta.Region, meta.Cases, meta.Runs = d.root, meta.Cases+res.Cases, meta.Runs+1
	mb, _ := json.Marshal(meta)
	err = db.Write(ctx, func(tx *store.Tx) error {
		for _, t := range seqTables {
			if err := tx.SyncSequence(ctx, t); err != nil {
				return err
			}
		}
		if err := tx.SetMeta(ctx, metaSeed, string(mb)); err != nil {
			return err
		}
		return a.AppendAudit(ctx, tx, app.System, "seed.run", "region:"+d.root, map[string]any{
			"cases": res.Cases, "first_case": res.FirstCaseID, "last_case": res.LastCaseID, "seed": opt.Seed, "force": opt.Force})
	})
	if err != nil {
		return res, err
	}
	if dropped > 0 {
		if err := s.restoreIndexes(ctx); err != nil {
			return res, err
		}
	}
	// The publication queue's mark (store.SetPublishWait), which the bulk
	// load did not write, once the indexes are there.
	if err := store.BackfillPublishWait(ctx, db, res.FirstCaseID); err != nil {
		return res, err
	}
	// Statistics, as autovacuum would gather them on PostgreSQL: without
	// them the planner guesses on tables this size. PostgreSQL also gets
	// its visibility map, as autovacuum would set it later: without it no
	// index-only scan (the sweep's changed cases, migration 109) is
	// planned on the loaded rows. SQLite keeps them in sqlite_stat1,
	// sampled (analysis_limit) so that a large database takes seconds, not
	// minutes.
	fmt.Fprintf(opt.Progress, "正在收集统计信息（ANALYZE）…\n")
	analyze := `VACUUM (ANALYZE)`
	if db.Dialect() == store.SQLite {
		if _, err := db.Exec(ctx, `PRAGMA analysis_limit = 4000`); err != nil {
			return res, err
		}
		analyze = `ANALYZE`
	}
	if _, err := db.Exec(ctx, analyze); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	fmt.Fprintf(opt.Progress, "完成：%d 件案件，%d 条办理记录，%d 条审计日志，%d 条通知，%d 份答复，用时 %s（%.0f 件/秒）\n",
		res.Cases, res.Events, res.Audit, res.Notifications, res.Replies, res.Elapsed.Round(time.Second),
		float64(res.Cases)/res.Elapsed.Seconds())
	return res, nil
}

// dropIndexes drops the secondary indexes and foreign keys of the loaded
// tables for a big seed on PostgreSQL (store.DropBulkIndexes: about 6,000
// rows a second into the indexed tables was the server's CPU limit), and
// says how many. Only when the seed is the database's sole writer and its
// only author: real records (what) or the demo's keep them, as does a seed
// smaller than dropIndexesFrom or than the cases already there (haveCases),
// whose indexes would be built again over the whole table.
func (s *seeder) dropIndexes(ctx context.Context, what string, haveCases int64) (int, error) {
	db := s.a.DB()
	if db.Dialect() != store.Postgres || s.opt.KeepIndexes || what != "" ||
		s.opt.Cases < dropIndexesFrom || int64(s.opt.Cases) < haveCases {
		return 0, nil
	}
	if demo, err := store.GetMeta(ctx, db, "demo_started"); err != nil || demo != "" {
		return 0, err
	}
	n, err := db.DropBulkIndexes(ctx, bulkTables, s.a.Now())
	if n > 0 {
		fmt.Fprintf(s.opt.Progress, "批量写入：暂时删除 %d 个二级索引和外键，写完后重建（中途中断时，下次 zhitong seed、migrate 或 serve 先重建）\n", n)
	}
	return n, err
}

// restoreIndexes builds what dropIndexes dropped.
func (s *seeder) restoreIndexes(ctx context.Context) error {
	start := time.Now()
	n, err := s.a.DB().RestoreBulkIndexes(ctx, func(name, table string) {
		fmt.Fprintf(s.opt.Progress, "正在重建 %s 的 %s…\n", table, name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.opt.Progress, "已重建 %d 个索引和外键，用时 %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

// seqTables are the tables whose ids the seeder chooses.
var seqTables = []string{"proposals", "cases", "assignments", "replies", "deliveries", "evaluations", "case_events", "notifications"}

// write stores one batch in one transaction.
func (s *seeder) write(ctx context.Context, b *batch) error {
	return s.a.DB().WriteBulk(ctx, func(tx *store.Tx) error {
		maxCase, err := tx.MaxID(ctx, "cases")
		if err != nil {
			return err
		}
		if maxCase != b.firstCase-1 {
			return fmt.Errorf("seed: cases were written by someone else meanwhile (last id %d, expected %d); run zhitong seed alone", maxCase, b.firstCase-1)
		}
		caseCols, caseRows := caseColumns, b.cases
		if tx.Dialect() == store.Postgres {
			// The search document goes into the case row's tsvector.
			caseCols = append(caseCols[:len(caseCols):len(caseCols)], "search=to_tsvector('simple', ?)")
			caseRows = make([][]any, len(b.cases))
			for i, r := range b.cases {
				caseRows[i] = append(r[:len(r):len(r)], b.docs[i])
			}
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"proposals", []string{"id", "title", "body", "deputy_id", "region_code", "state", "created_at", "created_by", "due_date"}, b.proposals},
			{"cases", caseCols, caseRows},
			{"assignments", []string{"id", "case_id", "unit_id", "lead", "round", "due_date", "state", "assigned_at", "accepted_at", "returned_at", "return_reason"}, b.assignments},
			{"replies", []string{"id", "case_id", "round", "unit_id", "outcome", "text", "planned_date", "reason", "public_summary", "at", "by_user"}, b.replies},
			{"deliveries", []string{"id", "reply_id", "recipient", "channel", "at", "note", "by_user"}, b.deliveries},
			{"evaluations", []string{"id", "case_id", "round", "rating", "comment", "callback", "at", "by_user"}, b.evaluations},
			{"case_events", []string{"id", "case_id", "at", "actor_id", "actor_name", "action", "from_status", "to_status", "note", "public"}, b.events},
			{"notifications", []string{"id", "key", "template", "channel", "recipient", "case_id", "user_id", "vars", "status", "not_before",
				"attempts", "last_error", "created_at", "sent_at", "read_at"}, b.notes},
			{"publications", []string{"case_id", "reply_id", "title", "summary", "confirmed_by", "confirmed_at", "replied_at", "outcome",
				"station_id", "region_code", "category_code"}, b.publications},
		} {
			if err := tx.BulkInsert(ctx, t.table, t.cols, t.rows); err != nil {
				return err
			}
		}
		if tx.Dialect() == store.SQLite {
			rows := make([][]any, len(b.docs))
			for i, doc := range b.docs {
				rows[i] = []any{b.firstCase + int64(i), doc}
			}
			if err := tx.BulkInsert(ctx, "cases_fts", []string{"rowid", "tokens"}, rows); err != nil {
				return err
			}
		}
		// The audit log in time order within the batch (each case's
		// entries are already in order; cases interleave).
		slices.SortStableFunc(b.audit, func(x, y audit.Entry) int { return x.At.Compare(y.At) })
		return tx.AppendAuditBatch(ctx, b.audit)
	})
}

var caseColumns = []string{"id", "code", "channel", "status", "version", "round", "title", "body", "category_code", "region_code",
	"station_id", "deputy_id", "place", "lat", "lng", "anonymous", "name_enc", "phone_enc", "phone_idx", "idcard_enc", "address_enc",
	"external_id", "submitted_at", "registered_at", "due_from", "due_days", "due_date", "due_provisional", "lead_unit_id", "answer",
	"decline_reason", "merged_into", "proposal_id", "referral_dest", "referral_result", "resolution", "closing_note", "closed_at",
	"archived_at", "updated_at", "created_by", "demo"}

// batch is the rows of a run of consecutive cases.
type batch struct {
	firstCase                                                int64
	cases                                                    [][]any
	docs                                                     []string
	proposals, assignments, replies, deliveries, evaluations [][]any
	events, notes, publications                              [][]any
	audit                                                    []audit.Entry
}

// ids are the next ids of each table.
type ids struct {
	cases, proposals, assignments, replies, deliveries, evaluations, events, notes int64
}

func (s *seeder) newGen(ctx context.Context, d *deployment) (*gen, error) {
	g := &gen{s: s, d: d, cal: s.a.Calendar(), now: s.a.Now(), sealer: s.a.Sealer(),
		r: rand.New(rand.NewPCG(uint64(s.opt.Seed), 0x5eed))}
	g.nm = namer{g.r}
	err := s.a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, t := range []struct {
			table string
			id    *int64
		}{{"cases", &g.next.cases}, {"proposals", &g.next.proposals}, {"assignments", &g.next.assignments}, {"replies", &g.next.replies},
			{"deliveries", &g.next.deliveries}, {"evaluations", &g.next.evaluations}, {"case_events", &g.next.events}, {"notifications", &g.next.notes}} {
			id, err := tx.MaxID(ctx, t.table)
			if err != nil {
				return err
			}
			*t.id = id + 1
		}
		rows, err := tx.Query(ctx, `SELECT code, due_days FROM categories WHERE retired_at = '' ORDER BY code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		g.dueDays = map[string]int{}
		for rows.Next() {
			var code string
			var days int
			if err := rows.Scan(&code, &days); err != nil {
				return err
			}
			g.dueDays[code] = days
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, c := range d.counties {
		g.townCount += len(c.towns)
		for _, t := range c.towns {
			g.towns = append(g.towns, t)
		}
	}
	// The integration that brings 12345 hotline cases in.
	g.token, err = s.token(ctx, d.root)
	return g, err
}

const tokenName = "12345热线（种子数据）"

func (s *seeder) token(ctx context.Context, region string) (zhitong.Principal, error) {
	p := zhitong.Principal{Name: tokenName}
	err := s.a.DB().QueryRow(ctx, `SELECT id, role, region_code FROM api_tokens WHERE name = ?`, tokenName).Scan(&p.TokenID, &p.Role, &p.RegionCode)
	if errors.Is(err, sql.ErrNoRows) {
		var tok *zhitong.Token
		if _, tok, err = s.a.AddToken(ctx, app.System, tokenName, zhitong.RoleIntegration, region); err == nil {
			p.TokenID, p.Role, p.RegionCode = tok.ID, tok.Role, tok.RegionCode
		}
	}
	return p, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
