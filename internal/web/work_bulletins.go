package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

type workBulletinsData struct {
	Items     []*app.BulletinView
	Pager     pager
	Committee bool
	// Region is the list's filter (?region=, an organisation's region);
	// Orgs the portal's choices, when the deployment serves several.
	Region string
	Orgs   []zhitong.Organisation
}

// bulletinsPerPage is the bulletins list's page size, on the workbench and the portal.
const bulletinsPerPage = 30

// bulletinsPage reads the page of bulletins r asks for, as p sees them.
func (h *Handler) bulletinsPage(r *http.Request, p zhitong.Principal) (workBulletinsData, error) {
	if err := noPageNumber(r); err != nil {
		return workBulletinsData{}, err
	}
	region := r.URL.Query().Get("region")
	pg, err := h.app.Bulletins(r.Context(), p, app.BulletinsInput{PageInput: pageInput(r, bulletinsPerPage), Region: region})
	if err != nil {
		return workBulletinsData{}, err
	}
	return workBulletinsData{Items: pg.Items, Pager: pagerOf(r, pg), Committee: p.Role == zhitong.RoleCommittee, Region: region}, nil
}

func (h *Handler) workBulletins(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	d, err := h.bulletinsPage(r, p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_bulletins", "通报", d)
}

type workBulletinData struct {
	B         *app.BulletinView
	Committee bool
	Public    bool
}

func (h *Handler) workBulletin(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	b, err := h.app.Bulletin(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_bulletin", b.Title(), workBulletinData{B: b, Committee: p.Role == zhitong.RoleCommittee})
}

func (h *Handler) workPublishBulletin(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	if _, err := h.app.PublishBulletin(r.Context(), p, id); err != nil {
		return err
	}
	h.flash(r, "通报已在门户公开")
	http.Redirect(w, r, "/work/bulletins/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// portalBulletins lists the published bulletins on the portal.
func (h *Handler) portalBulletins(w http.ResponseWriter, r *http.Request) error {
	d, err := h.bulletinsPage(r, zhitong.Citizen)
	if err != nil {
		return err
	}
	if d.Orgs, err = h.app.Organisations(r.Context()); err != nil {
		return err
	}
	if len(d.Orgs) < 2 {
		d.Orgs = nil
	}
	return h.render(w, r, http.StatusOK, "portal_bulletins", "办理情况通报", d)
}

// portalBulletin shows one published bulletin: units, townships and numbers, no personal data.
func (h *Handler) portalBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	b, err := h.app.Bulletin(r.Context(), zhitong.Citizen, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_bulletin", b.Title(), workBulletinData{B: b, Public: true})
}
