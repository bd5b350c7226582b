package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/exchange"
)

// The system administrator's exchange page (docs/exchange.md): peers (12345
// hotlines, other deployments) with their category maps, and the messages
// given up (dead letters), each retried with one click.
func (h *Handler) exchangeWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/admin/exchange", h.page(h.workExchange))
	mux.HandleFunc("POST /work/admin/exchange/peers", h.workPage(h.workExchangeSave))
	mux.HandleFunc("POST /work/admin/exchange/messages/{id}/retry", h.workPage(h.workExchangeRetry))
	mux.HandleFunc("GET /work/admin/exchange/peers/{name}/public-key.pem", h.page(h.workExchangeKey))
	mux.HandleFunc("GET /work/admin/exchange/peers/{name}/categories", h.page(h.workExchangeCategories))
	mux.HandleFunc("POST /work/admin/exchange/peers/{name}/categories", h.workPage(h.workExchangeCategoriesSave))
}

// workExchangeKey downloads our SM2 public key for a peer (made first if
// it has none), to give to the peer.
func (h *Handler) workExchangeKey(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	pemText, err := exchange.New(h.app).PublicKey(r.Context(), p, name)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="zhitong-`+name+`-sm2.pem"`)
	_, err = w.Write([]byte(pemText))
	return err
}

type workExchangeData struct {
	workForm
	Peers  []*exchange.Peer
	Dead   []*exchange.Message
	Recent []*exchange.Message
	// Refused: the latest refused inbound requests (malformed, unsigned,
	// replayed, out of jurisdiction …).
	Refused []*exchange.Refusal
}

// Mapping shows a peer's category map as the JSON an operator imports.
func (d *workExchangeData) Mapping(p *exchange.Peer) string {
	m := map[string]string{}
	for _, c := range p.Categories {
		m[c.Theirs] = c.Ours
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b)
}

var exchangeFields = map[string][]string{"peer": {"name", "kind", "base_url", "secret", "region", "categories", "signing", "peer_public_key"}}

func (h *Handler) workExchange(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderExchange(w, r, p, http.StatusOK, url.Values{"kind": {"12345"}, "signing": {exchange.SigningHMAC}, "region": {p.RegionCode}, "enabled": {"1"}, "categories": {"{}"}}, nil)
}

func (h *Handler) renderExchange(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, posted url.Values, fail error) error {
	x := exchange.New(h.app)
	d := &workExchangeData{workForm: workForm{Form: posted, Section: "peer", fields: exchangeFields}}
	d.refill(fail, posted, "enabled")
	var err error
	if d.Peers, err = x.Peers(r.Context(), p); err != nil {
		return err
	}
	if d.Dead, err = x.DeadLetters(r.Context(), p); err != nil {
		return err
	}
	if d.Recent, err = x.Outbox(r.Context(), p); err != nil {
		return err
	}
	if d.Refused, err = x.Refusals(r.Context(), p, 50); err != nil {
		return err
	}
	if len(d.Recent) > 50 {
		d.Recent = d.Recent[:50]
	}
	return h.render(w, r, status, "work_exchange", workFormTitle("12345 与部署间对接", fail), d)
}

func (h *Handler) workExchangeSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	x := exchange.New(h.app)
	in := exchange.Peer{Name: f.Get("name"), Kind: f.Get("kind"), BaseURL: f.Get("base_url"), Secret: f.Get("secret"),
		RegionCode: f.Get("region"), Enabled: f.Get("enabled") == "1", Signing: f.Get("signing"), PeerPublicKey: f.Get("peer_public_key"),
		DisplayName: f.Get("display_name")}
	var m map[string]string
	if err := json.Unmarshal([]byte(f.Get("categories")), &m); err != nil {
		err = zhitong.Invalid("categories", "分类对照表应为 JSON 对象：{\"对方分类代码\": \"本平台分类代码\", …}")
		return h.renderExchange(w, r, p, workSwapStatus(r, http.StatusBadRequest), f, err)
	}
	in.Categories = []exchange.Mapping{} // the form's map replaces the stored one; {} clears it
	for k, v := range m {
		in.Categories = append(in.Categories, exchange.Mapping{Theirs: k, Ours: v})
	}
	pr, err := x.SavePeer(r.Context(), p, in)
	if err != nil {
		if c := zhitong.ErrorCode(err); c != zhitong.EINVALID {
			return err
		}
		f.Del("secret") // never echoed back
		return h.renderExchange(w, r, p, workSwapStatus(r, http.StatusBadRequest), f, err)
	}
	h.flash(r, "已保存对接渠道“"+pr.Name+"”")
	http.Redirect(w, r, "/work/admin/exchange", http.StatusSeeOther)
	return nil
}

func (h *Handler) workExchangeRetry(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "消息不存在")
	}
	m, err := exchange.New(h.app).Retry(r.Context(), p, id)
	if err != nil {
		return err
	}
	h.flash(r, "已放回待发：工单 "+m.OrderNo+" 将立即重试；对方按幂等键去重，不会重复生效")
	http.Redirect(w, r, "/work/admin/exchange", http.StatusSeeOther)
	return nil
}
