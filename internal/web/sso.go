package web

import (
	"net/http"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/signin"
	"zhitong/internal/sso"
)

// ssoRoutes: sign-in through the province's unified identity service
// (internal/sso, docs/sso.md), its configuration (system administrator)
// and the link of a staff account to a subject (security administrator).
func (h *Handler) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /sso/login", h.page(h.ssoLogin))
	mux.HandleFunc("GET /sso/callback", h.page(h.ssoCallback))
	mux.HandleFunc("GET /my", h.private(h.myCases))
	mux.HandleFunc("GET /work/sso", h.page(h.ssoConfigPage))
	mux.HandleFunc("POST /work/sso", h.page(h.ssoConfigSave))
	mux.HandleFunc("GET /work/accounts/{id}/sso", h.page(h.ssoLinkPage))
	mux.HandleFunc("POST /work/accounts/{id}/sso", h.page(h.ssoLinkSave))
	mux.HandleFunc("POST /work/accounts/{id}/sso/unlink", h.page(h.ssoUnlink))
}

// Session keys of a sign-in at the provider: state, nonce, PKCE verifier
// and when it began (server-side, in the scs session).
const (
	ssoStateKey    = "sso_state"
	ssoNonceKey    = "sso_nonce"
	ssoVerifierKey = "sso_verifier"
	ssoAtKey       = "sso_at"
	ssoNextKey     = "sso_next"
	ssoCitizenKey  = "sso_as_citizen"
	// A citizen signed in through the provider (never a staff session).
	citizenIssuerKey  = "citizen_issuer"
	citizenSubjectKey = "citizen_subject"
	citizenPhoneKey   = "citizen_phone" // the provider's phone_number claim, for /submit
)

func (h *Handler) ssoLogin(w http.ResponseWriter, r *http.Request) error {
	u, pd, err := sso.New(h.app).Begin(r.Context())
	if err != nil {
		return h.ssoRefused(w, r, err)
	}
	ctx := r.Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, ssoStateKey, pd.State)
	h.sessions.Put(ctx, ssoNonceKey, pd.Nonce)
	h.sessions.Put(ctx, ssoVerifierKey, pd.Verifier)
	h.sessions.Put(ctx, ssoAtKey, pd.At.Unix())
	h.sessions.Put(ctx, ssoNextKey, safeNext(r.URL.Query().Get("next")))
	h.sessions.Put(ctx, ssoCitizenKey, r.URL.Query().Get("as") == "citizen")
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pd := sso.Pending{State: h.sessions.PopString(ctx, ssoStateKey), Nonce: h.sessions.PopString(ctx, ssoNonceKey),
		Verifier: h.sessions.PopString(ctx, ssoVerifierKey), At: time.Unix(h.sessions.GetInt64(ctx, ssoAtKey), 0)}
	h.sessions.Remove(ctx, ssoAtKey)
	next := safeNext(h.sessions.PopString(ctx, ssoNextKey))
	asCitizen := h.sessions.PopBool(ctx, ssoCitizenKey)
	q := r.URL.Query()
	if q.Get("error") != "" {
		return h.ssoRefused(w, r, zhitong.Errorf(zhitong.EUNAUTHORIZED, "统一身份认证未完成，请重新登录"))
	}
	svc := sso.New(h.app)
	id, err := svc.Finish(ctx, pd, q.Get("state"), q.Get("code"))
	if err != nil {
		return h.ssoRefused(w, r, err)
	}
	if asCitizen {
		cz, err := svc.SignInCitizen(ctx, id, r.RemoteAddr)
		if err != nil {
			return err
		}
		if err := h.sessions.RenewToken(ctx); err != nil {
			return err
		}
		h.sessions.Remove(ctx, SessionUserKey)
		h.sessions.Put(ctx, citizenIssuerKey, cz.Issuer)
		h.sessions.Put(ctx, citizenSubjectKey, cz.Subject)
		h.sessions.Put(ctx, citizenPhoneKey, cz.Phone)
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return nil
	}
	st, err := svc.SignInStaff(ctx, id, r.RemoteAddr)
	if err != nil {
		return h.ssoRefused(w, r, err)
	}
	if st.Code {
		return h.awaitCode(w, r, st.User, next)
	}
	return h.signInDone(w, r, signin.Outcome{User: st.User, Enrol: st.Enrol}, next)
}

type ssoRefusedData struct{ Error string }

// ssoRefused is the Chinese page of a sign-in the provider or this system
// refused (never a 500 for a bad or replayed callback).
func (h *Handler) ssoRefused(w http.ResponseWriter, r *http.Request, err error) error {
	status := http.StatusForbidden
	switch zhitong.ErrorCode(err) {
	case zhitong.EINTERNAL, "":
		return err
	case zhitong.EUNAUTHORIZED:
		status = http.StatusUnauthorized
	case zhitong.ENOTFOUND:
		status = http.StatusNotFound
	case zhitong.EBUSY:
		status = http.StatusServiceUnavailable
	}
	return h.render(w, r, status, "sso_refused", "统一身份认证登录", ssoRefusedData{Error: zhitong.ErrorMessage(err)})
}

// ssoReady reports whether /login offers the provider.
func (h *Handler) ssoReady(r *http.Request) bool {
	c, err := sso.New(h.app).Config(r.Context())
	return err == nil && c.Ready()
}

func (h *Handler) sysAdmin(r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	if p.Role != zhitong.RoleSysAdmin {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以设置统一身份认证")
	}
	return p, nil
}

type ssoConfigData struct {
	Config      sso.Config
	HasSecret   bool
	Error       string
	Field       string
	Saved       bool
	ScopesValue string
}

func (h *Handler) ssoConfigPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.sysAdmin(r); err != nil {
		return err
	}
	c, err := sso.New(h.app).Config(r.Context())
	if err != nil {
		return err
	}
	d := ssoConfigData{Config: c, HasSecret: c.ClientSecret != "", ScopesValue: strings.Join(c.Scopes, " "), Saved: r.URL.Query().Get("saved") == "1"}
	d.Config.ClientSecret = ""
	return h.render(w, r, http.StatusOK, "work_sso", "统一身份认证", d)
}

func (h *Handler) ssoConfigSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.sysAdmin(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	f := r.PostForm
	c := sso.Config{Enabled: f.Get("enabled") == "1", Issuer: f.Get("issuer"), ClientID: f.Get("client_id"), ClientSecret: f.Get("client_secret"),
		RedirectURL: f.Get("redirect_url"), Scopes: strings.Fields(f.Get("scopes")), RequireForStaff: f.Get("require_for_staff") == "1"}
	if err := sso.New(h.app).SetConfig(r.Context(), p, c); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		old, _ := sso.New(h.app).Config(r.Context())
		c.ClientSecret = ""
		return h.render(w, r, http.StatusBadRequest, "work_sso", "统一身份认证", ssoConfigData{Config: c, HasSecret: old.ClientSecret != "",
			ScopesValue: f.Get("scopes"), Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)})
	}
	http.Redirect(w, r, "/work/sso?saved=1", http.StatusSeeOther)
	return nil
}

type ssoLinkData struct {
	UserID   int64
	Username string
	Link     *sso.Link
	Subject  string
	Error    string
}

func (h *Handler) ssoLinkRender(w http.ResponseWriter, r *http.Request, status int, d ssoLinkData) error {
	p, a, err := h.pathAccount(r)
	if err != nil {
		return err
	}
	d.UserID, d.Username = a.ID, a.Username
	l, err := sso.New(h.app).LinkOf(r.Context(), p, a.ID)
	switch zhitong.ErrorCode(err) {
	case "":
		d.Link = &l
	case zhitong.ENOTFOUND:
	default:
		return err
	}
	return h.render(w, r, status, "work_account_sso", "统一身份认证关联", d)
}

func (h *Handler) ssoLinkPage(w http.ResponseWriter, r *http.Request) error {
	return h.ssoLinkRender(w, r, http.StatusOK, ssoLinkData{})
}

func (h *Handler) ssoLinkSave(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.pathAccount(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	sub := r.PostForm.Get("subject")
	if err := sso.New(h.app).Link(r.Context(), p, a.ID, sub); err != nil {
		if c := zhitong.ErrorCode(err); c != zhitong.EINVALID && c != zhitong.ECONFLICT {
			return err
		}
		return h.ssoLinkRender(w, r, http.StatusBadRequest, ssoLinkData{Subject: sub, Error: zhitong.ErrorMessage(err)})
	}
	h.flash(r, "已关联统一身份认证账号")
	http.Redirect(w, r, "/work/accounts/"+r.PathValue("id")+"/sso", http.StatusSeeOther)
	return nil
}

func (h *Handler) ssoUnlink(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.pathAccount(r)
	if err != nil {
		return err
	}
	if err := sso.New(h.app).Unlink(r.Context(), p, a.ID); err != nil {
		return err
	}
	h.flash(r, "已解除统一身份认证关联")
	http.Redirect(w, r, "/work/accounts/"+r.PathValue("id")+"/sso", http.StatusSeeOther)
	return nil
}

// citizen is the citizen signed in through the provider, if any.
func (h *Handler) citizen(r *http.Request) sso.Citizen {
	return sso.Citizen{Issuer: h.sessions.GetString(r.Context(), citizenIssuerKey), Subject: h.sessions.GetString(r.Context(), citizenSubjectKey),
		Phone: h.sessions.GetString(r.Context(), citizenPhoneKey)}
}

type myCasesData struct {
	Items []sso.MyCase
	Off   bool // the deployment offers no sign-in through the provider
}

// myCases is 我的意见: the cases the signed-in citizen submitted, with their
// progress, without tracking codes. Not signed in: to the provider.
func (h *Handler) myCases(w http.ResponseWriter, r *http.Request) error {
	cz := h.citizen(r)
	if cz.Subject == "" && !h.ssoReady(r) {
		return h.render(w, r, http.StatusOK, "my_cases", "我的意见", myCasesData{Off: true})
	}
	if cz.Subject == "" {
		http.Redirect(w, r, "/sso/login?as=citizen", http.StatusSeeOther)
		return nil
	}
	items, err := sso.New(h.app).MyCases(r.Context(), cz)
	if err != nil {
		return err
	}
	noStore(w)
	return h.render(w, r, http.StatusOK, "my_cases", "我的意见", myCasesData{Items: items})
}
