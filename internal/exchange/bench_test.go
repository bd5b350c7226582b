package exchange_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"zhitong/internal/exchange"
	"zhitong/internal/testkit"
)

// benchOrders is how many work orders a benchmark moves: a tenth of
// ZHITONG_BENCH_CASES (200 at CI's 2000).
func benchOrders() int { return max(testkit.BenchCases(2000)/10, 10) }

// BenchmarkDeliverDue: sending queued referrals to a local 12345, per
// message (signing, sealing open, HTTP round trip, the outbox update).
func BenchmarkDeliverDue(b *testing.B) {
	d := newDeployment(b, exchange.Options{Client: &http.Client{Timeout: 10 * time.Second}})
	n := benchOrders()
	for i := range n {
		c := d.newCase(b, fmt.Sprintf("路灯不亮已经一个多月了，第%d处", i))
		testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345", Consent: "phone"}))(b)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		testkit.Must(d.a.DB().Exec(ctx, `UPDATE exchange_messages SET status = 'pending', attempts = 0`))(b)
		b.StartTimer()
		sent := 0
		for sent < n {
			k := d.deliver(b)
			if k == 0 {
				b.Fatalf("sent %d of %d", sent, n)
			}
			sent += k
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/message")
}

// BenchmarkReceiveOrder: taking in signed work orders as cases, per order
// (verification, nonce, the case with its sealed contact, the link, audit).
func BenchmarkReceiveOrder(b *testing.B) {
	d := newDeployment(b, exchange.Options{})
	n := benchOrders()
	b.ResetTimer()
	for it := range b.N {
		for i := range n {
			wo := exchange.WorkOrder{OrderNo: fmt.Sprintf("GD%d-%d", it, i), Title: "希望代表关注", Content: fmt.Sprintf("村里老人多，希望建设养老服务站（%d）", i),
				Category: "A01", AreaCode: d.town, CitizenName: "李四", CitizenPhone: "13900139000"}
			rc := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", d.signed(b, "orders", wo.OrderNo+":order", wo)))(b)
			if rc.CaseID == 0 {
				b.Fatal("no case")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/order")
}
