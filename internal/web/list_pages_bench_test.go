package web_test

import (
	"net/http"
	"testing"

	"zhitong"
)

// BenchmarkListPages measures the lists paged by cursor (app.PageInput)
// over real HTTP on the database of BenchmarkPages (benchEnv): the call-back
// and follow-up queues, the auditor's log (the largest table) and the
// operator's deliveries, the bulletins, the in-app notices and the
// security administrator's request page, on screen and in the API, each first page and the
// filters that match little (where a page looks at its whole window).
// Each sub-benchmark reports the median and the 99th percentile:
//
//	ZHITONG_BENCH_DB=/tmp/1m.db ZHITONG_BENCH_KEY=/work/bench/zhitong.key go test ./internal/web -run '^$' -bench ListPages -benchtime 200x
func BenchmarkListPages(b *testing.B) {
	env := benchEnv(b)
	officer := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: env.county}, "ganshi")
	committee := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: env.county}, "weiyuanhui")
	auditor := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleAuditor, RegionCode: env.county}, "shenji")
	secadmin := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: env.county}, "anquan")
	root := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleAuditor, RegionCode: env.county[:2]}, "shenjisheng")
	pages := []struct {
		name, path string
		client     *http.Client
	}{
		{"work-callbacks", "/work/callbacks", officer},
		{"work-follow-ups", "/work/follow-ups", officer},
		{"work-audit-county", "/work/audit", auditor},
		{"work-audit-province", "/work/audit", root},
		{"work-audit-action-none", "/work/audit?action=nothing.", auditor},
		{"work-audit-object", "/work/audit?object=case:1", auditor},
		{"work-audit-from", "/work/audit?from=2020-01-01", auditor},
		{"work-deliveries", "/work/deliveries", committee},
		{"work-deliveries-failed", "/work/deliveries?state=failed", committee},
		{"api-callbacks", "/api/v1/callbacks?per_page=100", officer},
		{"api-follow-ups", "/api/v1/follow-ups?per_page=100", officer},
		{"api-audit-newest", "/api/v1/audit?sort=newest&per_page=100", auditor},
		{"api-audit-oldest", "/api/v1/audit?per_page=100", auditor},
		{"api-deliveries", "/api/v1/deliveries?per_page=100", committee},
		{"work-bulletins", "/work/bulletins", committee},
		{"portal-bulletins", "/bulletins", http.DefaultClient},
		{"work-notices", "/work/notices", officer},
		{"api-notifications", "/api/v1/notifications?per_page=100", officer},
		{"work-account-requests", "/work/account-requests", secadmin},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) { measurePage(b, pg.client, env.url+pg.path) })
	}
}
