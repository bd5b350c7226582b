package web

import (
	"net/http"
	"strings"

	"zhitong"
	"zhitong/internal/accounts"
)

// tokensData is the API tokens page: the list, the form to issue one, and
// a new token's secret, shown this once.
type tokensData struct {
	Items        []accounts.Token
	Roles        []zhitong.Named[zhitong.Role]
	Regions      []zhitong.Region
	Name, Role   string
	Region       string
	Field, Error string
	Issued       *accounts.IssuedToken
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, d tokensData) error {
	var err error
	if d.Items, err = h.accounts().Tokens(r.Context(), p); err != nil {
		return err
	}
	if d.Regions, err = h.app.Regions(r.Context(), p.RegionCode); err != nil {
		return err
	}
	for _, role := range zhitong.Roles {
		if role.Value != zhitong.RoleUnit && role.Value != zhitong.RoleDeputy {
			d.Roles = append(d.Roles, role)
		}
	}
	if d.Role == "" {
		d.Role = string(zhitong.RoleIntegration)
	}
	return h.render(w, r, status, "work_tokens", "API 令牌", d)
}

func (h *Handler) workTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := h.secAdmin(r)
	if err != nil {
		return err
	}
	return h.tokensPage(w, r, p, http.StatusOK, tokensData{Region: p.RegionCode})
}

func (h *Handler) workTokenCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.secAdmin(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	d := tokensData{Name: strings.TrimSpace(r.PostForm.Get("name")), Role: r.PostForm.Get("role"), Region: strings.TrimSpace(r.PostForm.Get("region"))}
	tok, err := h.accounts().CreateToken(r.Context(), p, accounts.TokenInput{Name: d.Name, Role: zhitong.Role(d.Role), Region: d.Region})
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT {
		d.Error, d.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
		if d.Field == "" {
			d.Field = "name"
		}
		return h.tokensPage(w, r, p, http.StatusBadRequest, d)
	} else if err != nil {
		return err
	}
	return h.tokensPage(w, r, p, http.StatusCreated, tokensData{Issued: &tok, Region: p.RegionCode})
}

func (h *Handler) workTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.secAdminOn(r)
	if err != nil {
		return err
	}
	tok, err := h.accounts().RevokeToken(r.Context(), p, id)
	if err != nil {
		return err
	}
	h.flash(r, "令牌“"+tok.Name+"”已吊销，立即失效")
	http.Redirect(w, r, "/work/tokens", http.StatusSeeOther)
	return nil
}
