// Package jobs runs the platform's background work inside `zhitong serve`
// with River (github.com/riverqueue/river), on SQLite or PostgreSQL: periodic
// sweeps (outbox delivery, escalation, bulletins) and one-off tasks
// scheduled for a time. Jobs live in River's tables in the same database as
// the cases, so they survive a crash; a failing task is retried with
// exponential backoff; Stop waits for running tasks to finish.
//
// The package knows nothing about cases: callers hand it named functions.
// A task must be idempotent (safe to run twice, or concurrently with itself
// on another server), because River guarantees at-least-once execution.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"zhitong/internal/store"
)

// Periodic is a task run every Interval, on one server at a time (River's
// elected leader inserts it), and once at start-up.
type Periodic struct {
	Name     string // unique; letters, digits, '.', '_' and '-'
	Interval time.Duration
	Run      func(ctx context.Context) error
	// Timeout bounds one run; 0 means one minute.
	Timeout time.Duration
}

// Task is a named function that can be scheduled for a time with Schedule.
type Task struct {
	Name    string
	Run     func(ctx context.Context) error
	Timeout time.Duration
}

// Config configures a Runner.
type Config struct {
	DB       *store.DB
	Periodic []Periodic
	Tasks    []Task
	Logger   *slog.Logger
	// Poll is how often workers look for due jobs (default 1 s). River
	// cannot LISTEN through either driver used here, so it polls.
	Poll time.Duration
	// RetryBase is the first retry delay of a failed task (default 1 s); the
	// n-th retry waits RetryBase·2^(n-1), capped at one hour.
	RetryBase time.Duration
	// MaxAttempts before a one-off task is discarded (default 10).
	MaxAttempts int
}

// Runner owns the River client.
type Runner struct {
	client  client
	closers []func()
	tasks   map[string]Task
}

// client is the part of *river.Client[TTx] the runner uses, whatever the
// driver's transaction type.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// New migrates River's tables and builds the runner; Start starts it.
func New(ctx context.Context, cfg Config) (*Runner, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	r := &Runner{tasks: map[string]Task{}}
	for _, p := range cfg.Periodic {
		if err := r.addTask(Task{Name: p.Name, Run: p.Run, Timeout: p.Timeout}); err != nil {
			return nil, err
		}
		if p.Interval <= 0 {
			return nil, fmt.Errorf("jobs: periodic task %s needs an interval", p.Name)
		}
	}
	for _, t := range cfg.Tasks {
		if err := r.addTask(t); err != nil {
			return nil, err
		}
	}
	rc := r.riverConfig(cfg)
	var err error
	if cfg.DB.Dialect() == store.Postgres {
		err = r.openPostgres(ctx, cfg.DB.DSN, rc)
	} else {
		err = r.openSQLite(ctx, cfg.DB.Path, rc)
	}
	if err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *Runner) addTask(t Task) error {
	if t.Name == "" || t.Run == nil || strings.IndexFunc(t.Name, badNameRune) >= 0 {
		return fmt.Errorf("jobs: task %q needs a name of letters, digits, '.', '_' or '-' and a function", t.Name)
	}
	if _, dup := r.tasks[t.Name]; dup {
		return fmt.Errorf("jobs: task %s registered twice", t.Name)
	}
	if t.Timeout <= 0 {
		t.Timeout = time.Minute
	}
	r.tasks[t.Name] = t
	return nil
}

func badNameRune(c rune) bool {
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')
}

func (r *Runner) riverConfig(cfg Config) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &taskWorker{r: r, base: cfg.RetryBase})
	rc := &river.Config{
		Workers:           workers,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		FetchPollInterval: cfg.Poll,
		FetchCooldown:     min(cfg.Poll, 100*time.Millisecond),
		MaxAttempts:       cfg.MaxAttempts,
		// River reports its producers' counts every few seconds at INFO;
		// an operator needs only its warnings and errors.
		Logger: slog.New(warnOnly{cfg.Logger.Handler()}),
		// A periodic task leaves a completed job per tick; keep an hour of them.
		CompletedJobRetentionPeriod: time.Hour,
		// A job still "running" after a kill -9 is rescued and retried.
		RescueStuckJobsAfter: 5 * time.Minute,
		JobTimeout:           time.Minute,
	}
	for _, p := range cfg.Periodic {
		name := p.Name
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(p.Interval),
			func() (river.JobArgs, *river.InsertOpts) {
				// A periodic run is worth one attempt: the next tick retries.
				return TaskArgs{Name: name}, &river.InsertOpts{MaxAttempts: 1}
			}, &river.PeriodicJobOpts{ID: name, RunOnStart: true}))
	}
	return rc
}

// openSQLite gives River connections of its own to the database file: the
// application's writer is one connection (store.Open), and River's producer,
// elector and maintenance services would otherwise queue behind case
// writes. One connection, as riversqlite recommends; BEGIN IMMEDIATE and
// busy_timeout make it wait for the application's writer instead of failing.
func (r *Runner) openSQLite(ctx context.Context, path string, rc *river.Config) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("jobs: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	r.closers = append(r.closers, func() { db.Close() })
	driver := riversqlite.New(db)
	if err := migrateSQLite(ctx, db, driver); err != nil || rc == nil {
		return err
	}
	c, err := river.NewClient(driver, rc)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	r.client = c
	return nil
}

// openPostgres uses a pgx pool of its own: River's pgx driver needs
// *pgxpool.Pool, the application's SQL goes through database/sql.
func (r *Runner) openPostgres(ctx context.Context, dsn string, rc *river.Config) error {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	pc.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return fmt.Errorf("jobs: connect postgres: %w", err)
	}
	r.closers = append(r.closers, pool.Close)
	driver := riverpgxv5.New(pool)
	if err := migratePostgres(ctx, pool, driver); err != nil || rc == nil {
		return err
	}
	c, err := river.NewClient(driver, rc)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	r.client = c
	return nil
}

// migrateSQLite applies River's migrations in one BEGIN IMMEDIATE
// transaction, which holds the database's write lock: servers starting
// together on a new file would otherwise both create River's tables.
func migrateSQLite(ctx context.Context, db *sql.DB, driver *riversqlite.Driver) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: river migrator: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	defer tx.Rollback()
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return tx.Commit()
}

// migratePostgres applies River's migrations while holding an advisory
// lock on a connection of its own: servers starting together on a fresh
// database would otherwise race on CREATE TABLE (duplicate pg_type rows).
// (Not one transaction: River's migration 006 adds an enum value that a
// later one uses, which PostgreSQL refuses within a transaction.)
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, driver *riverpgxv5.Driver) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	defer conn.Release()
	// Per schema: deployments (or tests) in other schemas do not wait.
	const key = `hashtextextended(current_schema() || ':river-migrations', 0)`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`)
	return migrateRiver(ctx, driver)
}

func migrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return nil
}

// Migrate applies River's migrations to db without starting anything, for
// `zhitong migrate`; New applies them too.
func Migrate(ctx context.Context, db *store.DB) error {
	r := &Runner{}
	defer r.close()
	if db.Dialect() == store.Postgres {
		return r.openPostgres(ctx, db.DSN, nil)
	}
	return r.openSQLite(ctx, db.Path, nil)
}

// Start starts working jobs; they stop when ctx ends or Stop is called.
func (r *Runner) Start(ctx context.Context) error {
	return r.client.Start(ctx)
}

// Stop stops fetching new jobs and waits until running ones finish or ctx
// ends, then closes River's connections.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	r.close()
	return err
}

func (r *Runner) close() {
	for _, c := range r.closers {
		c()
	}
	r.closers = nil
}

// Schedule inserts a one-off run of the named task, to run at at (now if
// zero). Failures are retried with backoff up to Config.MaxAttempts.
func (r *Runner) Schedule(ctx context.Context, name string, at time.Time) error {
	if _, ok := r.tasks[name]; !ok {
		return fmt.Errorf("jobs: no task %s", name)
	}
	_, err := r.client.Insert(ctx, TaskArgs{Name: name}, &river.InsertOpts{ScheduledAt: at})
	return err
}

// TaskArgs is the River job that runs a named task.
type TaskArgs struct {
	Name string `json:"name"`
}

// Kind implements river.JobArgs.
func (TaskArgs) Kind() string { return "zhitong.task" }

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	r    *Runner
	base time.Duration
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t, ok := w.r.tasks[job.Args.Name]
	if !ok {
		// A task removed from the configuration since the job was queued.
		return river.JobCancel(errors.New("jobs: unknown task " + job.Args.Name))
	}
	return runReleasing(ctx, t.Run)
}

// releaseAfter is how much a run may allocate before the memory it freed
// is handed back to the system at its end.
const releaseAfter = 64 << 20

// runReleasing runs run and, when it allocated more than releaseAfter (the
// first sweep or statistics settle over a large history, a catch-up after
// downtime), collects and returns the freed memory to the system at once:
// the Go runtime would otherwise keep it mapped for minutes, and an idle
// server would show the catch-up's peak as its resident size.
func runReleasing(ctx context.Context, run func(context.Context) error) error {
	before := heapAllocated()
	err := run(ctx)
	if heapAllocated()-before > releaseAfter {
		debug.FreeOSMemory()
	}
	return err
}

// heapAllocated is the total of bytes ever allocated on the heap.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func (w *taskWorker) Timeout(job *river.Job[TaskArgs]) time.Duration {
	if t, ok := w.r.tasks[job.Args.Name]; ok {
		return t.Timeout
	}
	return time.Minute
}

// NextRetry backs off exponentially from the configured base.
func (w *taskWorker) NextRetry(job *river.Job[TaskArgs]) time.Time {
	n := max(len(job.Errors), 1)
	d := time.Duration(float64(w.base) * math.Pow(2, float64(n-1)))
	if d > time.Hour || d <= 0 {
		d = time.Hour
	}
	return time.Now().Add(d)
}

// warnOnly passes on a handler's records of level WARN and above.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{h.Handler.WithAttrs(attrs)}
}

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }
