package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

const deliveriesPerPage = 50

// deliveriesData is the operator's page of SMS and e-mail deliveries (发送记录).
type deliveriesData struct {
	Page       *app.DeliveriesPage
	States     []zhitong.Named[string]
	State      string
	From, To   string
	PageNo     int
	Prev, Next string // links to the neighbouring pages, "" if none
	CaseLinks  bool   // committee staff may open the cases; the administrators may not
	Error      string
}

// link is the page's URL with the filters, another state and page.
func (d deliveriesData) link(state string, page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"state": state, "from": d.From, "to": d.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/work/deliveries"
	}
	return "/work/deliveries?" + q.Encode()
}

// StateLink is the URL of the first page of one state under the same dates.
func (d deliveriesData) StateLink(state string) string { return d.link(state, 1) }

func (h *Handler) workDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := deliveriesData{States: app.DeliveryStates, State: q.Get("state"), From: q.Get("from"), To: q.Get("to"),
		CaseLinks: p.Role == zhitong.RoleCommittee}
	if d.PageNo, err = workPageParam(q.Get("page"), deliveriesPerPage); err != nil {
		return err
	}
	in := app.DeliveriesInput{State: d.State, From: d.From, To: d.To, Limit: deliveriesPerPage, Offset: (d.PageNo - 1) * deliveriesPerPage}
	status := http.StatusOK
	if d.Page, err = h.app.Deliveries(r.Context(), p, in); zhitong.ErrorCode(err) == zhitong.EINVALID {
		// A hand-edited URL: show the message above an unfiltered list.
		d.Error, d.State, d.From, d.To, status = zhitong.ErrorMessage(err), "", "", "", http.StatusBadRequest
		d.Page, err = h.app.Deliveries(r.Context(), p, app.DeliveriesInput{Limit: deliveriesPerPage})
	}
	if err != nil {
		return err
	}
	if d.PageNo > 1 {
		d.Prev = d.link(d.State, d.PageNo-1)
	}
	if d.PageNo*deliveriesPerPage < d.Page.Total {
		d.Next = d.link(d.State, d.PageNo+1)
	}
	return h.render(w, r, status, "work_deliveries", "发送记录", d)
}

// StateLabel names a delivery state in Chinese.
func (d deliveriesData) StateLabel(s string) string { return zhitong.Label(d.States, s) }
