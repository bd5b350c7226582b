package web

import (
	"net/http"

	"zhitong"
)

// receptionWorkRoutes serves the workbench pages that edit a station's
// reception-day rules (docs/reception-days.md). Every change is a plain
// form post, so the editor works without JavaScript.
func (h *Handler) receptionWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/stations/{id}/reception", h.page(h.workReception))
	for _, kind := range []string{zhitong.RuleWeekday, zhitong.RuleMonthDay, zhitong.RuleLunar, zhitong.RuleDate} {
		mux.HandleFunc("POST /work/stations/{id}/reception/rules/"+kind, h.workPage(h.receptionEdit(kind, addRule(kind))))
	}
	mux.HandleFunc("POST /work/stations/{id}/reception/rules/{rule}/delete", h.workPage(h.workReceptionRemoveRule))
	mux.HandleFunc("POST /work/stations/{id}/reception/rules/{rule}/holidays", h.workPage(h.workReceptionHolidays))
	mux.HandleFunc("POST /work/stations/{id}/reception/exceptions", h.workPage(h.receptionEdit("exception", addException)))
	mux.HandleFunc("POST /work/stations/{id}/reception/exceptions/delete", h.workPage(h.receptionEdit("unexception", removeException)))
}
