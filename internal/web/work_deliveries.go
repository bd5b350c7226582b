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
	Page      *app.DeliveriesPage
	States    []zhitong.Named[string]
	State     string
	From, To  string
	Pager     pager
	CaseLinks bool // committee staff may open the cases; the administrators may not
	Error     string
}

// StateLink is the URL of the first page of one state under the same dates.
func (d deliveriesData) StateLink(state string) string {
	q := url.Values{}
	for k, v := range map[string]string{"state": state, "from": d.From, "to": d.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/work/deliveries"
	}
	return "/work/deliveries?" + q.Encode()
}

// Count is a live state's count as shown: "10000+" past the cap, "" for
// the states not counted (the sent history).
func (d deliveriesData) Count(state string) string {
	n, ok := d.Page.Counts[state]
	switch {
	case !ok:
		return ""
	case n > app.ListCountCap:
		return strconv.Itoa(app.ListCountCap) + "+"
	}
	return strconv.Itoa(n)
}

func (h *Handler) workDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := deliveriesData{States: app.DeliveryStates, State: q.Get("state"), From: q.Get("from"), To: q.Get("to"),
		CaseLinks: p.Role == zhitong.RoleCommittee}
	if err := noPageNumber(r); err != nil {
		return err
	}
	in := app.DeliveriesInput{State: d.State, From: d.From, To: d.To, PageInput: pageInput(r, deliveriesPerPage)}
	status := http.StatusOK
	if d.Page, err = h.app.Deliveries(r.Context(), p, in); zhitong.ErrorCode(err) == zhitong.EINVALID {
		// A hand-edited URL: show the message above an unfiltered list.
		d.Error, d.State, d.From, d.To, status = zhitong.ErrorMessage(err), "", "", "", http.StatusBadRequest
		d.Page, err = h.app.Deliveries(r.Context(), p, app.DeliveriesInput{PageInput: app.PageInput{PerPage: deliveriesPerPage}})
	}
	if err != nil {
		return err
	}
	d.Pager = pagerOf(r, app.KeysetPage[app.DeliveryRow]{Next: d.Page.Next, Prev: d.Page.Prev})
	return h.render(w, r, status, "work_deliveries", "发送记录", d)
}

// StateLabel names a delivery state in Chinese.
func (d deliveriesData) StateLabel(s string) string { return zhitong.Label(d.States, s) }
