package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/admin"
)

// adminRoutes serves the reference lists and their administration
// (internal/admin, docs/admin.md): regions, handling units, categories.
// Lists leave retired entries out unless ?retired=true.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/regions", s.api(s.listRegions))
	mux.HandleFunc("POST /api/v1/regions", s.api(staffJSON(s, http.StatusCreated, s.addRegion)))
	mux.HandleFunc("PATCH /api/v1/regions/{code}", s.api(staffJSON(s, http.StatusOK, s.updateRegion)))
	mux.HandleFunc("POST /api/v1/regions/{code}/retire", s.api(staffJSON(s, http.StatusOK, s.retireRegion)))
	mux.HandleFunc("GET /api/v1/units", s.api(s.listUnits))
	mux.HandleFunc("POST /api/v1/units", s.api(staffJSON(s, http.StatusCreated, s.createUnit)))
	mux.HandleFunc("PATCH /api/v1/units/{id}", s.api(staffJSON(s, http.StatusOK, s.updateUnit)))
	mux.HandleFunc("POST /api/v1/units/{id}/retire", s.api(staffJSON(s, http.StatusOK, s.retireUnit)))
	mux.HandleFunc("GET /api/v1/categories", s.api(s.listCategories))
	mux.HandleFunc("POST /api/v1/categories", s.api(staffJSON(s, http.StatusCreated, s.createCategory)))
	mux.HandleFunc("PATCH /api/v1/categories/{code}", s.api(staffJSON(s, http.StatusOK, s.updateCategory)))
	mux.HandleFunc("POST /api/v1/categories/{code}/retire", s.api(staffJSON(s, http.StatusOK, s.retireCategory)))
}

func (s *Server) admin() *admin.Service { return admin.New(s.app) }

// withRetired reads ?retired=true.
func withRetired(r *http.Request) bool { return r.URL.Query().Get("retired") == "true" }

func (s *Server) listRegions(w http.ResponseWriter, r *http.Request) error {
	under := r.URL.Query().Get("under")
	if withRetired(r) {
		items, err := s.app.Regions(r.Context(), under)
		return list(w, items, err)
	}
	items, err := s.app.ActiveRegions(r.Context(), under)
	return list(w, items, err)
}

func (s *Server) addRegion(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (zhitong.Region, error) {
	var in admin.RegionInput
	if err := decode(w, r, &in); err != nil {
		return zhitong.Region{}, err
	}
	return s.admin().AddRegion(r.Context(), p, in)
}

func (s *Server) updateRegion(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (zhitong.Region, error) {
	var in admin.RegionPatch
	if err := decode(w, r, &in); err != nil {
		return zhitong.Region{}, err
	}
	return s.admin().UpdateRegion(r.Context(), p, r.PathValue("code"), in)
}

func (s *Server) retireRegion(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (zhitong.Region, error) {
	return s.admin().RetireRegion(r.Context(), p, r.PathValue("code"))
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	p, err := s.principal(r)
	if err != nil {
		return err
	}
	items, err := s.admin().ListUnits(r.Context(), p, r.URL.Query().Get("region"), withRetired(r))
	return list(w, items, err)
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.UnitView, error) {
	var in admin.UnitInput
	if err := decode(w, r, &in); err != nil {
		return admin.UnitView{}, err
	}
	return s.admin().CreateUnit(r.Context(), p, in)
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.UnitView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return admin.UnitView{}, err
	}
	var in admin.UnitPatch
	if err := decode(w, r, &in); err != nil {
		return admin.UnitView{}, err
	}
	return s.admin().UpdateUnit(r.Context(), p, id, in)
}

func (s *Server) retireUnit(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.UnitView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return admin.UnitView{}, err
	}
	return s.admin().RetireUnit(r.Context(), p, id)
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	p, err := s.principal(r)
	if err != nil {
		return err
	}
	all, err := s.admin().Categories(r.Context(), p)
	if err != nil {
		return err
	}
	items := all[:0]
	for _, c := range all {
		if c.RetiredAt.IsZero() || withRetired(r) {
			items = append(items, c)
		}
	}
	return list(w, items, nil)
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.CategoryView, error) {
	var in admin.CategoryInput
	if err := decode(w, r, &in); err != nil {
		return admin.CategoryView{}, err
	}
	return s.admin().CreateCategory(r.Context(), p, in)
}

func (s *Server) updateCategory(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.CategoryView, error) {
	var in admin.CategoryPatch
	if err := decode(w, r, &in); err != nil {
		return admin.CategoryView{}, err
	}
	return s.admin().UpdateCategory(r.Context(), p, r.PathValue("code"), in)
}

func (s *Server) retireCategory(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (admin.CategoryView, error) {
	return s.admin().RetireCategory(r.Context(), p, r.PathValue("code"))
}
