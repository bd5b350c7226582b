package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/exchange"
	"zhitong/internal/jobs"
	"zhitong/internal/stats"
)

// startJobs starts the background jobs of `zhitong serve` and returns the
// function that stops them (waiting up to 30 s for running ones).
// publicURL is the base of links in messages (see publicURL in commands.go).
func startJobs(ctx context.Context, env Env, a *app.App, logger *slog.Logger, publicURL string) (func(), error) {
	cfg, err := deliveryConfig(env)
	if err != nil {
		return nil, err
	}
	cfg.Delivery.PublicURL = publicURL
	logger.Info("background jobs", "sms", cfg.Delivery.SMS.Name(), "email", cfg.Delivery.Mail != nil,
		"outbox_every", cfg.OutboxEvery, "sweep_every", cfg.SweepEvery, "quiet_hours", quietLabel(cfg.Delivery.Quiet), "public_url", publicURL)
	r, err := jobs.New(ctx, jobs.Config{DB: a.DB(), Periodic: periodicJobs(a, cfg), Logger: logger, Poll: cfg.Poll})
	if err != nil {
		cfg.close()
		return nil, err
	}
	// The serve context ends on SIGINT/SIGTERM; Stop below then lets the
	// running jobs finish instead of cancelling them mid-send.
	if err := r.Start(context.WithoutCancel(ctx)); err != nil {
		r.Stop(ctx)
		cfg.close()
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(sctx); err != nil {
			logger.Warn("background jobs did not stop cleanly", "err", err)
		}
		cfg.close()
	}, nil
}

// periodicJobs are the jobs of `zhitong serve`, one line each; River runs
// each at start-up too (RunOnStart). Each must be idempotent: River runs a
// job at least once, and a slow run may overlap the next.
func periodicJobs(a *app.App, cfg *jobsConfig) []jobs.Periodic {
	return []jobs.Periodic{
		{Name: "outbox", Interval: cfg.OutboxEvery, Run: func(ctx context.Context) error {
			_, err := a.DeliverDue(ctx, cfg.Delivery)
			return err
		}},
		// Deadline rules (docs/supervision.md): reminders, supervision
		// letters and lists, bulletins, call-back and follow-up tasks.
		{Name: "sweep", Interval: cfg.SweepEvery, Run: a.Sweep},
		// Deputies' duty: past planned duties become no-shows; the ledgers
		// of the deputies concerned are refreshed in the same transaction
		// (docs/points.md: every fact refreshes its deputy's ledger).
		{Name: "duty", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := a.MarkNoShows(ctx)
			return err
		}},
		// Case exchange with 12345 and other deployments (docs/exchange.md):
		// the outbox to peers, with backoff; nonces past the replay window.
		{Name: "exchange", Interval: 10 * time.Second, Run: func(ctx context.Context) error {
			x := exchange.New(a)
			if _, err := x.DeliverDue(ctx); err != nil {
				return err
			}
			if _, err := x.PollOpen311(ctx); err != nil {
				return err
			}
			return x.Prune(ctx)
		}},
		// Statistics: settle each day as it ends (docs/statistics.md). A
		// run with nothing to settle reads three rows; a first catch-up over
		// years of history (an upgrade, an import) takes many runs, each
		// resuming at the mark the last one left.
		{Name: "stats", Interval: 10 * time.Minute, Timeout: 9 * time.Minute, Run: func(ctx context.Context) error {
			_, err := stats.New(a).FreezeDue(ctx)
			return err
		}},
	}
}

func quietLabel(q app.QuietHours) string {
	if q.Off {
		return "off"
	}
	return q.String()
}
