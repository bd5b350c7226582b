package web

import (
	"html/template"
	"net/http"
	"time"

	"zhitong"
	"zhitong/internal/app"
)

// workReceiptData is the paper slip (回执) a visitor takes home from a
// reception: the tracking code, its QR code, and what happens next.
type workReceiptData struct {
	V          *app.CaseView
	Station    string
	Contact    *app.StationContact // the station's name and public phone
	TrackURL   string
	QR         template.HTML
	RegisterBy string
	// RegisterNote and DueNote say why RegisterBy or the case's deadline
	// is provisional; empty when it is not.
	RegisterNote string
	DueNote      string
	Printed      string
}

// workReceipt renders the receipt of a case for staff who may see it.
func (h *Handler) workReceipt(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	v, err := h.app.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := workReceiptData{V: v, TrackURL: h.absURL(r, "/track/"+v.Code)}
	if d.QR, err = qrSVG(d.TrackURL, "查询办理进度的二维码"); err != nil {
		return err
	}
	now := h.app.Now().In(zhitong.China)
	d.Printed = now.Format("2006年1月2日 15:04")
	var prov bool
	if d.RegisterBy, prov, err = h.app.AddWorkdays(now.Format(time.DateOnly), 1); err != nil {
		return err
	}
	if prov {
		d.RegisterNote = h.app.ProvisionalNote(now.Format(time.DateOnly), d.RegisterBy)
	}
	if v.DueProvisional && v.DueDate != "" {
		d.DueNote = h.app.ProvisionalNote(now.Format(time.DateOnly), v.DueDate)
	}
	if v.StationID != 0 {
		rf, err := h.loadWorkRefs(r.Context(), p, v.Region)
		if err != nil {
			return err
		}
		d.Station = rf.Station(v.StationID)
		if d.Contact, err = h.app.StationContactOf(r.Context(), v.StationID); err != nil {
			return err
		}
	}
	return h.render(w, r, http.StatusOK, "work_receipt", "回执 "+v.Code, d)
}
