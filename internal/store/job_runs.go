package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// JobRun is the last run of a periodic job (migration 050_job_runs.sql).
type JobRun struct {
	Name       string
	FinishedAt time.Time // zero: never ran
	Errors     int       // items that failed in that run
	LastError  string
}

// PutJobRun records the run of a job, replacing the previous one.
func (t *Tx) PutJobRun(ctx context.Context, r JobRun) error {
	_, err := t.Exec(ctx, `INSERT INTO job_runs (name, finished_at, errors, last_error) VALUES (?, ?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET finished_at = excluded.finished_at, errors = excluded.errors, last_error = excluded.last_error`,
		r.Name, FormatTime(r.FinishedAt), r.Errors, r.LastError)
	return err
}

// GetJobRun returns the last run of a job; a job that never ran has a zero FinishedAt.
func GetJobRun(ctx context.Context, q Q, name string) (JobRun, error) {
	r := JobRun{Name: name}
	var at string
	err := q.QueryRow(ctx, `SELECT finished_at, errors, last_error FROM job_runs WHERE name = ?`, name).Scan(&at, &r.Errors, &r.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.FinishedAt = ParseTime(at)
	return r, err
}
