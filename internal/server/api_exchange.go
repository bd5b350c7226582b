package server

import (
	"context"
	"io"
	"net/http"

	"zhitong"
	"zhitong/internal/exchange"
)

// exchangeRoutes: case exchange with 12345 and other deployments
// (internal/exchange, docs/exchange.md). The two inbound routes are
// authenticated by their HMAC-SM3 signature, not by a token.
func (s *Server) exchangeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/exchange/{peer}/orders", s.api(s.exchangeReceive("orders")))
	mux.HandleFunc("POST /api/v1/exchange/{peer}/status", s.api(s.exchangeReceive("status")))
	mux.HandleFunc("POST /api/v1/cases/{id}/exchange-referral", s.api(caseAction(s, func(ctx context.Context, p zhitong.Principal, id int64, in exchange.ReferInput) (*zhitong.Case, error) {
		return exchange.New(s.app).Refer(ctx, p, id, in)
	})))
	mux.HandleFunc("GET /api/v1/cases/{id}/exchange-orders", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*exchange.Order], error) {
		id, err := pathID(r, "id")
		if err != nil {
			return items[*exchange.Order]{}, err
		}
		return itemsOf(exchange.New(s.app).CaseOrders(r.Context(), p, id))
	})))
	mux.HandleFunc("GET /api/v1/admin/exchange/peers", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*exchange.Peer], error) {
		return itemsOf(exchange.New(s.app).Peers(r.Context(), p))
	})))
	mux.HandleFunc("PUT /api/v1/admin/exchange/peers/{name}", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*exchange.Peer, error) {
		var in exchange.Peer
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		in.Name = r.PathValue("name")
		return exchange.New(s.app).SavePeer(r.Context(), p, in)
	})))
	mux.HandleFunc("PUT /api/v1/admin/exchange/peers/{name}/categories", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*exchange.Peer, error) {
		var in struct {
			Categories []exchange.Mapping `json:"categories"`
		}
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return exchange.New(s.app).SetCategories(r.Context(), p, r.PathValue("name"), in.Categories)
	})))
	mux.HandleFunc("GET /api/v1/admin/exchange/refusals", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*exchange.Refusal], error) {
		return itemsOf(exchange.New(s.app).Refusals(r.Context(), p, 0))
	})))
	mux.HandleFunc("GET /api/v1/admin/exchange/messages", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*exchange.Message], error) {
		if r.URL.Query().Get("status") == "dead" {
			return itemsOf(exchange.New(s.app).DeadLetters(r.Context(), p))
		}
		return itemsOf(exchange.New(s.app).Outbox(r.Context(), p))
	})))
	mux.HandleFunc("POST /api/v1/admin/exchange/messages/{id}/retry", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*exchange.Message, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		return exchange.New(s.app).Retry(r.Context(), p, id)
	})))
}

// exchangeReceive answers a signed request from a peer.
func (s *Server) exchangeReceive(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			return zhitong.Errorf(zhitong.EINVALID, "请求体过大（上限 1 MB）")
		}
		rc, err := exchange.New(s.app).Receive(r.Context(), r.PathValue("peer"), kind,
			exchange.Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, Remote: r.RemoteAddr})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, rc)
		return nil
	}
}
