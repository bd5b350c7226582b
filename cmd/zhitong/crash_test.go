package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestInterruptedSendNotRepeatedAcrossKill kills the server with SIGKILL
// while a provider holds an SMS it has accepted but not yet answered — the
// window between the provider call and the 'sent' commit — and restarts it.
// Every message reaches the provider exactly once, the interrupted one
// included. Aliyun can be asked (QuerySendDetails), so the interrupted row
// is settled as sent; Tencent cannot, so it is failed as "result unknown"
// for a person to check, never sent again (at most once).
func TestInterruptedSendNotRepeatedAcrossKill(t *testing.T) {
	for _, c := range []struct{ provider, status, note string }{
		{"aliyun", "sent", "已向短信通道核实送达"},
		{"tencent", "failed", "结果未知"},
	} {
		t.Run(c.provider, func(t *testing.T) {
			t.Parallel() // each has its own database, server and provider
			interruptedSend(t, c.provider, c.status, c.note)
		})
	}
}

func interruptedSend(t *testing.T, provider, wantStatus, wantNote string) {
	const cases, hangOn = 6, 3
	dir, dsn := t.TempDir(), testkit.DSN(t)
	seedRegion(t, dsn)
	p := newFakeSMS(t, provider, hangOn)
	// The lease outlasts the test's way from the provider's hang to the
	// kill, which a loaded machine can stretch past a second: a shorter one
	// lets the dying server settle its own hung send before the kill.
	env := append(p.env(), "ZHITONG_OUTBOX_EVERY=100ms", "ZHITONG_JOBS_POLL=50ms", "ZHITONG_OUTBOX_LEASE=5s", "ZHITONG_QUIET_HOURS=off")
	base, cmd := startServer(t, dir, dsn, env...)
	codes := map[string]string{} // phone → case code
	for i := range cases {
		phone := fmt.Sprintf("1390797%04d", i)
		codes[phone] = submitOne(t, base, phone)
	}
	var inFlight sent
	select {
	case inFlight = <-p.hung:
	case <-time.After(30 * time.Second):
		t.Fatalf("the provider never received SendSms #%d", hangOn)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	db := openDB(t, dsn)
	interrupted := ackRow(t, db, codes[inFlight.phone])
	if interrupted.status != "sending" || interrupted.key != inFlight.key {
		t.Fatalf("at the kill the in-flight SMS %s is %q (row %s): the kill missed the send window", inFlight.key, interrupted.status, interrupted.key)
	}
	forgetLeader(t, db)
	p.stopHanging()
	startServer(t, dir, dsn, env...)
	waitUntil(t, 60*time.Second, func() bool { return pendingSMS(t, db) == 0 })

	got, total := p.received()
	if total != cases || len(p.refused) > 0 {
		t.Errorf("the provider accepted %d sends for %d cases (refused: %v)", total, cases, p.refused)
	}
	for phone, code := range codes {
		n := ackRow(t, db, code)
		if got[n.key] != 1 {
			t.Errorf("case %s: SMS %s reached the provider %d times", code, n.key, got[n.key])
		}
		switch {
		case phone == inFlight.phone:
			if n.status != wantStatus || !strings.Contains(n.lastError, wantNote) || n.attempts != 1 {
				t.Errorf("interrupted SMS of %s: %q after %d attempts (%s), want %q noting %q", code, n.status, n.attempts, n.lastError, wantStatus, wantNote)
			}
			operatorSees(t, db, code, wantStatus, wantNote)
		case n.status == wantStatus && strings.Contains(n.lastError, wantNote):
			// Another send was between the provider's answer and its
			// commit when the kill came (a loaded machine): interrupted
			// too, settled the same way, and still sent once (above).
		case n.status != "sent":
			t.Errorf("case %s: SMS %q (%s)", code, n.status, n.lastError)
		}
	}
	if provider == "aliyun" && !p.asked(inFlight.phone) {
		t.Error("the interrupted Aliyun send was settled without asking QuerySendDetails")
	}
	t.Logf("%s: the provider accepted %d SMS for %d cases", provider, total, cases)
}

// operatorSees checks the interrupted message as staff see it on the
// case's notices page (/work/cases/{id}/notices, GET /api/v1/cases/{id}/notices).
func operatorSees(t *testing.T, db *store.DB, code, status, note string) {
	t.Helper()
	a := testkit.AppOn(t, db, zhitong.SystemClock{})
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM cases WHERE code = ?`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	staff := zhitong.Principal{UserID: 1, Name: "代表工委", Role: zhitong.RoleCommittee, RegionCode: "360728"}
	ns, err := a.CaseNotices(context.Background(), staff, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Template == "case.acknowledged" && n.Status == status && strings.Contains(n.LastError, note) {
			return
		}
	}
	t.Errorf("case %s: staff see %+v, not the acknowledgement %s noting %q", code, ns, status, note)
}

func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// forgetLeader drops the River leadership a killed server still holds, as
// its lease running out (15 s) would: the restarted server then schedules
// the outbox and the sweep at once instead of after the lease.
func forgetLeader(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}
}
