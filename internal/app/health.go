package app

import (
	"context"
	"fmt"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Health is what an operator's monitoring watches beyond "the database
// answers" (GET /healthz): whether the deadline sweep runs and whether the
// outbox moves. Status is "warning" when any of Warnings holds.
type Health struct {
	Status     string         `json:"status"` // ok, warning
	Now        time.Time      `json:"now"`
	Sweep      SweepHealth    `json:"sweep"`
	Deliveries DeliveryHealth `json:"deliveries"`
	Warnings   []string       `json:"warnings"`
}

// SweepHealth is the last recorded run of the deadline sweep.
type SweepHealth struct {
	LastFinishedAt time.Time `json:"last_finished_at,omitzero"` // absent: never ran
	Errors         int       `json:"errors"`                    // cases that failed in that run
	LastError      string    `json:"last_error,omitempty"`
}

// DeliveryHealth counts the SMS and e-mail notices in the caller's region
// that need a look.
type DeliveryHealth struct {
	Failed         int `json:"failed"`          // ever, the provider refused or retries ran out
	Unknown        int `json:"unknown"`         // ever, interrupted sends to check by hand
	FailedRecently int `json:"failed_last_24h"` // failed or unknown among those made in the last 24 hours
	Held           int `json:"held"`            // waiting for the end of quiet hours
	OverduePending int `json:"overdue_pending"` // due more than OverdueAfter ago and not sent: the outbox is not running
}

// Health thresholds: the outbox runs every few seconds and the sweep every
// ten minutes (docs/operations.md), so these mean a job stopped.
const (
	OverdueAfter = 15 * time.Minute
	SweepStale   = time.Hour
)

// Health reports the sweep and the outbox as p's region sees them.
func (a *App) Health(ctx context.Context, p zhitong.Principal) (*Health, error) {
	if err := mayWatchDeliveries(p); err != nil {
		return nil, err
	}
	now := a.clock.Now()
	h := &Health{Status: "ok", Now: now, Warnings: []string{}}
	run, err := store.GetJobRun(ctx, a.db, "sweep")
	if err != nil {
		return nil, err
	}
	h.Sweep = SweepHealth{LastFinishedAt: run.FinishedAt, Errors: run.Errors, LastError: run.LastError}
	f := store.DeliveryFilter{Region: p.RegionCode}
	all, err := store.CountDeliveries(ctx, a.db, f, ListCountCap)
	if err != nil {
		return nil, err
	}
	f.From = now.Add(-24 * time.Hour)
	recent, err := store.CountDeliveries(ctx, a.db, f, ListCountCap)
	if err != nil {
		return nil, err
	}
	f.From = time.Time{}
	overdue, err := store.CountOverdue(ctx, a.db, f, now.Add(-OverdueAfter))
	if err != nil {
		return nil, err
	}
	h.Deliveries = DeliveryHealth{Failed: all["failed"], Unknown: all["unknown"], FailedRecently: recent["failed"] + recent["unknown"],
		Held: all["held"], OverduePending: overdue}
	h.warn(run.FinishedAt.IsZero(), "督办巡检从未运行")
	h.warn(!run.FinishedAt.IsZero() && now.Sub(run.FinishedAt) > SweepStale, fmt.Sprintf("督办巡检已超过 %d 分钟未运行", int(SweepStale.Minutes())))
	h.warn(run.Errors > 0, fmt.Sprintf("上次督办巡检有 %d 件未能处理", run.Errors))
	h.warn(overdue > 0, fmt.Sprintf("%d 条通知到期超过 %d 分钟仍未发出，请检查后台任务", overdue, int(OverdueAfter.Minutes())))
	h.warn(h.Deliveries.FailedRecently > 0, fmt.Sprintf("最近 24 小时有 %d 条通知发送失败或结果未知", h.Deliveries.FailedRecently))
	return h, nil
}

func (h *Health) warn(cond bool, msg string) {
	if cond {
		h.Status = "warning"
		h.Warnings = append(h.Warnings, msg)
	}
}
