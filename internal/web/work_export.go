package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/topics"
)

// exportRoutes serves the "导出 Excel" links of the workbench's lists
// (docs/export.md): each takes its page's filters, and answers with a
// workbook formatted by export.Write, or with the page's Chinese error
// before the first byte.
func (h *Handler) exportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/cases.xlsx", h.page(h.workExport(h.exportCases)))
	mux.HandleFunc("GET /work/supervision.xlsx", h.page(h.workExport(h.exportSupervision)))
	mux.HandleFunc("GET /work/bulletins.xlsx", h.page(h.workExport(h.exportBulletins)))
	mux.HandleFunc("GET /work/bulletins/{id}/export.xlsx", h.page(h.workExport(h.exportBulletin)))
	mux.HandleFunc("GET /work/points.xlsx", h.page(h.workExport(h.exportRankings)))
	mux.HandleFunc("GET /work/roster.xlsx", h.page(h.workExport(h.exportRoster)))
	mux.HandleFunc("GET /work/appointments.xlsx", h.page(h.workExport(h.exportAppointments)))
	mux.HandleFunc("GET /work/deliveries.xlsx", h.page(h.workExport(h.exportDeliveries)))
	mux.HandleFunc("GET /work/callbacks.xlsx", h.page(h.workExport(h.exportCallbacks)))
	mux.HandleFunc("GET /work/topics.xlsx", h.page(h.workExport(func(r *http.Request, _ *export.Service, p zhitong.Principal) (*export.File, error) {
		return h.topics().ExportTopics(r.Context(), p, r.URL.Query())
	})))
	mux.HandleFunc("GET /work/analysis.xlsx", h.page(h.workExport(func(r *http.Request, _ *export.Service, p zhitong.Principal) (*export.File, error) {
		return h.topics().ExportOpinions(r.Context(), p, r.URL.Query().Get("state"))
	})))
}

type exportBuilder func(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error)

func (h *Handler) workExport(build exportBuilder) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.staff(r)
		if err != nil {
			return err
		}
		f, err := build(r, export.New(h.app), p)
		if err != nil {
			return err
		}
		// Once the first byte is out, an error can only cut the file short.
		if err := f.Serve(w); err != nil {
			h.log.Error("export", "file", f.ASCII, "err", err)
		}
		return nil
	}
}

// nonBlank is v without blank values and without the keys drop, its
// values trimmed: a list page's filters as the page reads them.
func nonBlank(v url.Values, drop ...string) url.Values {
	out := url.Values{}
	for k, xs := range v {
		for _, x := range xs {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(drop, k) {
				out.Add(k, x)
			}
		}
	}
	return out
}

// exportLink is the export URL of a list page showing query q.
func exportLink(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (h *Handler) exportCases(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := nonBlank(r.URL.Query())
	in, err := h.workListInput(q)
	if err != nil {
		return nil, err
	}
	if _, err := topics.Scope(r.Context(), h.app, p, q, &in); err != nil {
		return nil, err
	}
	in.Page = 0
	return x.Cases(r.Context(), p, in)
}

func (h *Handler) exportSupervision(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	in, err := app.ParseSupervisionQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return x.Supervision(r.Context(), p, in)
}

func (h *Handler) exportBulletins(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	return x.Bulletins(r.Context(), p, r.URL.Query().Get("region"))
}

func (h *Handler) exportBulletin(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	id, err := workPathID(r)
	if err != nil {
		return nil, err
	}
	return x.Bulletin(r.Context(), p, id)
}

func (h *Handler) exportRankings(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	return x.Rankings(r.Context(), p, q.Get("from"), q.Get("to"))
}

func (h *Handler) exportRoster(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	id, err := workID(q.Get("station"), "station", "联络站")
	if err != nil {
		return nil, err
	}
	return x.Roster(r.Context(), p, id, q.Get("month"))
}

func (h *Handler) exportAppointments(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	in := app.AppointmentQuery{From: q.Get("from"), To: q.Get("to"), Status: zhitong.AppointmentStatus(q.Get("status"))}
	var err error
	if in.StationID, err = workID(q.Get("station_id"), "station_id", "联络站"); err != nil {
		return nil, err
	}
	return x.Appointments(r.Context(), p, in)
}

func (h *Handler) exportDeliveries(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	return x.Deliveries(r.Context(), p, app.DeliveriesInput{State: q.Get("state"), From: q.Get("from"), To: q.Get("to")})
}

func (h *Handler) exportCallbacks(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	return x.Callbacks(r.Context(), p)
}

// The export link of a list page, from the page's own address:
// /work/cases?status=x → /work/cases.xlsx?status=x (the page number
// dropped: an export has every page); /work/bulletins/5 →
// /work/bulletins/5/export.xlsx.
func init() {
	funcs["xlsxLink"] = func(here string) string {
		u, err := url.Parse(here)
		if err != nil {
			return ""
		}
		q := nonBlank(u.Query(), "page")
		path := strings.TrimSuffix(u.Path, "/")
		if strings.HasPrefix(path, "/work/bulletins/") {
			return exportLink(path+"/export.xlsx", q)
		}
		return exportLink(path+".xlsx", q)
	}
}
