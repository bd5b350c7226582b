package cli

import (
	"context"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestCommandStepsQueueExchangeStatus: a case step taken by a command (the
// App that dbFlags.open builds, and the copy with another clock that
// `zhitong sweep --at` runs on) queues the status of an inbound case for the
// hotline it came from, as the server does: every area's hooks are
// installed in one place (internal/hooks) for both.
func TestCommandStepsQueueExchangeStatus(t *testing.T) {
	ctx := context.Background()
	k := openCounty(t)
	defer k.close()
	a, clock, committee, town, category := k.a, k.clock, k.committee, k.town, k.category
	// An inbound 12345 work order: its case and the link to the peer.
	inbound := func(orderNo string) *zhitong.Case {
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "小区路灯不亮 " + orderNo, RegionCode: town, Name: "王小明", Phone: "139 0797 1234"}))(t)
		now := store.FormatTime(clock.Now())
		err := a.DB().Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE cases SET channel = ? WHERE id = ?`, zhitong.ChannelImported, c.ID); err != nil {
				return err
			}
			var peer int64
			if err := tx.QueryRow(ctx, `SELECT id FROM exchange_peers WHERE name = '12345'`).Scan(&peer); err != nil {
				if err := tx.QueryRow(ctx, `INSERT INTO exchange_peers (name, kind, base_url, secret_enc, region_code, created_at, updated_at)
					VALUES ('12345', '12345', 'https://12345.example.gov.cn', 'x', '360783', ?, ?) RETURNING id`, now, now).Scan(&peer); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO exchange_orders (peer_id, direction, order_no, case_id, created_at, updated_at) VALUES (?, 'in', ?, ?, ?, ?)`,
				peer, orderNo, c.ID, now, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	queued := func(orderNo string) int {
		var n int
		if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM exchange_messages WHERE order_no = ? AND path = '/status'`, orderNo).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		name string
		a    *app.App
	}{{"open", a}, {"sweep --at", a.WithClock(testkit.NewClock(testkit.Start.Add(time.Hour)))}} {
		orderNo := "GD2026" + tc.name
		c := inbound(orderNo)
		if n := queued(orderNo); n != 0 {
			t.Fatalf("%s: %d status messages before any step", tc.name, n)
		}
		testkit.Must(tc.a.Register(ctx, committee, c.ID, app.RegisterInput{CategoryCode: category, Title: "小区路灯不亮"}))(t)
		if n := queued(orderNo); n != 1 {
			t.Fatalf("%s: registering the inbound case queued %d status messages for 12345, want 1", tc.name, n)
		}
	}
}
