package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/export"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
)

// statsRoutes serves the statistics dashboard (统计分析, docs/statistics.md),
// its Excel export, the portal's public statistics and the vendored ECharts.
func (h *Handler) statsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/stats", h.page(h.workStats))
	mux.HandleFunc("GET /work/stats.xlsx", h.page(h.workStatsExport))
	mux.HandleFunc("GET /statistics", h.page(h.portalStatistics))
	mux.Handle("GET /static/echarts.min.js", cacheForever(http.HandlerFunc(serveGzipped("static/echarts.min.js.gz", "text/javascript; charset=utf-8"))))
}

// serveGzipped serves an embedded gzip file as is to browsers that accept
// gzip (all of them), decompressed to the others.
func serveGzipped(name, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := files.ReadFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			_, _ = w.Write(b)
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			http.Error(w, "", http.StatusInternalServerError)
			return
		}
		_, _ = io.Copy(w, zr)
	}
}

func (h *Handler) stats() *stats.Service { return stats.New(h.app) }

type workStatsData struct {
	D       *stats.Dashboard
	Form    url.Values
	Error   string
	Field   string
	Periods []zhitong.Named[string]
	Slices  []zhitong.Named[string]
	Charts  map[string]string
	Table   []measure.Figure // the columns of the comparison table
	Trend   []measure.Figure // the columns of the trend table: the chart's series
}

// figures picks figures by key, in order.
func figures(keys ...string) []measure.Figure {
	out := make([]measure.Figure, 0, len(keys))
	for _, k := range keys {
		if f, ok := measure.FigureByKey(k); ok {
			out = append(out, f)
		}
	}
	return out
}

func (h *Handler) workStats(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := workStatsData{Form: q, Periods: stats.Periods, Slices: stats.Slices,
		Table: figures(measure.Received, measure.Assigned, measure.Replied, "on_time_rate", "solved_rate", "evaluated_rate", "satisfied_rate",
			"rehandled_rate", "reply_days", measure.Overdue),
		Trend: figures(stats.TrendSeries...)}
	status := http.StatusOK
	d.D, err = h.stats().Dashboard(r.Context(), p, q)
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, d.Field, status = zhitong.ErrorMessage(err), zhitong.ErrorField(err), http.StatusBadRequest
	} else {
		d.Charts = d.D.Charts()
		d.Form = d.D.Period.Values()
		d.Form.Set("slice", d.D.Slice)
	}
	return h.render(w, r, status, "work_stats", "统计分析", d)
}

func (h *Handler) workStatsExport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	d, err := h.stats().Dashboard(r.Context(), p, r.URL.Query())
	if err != nil {
		return err
	}
	if err := d.Settled(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Stats(&buf, d); err != nil {
		return err
	}
	export.Attachment(w, export.StatsFilename(d), "statistics.xlsx")
	_, err = buf.WriteTo(w)
	return err
}

type portalStatsData struct {
	Months  []stats.MonthFigures
	Figures []measure.Figure
}

// portalStatistics is the public statistics: each month's counts and rates
// for the whole deployment, no personal data.
func (h *Handler) portalStatistics(w http.ResponseWriter, r *http.Request) error {
	months, err := h.stats().Monthly(r.Context())
	if err != nil {
		return err
	}
	figs := figures(measure.Received, measure.Replied, "on_time_rate", "solved_rate", "evaluated_rate", "satisfied_rate", "rehandled_rate", "reply_days")
	return h.render(w, r, http.StatusOK, "portal_statistics", "办理情况统计", portalStatsData{Months: months, Figures: figs})
}

// The template functions of the statistics pages.
func init() {
	funcs["figure"] = func(f measure.Figure, c measure.Counts) string {
		v, ok := f.Value(c)
		return figureText(f.Kind, v, ok)
	}
	funcs["figureOf"] = func(kind string, v *float64) string {
		if v == nil {
			return "—"
		}
		return figureText(kind, *v, true)
	}
	funcs["change"] = func(kind string, v *float64) string {
		if v == nil {
			return "—"
		}
		s := figureText(kind, *v, true)
		if kind == measure.KindRate {
			s = strings.TrimSuffix(s, "%") + " 个百分点"
		}
		if *v > 0 {
			return "+" + s
		}
		return s
	}
	funcs["isCount"] = measure.IsCount
	funcs["chartOf"] = func(m map[string]string, k string) string { return m[k] }
}

func figureText(kind string, v float64, ok bool) string {
	if !ok {
		return "—"
	}
	switch kind {
	case measure.KindRate:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case measure.KindAvg:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatInt(int64(v), 10)
}

// scopeBack is the page a case list narrowed by topics.Scope came from:
// the dashboard (stat=…) or the hot topics (topic=…), same period and slice.
func scopeBack(filter url.Values) string {
	path, keys := "/work/stats", []string{"period", "month", "quarter", "year", "start", "end", "slice"}
	if filter.Get("stat") == "" {
		path, keys = "/work/topics", append(keys, "key")
	}
	back := url.Values{}
	for _, k := range keys {
		if v := filter.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	return path + "?" + back.Encode()
}
