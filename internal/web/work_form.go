package web

import (
	"net/http"
	"net/url"
	"slices"

	"zhitong"
)

// workForm is the state of a page of several forms, one per part of a
// record: the values to show (as stored, or as typed when a form came back
// with an error) and the error, shown next to its field.
type workForm struct {
	Form         url.Values
	Section      string // the form the error is about
	Error, Field string
	fields       map[string][]string // the fields of each form
}

// V is the value of a field.
func (f *workForm) V(key string) string { return f.Form.Get(key) }

// Has reports whether a multi-valued field holds v.
func (f *workForm) Has(key, v string) bool { return slices.Contains(f.Form[key], v) }

// Bad reports whether the error is about this field.
func (f *workForm) Bad(field string) bool { return f.Error != "" && f.Field == field }

// err is the error shown, as an error (nil when the form did not come back).
func (f *workForm) err() error {
	if f.Error == "" {
		return nil
	}
	return zhitong.Errorf(zhitong.EINVALID, "%s", f.Error)
}

// At reports whether the error is about the form section.
func (f *workForm) At(section string) bool { return f.Error != "" && f.Section == section }

// BadIn reports whether the error is about a field of the form section.
func (f *workForm) BadIn(section, field string) bool { return f.At(section) && f.Field == field }

// VIn is a field's value as typed into the form section when that form
// came back with an error, else def (a page of forms with shared field names).
func (f *workForm) VIn(section, key, def string) string {
	if f.At(section) {
		return f.Form.Get(key)
	}
	return def
}

// Err is the error of one form that is not about any one of its fields.
func (f *workForm) Err(section string) string {
	if f.Section == section && f.Error != "" && !slices.Contains(f.fields[section], f.Field) {
		return f.Error
	}
	return ""
}

// refill shows fail and the values posted with it. boxes are the
// checkbox fields of the posted form: absent from it, all were unticked.
func (f *workForm) refill(fail error, posted url.Values, boxes ...string) {
	if fail == nil {
		return
	}
	f.Error, f.Field = zhitong.ErrorMessage(fail), zhitong.ErrorField(fail)
	for k, v := range posted {
		f.Form[k] = v
	}
	for _, b := range boxes {
		if len(posted[b]) == 0 {
			delete(f.Form, b)
		}
	}
}

// workStaffID reads the signed-in staff member and the {id} of the path.
func (h *Handler) workStaffID(r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, 0, err
	}
	id, err := workPathID(r)
	return p, id, err
}

// workFormTitle is the title of a page of forms, marked when one came back with an error.
func workFormTitle(title string, fail error) string {
	if fail != nil {
		return title + "（请修改后重新提交）"
	}
	return title
}
