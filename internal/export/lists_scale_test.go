package export_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/heap"
)

// history bulk-inserts n running cases of the fixture's town, each on the
// supervision list (an automatic listing in its round) with one SMS in the
// delivery log, and n replied cases each with an open call-back task: the
// lists that grow with history. Titles start with "=" (never a formula).
func history(tb testing.TB, a *app.App, f *testkit.Fixture, n int, now time.Time) {
	ctx := tb.Context()
	var base int64
	if err := a.DB().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&base); err != nil {
		tb.Fatal(err)
	}
	const batch = 200
	at := store.FormatTime(now.Add(-30 * 24 * time.Hour))
	due := now.AddDate(0, 0, -10).Format(time.DateOnly)
	for start := 0; start < 2*n; start += batch {
		var cs, ss, ns, ts []string
		var cargs, sargs, nargs, targs []any
		for i := start; i < min(2*n, start+batch); i++ {
			id := base + int64(i) + 1
			status := "in_progress"
			if i >= n {
				status = "replied"
			}
			cs = append(cs, "(?, ?, 'online', ?, ?, '内容', 'roads', ?, ?, ?, ?, ?, ?, ?)")
			cargs = append(cargs, id, fmt.Sprintf("S%09d", id), status, fmt.Sprintf("=HYPERLINK(\"x\") 第%d号", i), f.Town, f.Station, at, at, at, due, f.Lead)
			if i < n {
				ss = append(ss, "(?, 1, 'listed', 'red', ?)")
				sargs = append(sargs, id, at)
				ns = append(ns, "(?, 'case_received', 'sms', 'citizen', ?, 'sent', ?, ?, ?)")
				nargs = append(nargs, fmt.Sprintf("k%d", id), id, at, at, at)
			} else {
				ts = append(ts, "(?, 1, ?, ?)")
				targs = append(targs, id, due, at)
			}
		}
		err := a.DB().Write(ctx, func(tx *store.Tx) error {
			for _, x := range []struct {
				sql  string
				rows []string
				args []any
			}{
				{`INSERT INTO cases (id, code, channel, status, title, body, category_code, region_code, station_id, submitted_at, registered_at, updated_at,
 due_date, lead_unit_id) VALUES `, cs, cargs},
				{`INSERT INTO supervision_actions (case_id, round, kind, level, at) VALUES `, ss, sargs},
				{`INSERT INTO notifications (key, template, channel, recipient, case_id, status, not_before, created_at, sent_at) VALUES `, ns, nargs},
				{`INSERT INTO callback_tasks (case_id, round, due_date, created_at) VALUES `, ts, targs},
			} {
				if len(x.rows) == 0 {
					continue
				}
				if _, err := tx.Exec(ctx, x.sql+strings.Join(x.rows, ", "), x.args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := a.DB().Exec(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
}

// lists are the exports that grow with history, by name.
func lists(x *export.Service, p zhitong.Principal) map[string]func() (*export.File, error) {
	ctx := context.Background()
	return map[string]func() (*export.File, error){
		"supervision": func() (*export.File, error) { return x.Supervision(ctx, p, app.SupervisionListInput{}) },
		"deliveries":  func() (*export.File, error) { return x.Deliveries(ctx, p, app.DeliveriesInput{}) },
		"callbacks":   func() (*export.File, error) { return x.Callbacks(ctx, p) },
	}
}

// TestListExportsHaveNoCap: with more rows than the supervision list's page
// query holds (5,000 before) and many keyset batches, the supervision,
// delivery and call-back exports write every row exactly once, and no cell
// becomes a formula (exporttest.Open checks that).
func TestListExportsHaveNoCap(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	n := 5_003
	history(t, a, f, n, clock.Now())
	defer func(b int) { app.ExportBatch = b }(app.ExportBatch)
	app.ExportBatch = 700
	x := export.New(a)
	for name, list := range lists(x, f.In[zhitong.RoleCommittee]) {
		file := testkit.Must(list())(t)
		var buf bytes.Buffer
		if err := export.Write(&buf, file.Reports...); err != nil {
			t.Fatal(err)
		}
		sheet := exporttest.Open(t, buf.Bytes())[0]
		ids := map[string]bool{}
		for _, r := range sheet.Rows {
			ids[strings.Join(r[:2], "|")] = true
		}
		if len(sheet.Rows) != n || len(ids) != n {
			t.Errorf("%s: %d rows (%d distinct), want %d", name, len(sheet.Rows), len(ids), n)
		}
	}
}

// BenchmarkListExports exports the supervision, delivery and call-back
// lists at ZHITONG_BENCH_CASES rows each (default 20,000) and ten times
// fewer, and reports the peak live heap during each export above the heap
// before it: it stays flat as the rows grow tenfold (keyset batches into
// the stream writer).
//
//	ZHITONG_BENCH_CASES=20000 go test ./internal/export -run '^$' -bench ListExports -benchtime 1x
func BenchmarkListExports(b *testing.B) {
	big := testkit.BenchCases(20_000)
	for _, n := range []int{max(big/10, 1), big} {
		a, clock := testkit.MustApp(b)
		f := testkit.Seed(b, a)
		history(b, a, f, n, clock.Now())
		x := export.New(a)
		for _, name := range []string{"supervision", "deliveries", "callbacks"} {
			list := lists(x, f.In[zhitong.RoleCommittee])[name]
			b.Run(fmt.Sprintf("%s/rows-%d", name, n), func(b *testing.B) {
				for b.Loop() {
					peak, elapsed, size := heapPeak(b, list)
					b.ReportMetric(peak/(1<<20), "peak-heap-MB")
					b.ReportMetric(size/(1<<20), "file-MB")
					b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
				}
			})
		}
	}
}

// heapPeak builds and writes one export (heap.Sample); it returns
// the peak live heap above the heap before, the time and the size.
func heapPeak(b *testing.B, list func() (*export.File, error)) (peak float64, elapsed time.Duration, size float64) {
	var w counter
	h := heap.Sample(func() {
		t0 := time.Now()
		file, err := list()
		if err != nil {
			b.Fatal(err)
		}
		if err := export.Write(&w, file.Reports...); err != nil {
			b.Fatal(err)
		}
		elapsed = time.Since(t0)
	})
	return float64(h.Live), elapsed, float64(w)
}

// TestAppointmentsAndProposalsStream: the bookings and the proposals under
// supervision are exported by keyset batches (here of 2, so ties of day
// and period and of due date cross batches) and each row comes exactly
// once: more than the page's first 500 bookings, and every proposal past
// the supervision list's 5,000.
func TestAppointmentsAndProposalsStream(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	ctx := t.Context()
	testkit.OpenBooking(t, a, f, 20)
	const bookings = 7
	for i := range bookings {
		period := []string{zhitong.PeriodMorning, zhitong.PeriodAfternoon}[i%2]
		testkit.Must(a.Book(ctx, app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: testkit.BookingDay, Period: period,
			Topic: fmt.Sprintf("=第%d件：想当面反映自来水管道老化", i), Name: "王小明", Phone: fmt.Sprintf("1390797%04d", i), Consent: true}))(t)
	}
	committee, officer := f.In[zhitong.RoleCommittee], f.In[zhitong.RoleOfficer]
	const proposals = 5
	for i := range proposals {
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("第%d件：村里的路灯坏了很久", i), RegionCode: f.Town,
			Name: "李四", Phone: "139 0797 1234"}))(t)
		c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindSuggestion}))(t)
		testkit.Must(a.Propose(ctx, committee, c.ID, app.ProposeInput{Version: c.Version, Title: fmt.Sprintf("关于第%d处路灯的建议", i), UnitID: f.Lead}))(t)
	}
	clock.Advance(200 * 24 * time.Hour) // every proposal overdue: on the list
	defer func(b int) { app.ExportBatch = b }(app.ExportBatch)
	app.ExportBatch = 2
	x := export.New(a)
	for name, c := range map[string]struct {
		file  func() (*export.File, error)
		sheet int
		want  int
	}{
		"appointments": {func() (*export.File, error) {
			return x.Appointments(ctx, committee, app.AppointmentQuery{From: "2026-01-01"})
		}, 0, bookings},
		"proposals": {func() (*export.File, error) { return x.Supervision(ctx, committee, app.SupervisionListInput{}) }, 1, proposals},
	} {
		file := testkit.Must(c.file())(t)
		var buf bytes.Buffer
		if err := export.Write(&buf, file.Reports...); err != nil {
			t.Fatal(err)
		}
		sheet := exporttest.Open(t, buf.Bytes())[c.sheet]
		ids := map[string]bool{}
		for _, r := range sheet.Rows {
			ids[r[1]] = true
		}
		if len(sheet.Rows) != c.want || len(ids) != c.want {
			t.Errorf("%s: %d rows (%d distinct), want %d: %v", name, len(sheet.Rows), len(ids), c.want, sheet.Rows)
		}
	}
}
