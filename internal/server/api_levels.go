package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/levels"
)

// levelsRoutes: moving a case between the levels of congress of one
// deployment (移交上级/下级人大, internal/levels, docs/levels.md).
func (s *Server) levelsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/cases/{id}/transfer", s.api(caseAction(s, levels.New(s.app).Transfer)))
	mux.HandleFunc("GET /api/v1/cases/{id}/transfer-targets", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[levels.Target], error) {
		id, err := pathID(r, "id")
		if err != nil {
			return items[levels.Target]{}, err
		}
		return itemsOf(levels.New(s.app).Targets(r.Context(), p, id))
	})))
}
