package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"zhitong"
)

// measuredPage is one page BenchmarkPages measures: its name, path and the
// client (a signed-in role, or a citizen) that asks for it.
type measuredPage = struct {
	name, path string
	client     *http.Client
}

// morePages lists every other page, list API and public page without a
// path parameter (and a few with one: a deputy's, a station's and a
// unit's own pages), each asked for by a role that may see it: the
// measurement of issue #12 ("every staff page and list API p99 < 100 ms,
// public pages < 50 ms"). Downloads (.xlsx, /export) are not pages and are
// left out, and so are the lists BenchmarkListPages measures.
func morePages(b *testing.B, env benchServer, citizen *http.Client) []measuredPage {
	ctx := b.Context()
	db := env.app.DB()
	// The unit leading the newest case of the county, the deputy named by
	// its newest case that names one: the busiest accounts are the slowest.
	var unit, deputy int64
	if err := db.QueryRow(ctx, `SELECT lead_unit_id FROM cases WHERE region_code LIKE ? || '%' AND lead_unit_id IS NOT NULL ORDER BY id DESC LIMIT 1`, env.county).Scan(&unit); err != nil {
		b.Fatalf("a unit of county %s: %v", env.county, err)
	}
	if err := db.QueryRow(ctx, `SELECT deputy_id FROM cases WHERE region_code LIKE ? || '%' AND deputy_id IS NOT NULL ORDER BY id DESC LIMIT 1`, env.county).Scan(&deputy); err != nil {
		b.Fatalf("a deputy of county %s: %v", env.county, err)
	}
	in := func(r zhitong.Role) zhitong.Principal {
		return zhitong.Principal{Role: r, RegionCode: env.county}
	}
	station, dep, un := in(zhitong.RoleStationHead), in(zhitong.RoleDeputy), in(zhitong.RoleUnit)
	station.StationID, dep.DeputyID, un.UnitID = env.station, deputy, unit
	var (
		officer   = benchLogin(b, env.app, env.url, in(zhitong.RoleOfficer), "ganshi")
		committee = benchLogin(b, env.app, env.url, in(zhitong.RoleCommittee), "weiyuanhui")
		head      = benchLogin(b, env.app, env.url, station, "zhanzhang")
		deputyC   = benchLogin(b, env.app, env.url, dep, "daibiao")
		unitC     = benchLogin(b, env.app, env.url, un, "danwei")
		analyst   = benchLogin(b, env.app, env.url, in(zhitong.RoleAnalyst), "yanpan")
		auditor   = benchLogin(b, env.app, env.url, in(zhitong.RoleAuditor), "shenji")
		sysadmin  = benchLogin(b, env.app, env.url, in(zhitong.RoleSysAdmin), "xitong")
		secadmin  = benchLogin(b, env.app, env.url, in(zhitong.RoleSecAdmin), "anquan")
	)
	return []measuredPage{
		// Public pages (< 50 ms).
		{"portal-track-form", "/track", citizen},
		{"portal-elderly", "/elderly", citizen},
		{"portal-submit", "/submit", citizen},
		{"portal-statistics", "/statistics", citizen},
		{"portal-verify", "/verify", citizen},
		{"portal-my", "/my", citizen},
		{"portal-deputy-scorecard", fmt.Sprintf("/deputies/%d/scorecard", deputy), citizen},
		{"portal-station-book", fmt.Sprintf("/stations/%d/book", env.station), citizen},
		{"api-deputy-scorecard", fmt.Sprintf("/api/v1/deputies/%d/scorecard", deputy), citizen},
		{"api-track", "/api/v1/track/" + url.PathEscape(env.code), citizen},
		{"api-stats-public", "/api/v1/stats/public", citizen},
		{"api-scorecard-totals", "/api/v1/scorecard/totals", citizen},
		{"api-regions", "/api/v1/regions", citizen},
		{"api-stations", "/api/v1/stations", citizen},
		{"api-deputies", "/api/v1/deputies", citizen},
		{"api-categories", "/api/v1/categories", citizen},
		// Homes of every other role.
		{"work-home-station", "/work", head},
		{"work-home-deputy", "/work", deputyC},
		{"work-home-unit", "/work", unitC},
		{"work-home-analyst", "/work", analyst},
		{"work-home-auditor", "/work", auditor},
		{"work-home-sysadmin", "/work", sysadmin},
		{"work-home-secadmin", "/work", secadmin},
		// Case lists of the narrower roles.
		{"work-cases-station", "/work/cases", head},
		{"work-cases-deputy", "/work/cases", deputyC},
		{"work-cases-unit", "/work/cases", unitC},
		{"api-cases-unit", "/api/v1/cases", unitC},
		// Staff pages (< 100 ms).
		{"work-account", "/account", officer},
		{"work-account-requests", "/work/account-requests", secadmin},
		{"work-accounts", "/work/accounts", secadmin},
		{"work-admin-exchange", "/work/admin/exchange", sysadmin},
		{"work-analysis", "/work/analysis", analyst},
		{"work-analysis-report-new", "/work/analysis/reports/new", analyst},
		{"work-appointments", "/work/appointments", officer},
		{"work-bulletins", "/work/bulletins", officer},
		{"work-calendar", "/work/calendar", sysadmin},
		{"work-categories", "/work/categories", committee},
		{"work-deputies", "/work/deputies", officer},
		{"work-deputy", fmt.Sprintf("/work/deputies/%d", deputy), officer},
		{"work-deputy-report", fmt.Sprintf("/work/deputies/%d/report", deputy), officer},
		{"work-documents", "/work/documents", officer},
		{"work-duties", "/work/duties", deputyC},
		{"work-duty", "/work/duty", officer},
		{"work-import", "/work/import", committee},
		{"work-inactive", "/work/inactive", officer},
		{"work-intake", "/work/intake", officer},
		{"work-notices", "/work/notices", officer},
		{"work-case-notices", fmt.Sprintf("/work/cases/%d/notices", env.first), officer},
		{"work-points", "/work/points", officer},
		{"work-policy", "/work/policy", officer},
		{"work-publication", "/work/publication", officer},
		{"work-regions", "/work/regions", committee},
		{"work-roster", "/work/roster", officer},
		{"work-signin-policy", "/work/signin-policy", secadmin},
		{"work-stations", "/work/stations", officer},
		{"work-station", fmt.Sprintf("/work/stations/%d", env.station), officer},
		{"work-stats", "/work/stats", committee},
		{"work-templates", "/work/templates", committee},
		{"work-tokens", "/work/tokens", secadmin},
		{"work-topics", "/work/topics", analyst},
		{"work-units", "/work/units", committee},
		{"work-unit", fmt.Sprintf("/work/units/%d", unit), committee},
		// List APIs (< 100 ms).
		{"api-account-requests", "/api/v1/account-requests", secadmin},
		{"api-exchange-messages", "/api/v1/admin/exchange/messages", sysadmin},
		{"api-exchange-peers", "/api/v1/admin/exchange/peers", sysadmin},
		{"api-exchange-refusals", "/api/v1/admin/exchange/refusals", sysadmin},
		{"api-analysis-opinions", "/api/v1/analysis/opinions", analyst},
		{"api-analysis-reports", "/api/v1/analysis/reports", analyst},
		{"api-appointments", "/api/v1/appointments", officer},
		{"api-bulletins", "/api/v1/bulletins", officer},
		{"api-deadline-policy", "/api/v1/deadline-policy", officer},
		{"api-documents", "/api/v1/documents", officer},
		{"api-duty-records", "/api/v1/duty-records", officer},
		{"api-health", "/api/v1/health", committee},
		{"api-inactive-deputies", "/api/v1/inactive-deputies", officer},
		{"api-me", "/api/v1/me", officer},
		{"api-me-duties", "/api/v1/me/duties", deputyC},
		{"api-notification-templates", "/api/v1/notification-templates", committee},
		{"api-notifications", "/api/v1/notifications", officer},
		{"api-point-rules", "/api/v1/point-rules", officer},
		{"api-points-rankings", "/api/v1/points/rankings", officer},
		{"api-publication", "/api/v1/publication", officer},
		{"api-stats", "/api/v1/stats", committee},
		{"api-supervision-proposals", "/api/v1/supervision/proposals", committee},
		{"api-swaps", "/api/v1/swaps", officer},
		{"api-tokens", "/api/v1/tokens", secadmin},
		{"api-topics", "/api/v1/topics", analyst},
		{"api-units", "/api/v1/units", officer},
		{"api-users", "/api/v1/users", secadmin},
	}
}
