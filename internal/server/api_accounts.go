package server

import (
	"context"
	"net/http"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
)

// accountRoutes is the security administrator's part of the API: staff
// accounts and API tokens (internal/accounts, docs/accounts.md).
func (s *Server) accountRoutes(mux *http.ServeMux) {
	acc := accounts.New(s.app)
	mux.HandleFunc("GET /api/v1/users", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (Page[accounts.Account], error) {
		in, err := cursorInput(r.URL.Query())
		if err != nil {
			return Page[accounts.Account]{}, err
		}
		pg, err := acc.UsersPage(r.Context(), p, in)
		return cursorPage(pg, in), err
	})))
	mux.HandleFunc("POST /api/v1/users", s.api(staffJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (accounts.Created, error) {
		var in app.UserInput
		if err := decode(w, r, &in); err != nil {
			return accounts.Created{}, err
		}
		return acc.Create(r.Context(), p, in)
	})))
	mux.HandleFunc("GET /api/v1/users/{id}", s.api(staffJSON(s, http.StatusOK, userOp(acc.User))))
	mux.HandleFunc("PATCH /api/v1/users/{id}", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (accounts.Account, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return accounts.Account{}, err
		}
		var c accounts.Change
		if err := decode(w, r, &c); err != nil {
			return accounts.Account{}, err
		}
		return acc.Update(r.Context(), p, id, c)
	})))
	mux.HandleFunc("POST /api/v1/users/{id}/disable", s.api(staffJSON(s, http.StatusOK, userOp(acc.Disable))))
	mux.HandleFunc("POST /api/v1/users/{id}/enable", s.api(staffJSON(s, http.StatusOK, userOp(acc.Enable))))
	mux.HandleFunc("POST /api/v1/users/{id}/unlock", s.api(staffJSON(s, http.StatusOK, userOp(acc.Unlock))))
	mux.HandleFunc("POST /api/v1/users/{id}/reset-password", s.api(staffJSON(s, http.StatusOK, userOp(acc.ResetPassword))))

	mux.HandleFunc("GET /api/v1/tokens", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[accounts.Token], error) {
		return itemsOf(acc.Tokens(r.Context(), p))
	})))
	mux.HandleFunc("POST /api/v1/tokens", s.api(staffJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (accounts.IssuedToken, error) {
		var in tokenRequest
		if err := decode(w, r, &in); err != nil {
			return accounts.IssuedToken{}, err
		}
		return acc.CreateToken(r.Context(), p, accounts.TokenInput{Name: in.Name, Role: in.Role, Region: in.Region})
	})))
	mux.HandleFunc("POST /api/v1/tokens/{id}/revoke", s.api(staffJSON(s, http.StatusOK, userOp(acc.RevokeToken))))
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Name   string       `json:"name"`
	Role   zhitong.Role `json:"role"`
	Region string       `json:"region"`
}

// userOp adapts an operation on the account (or token) named by the path's
// {id}, which takes no body.
func userOp[T any](op func(ctx context.Context, p zhitong.Principal, id int64) (T, error)) func(http.ResponseWriter, *http.Request, zhitong.Principal) (T, error) {
	return func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (T, error) {
		id, err := pathID(r, "id")
		if err != nil {
			var zero T
			return zero, err
		}
		return op(r.Context(), p, id)
	}
}
