package accounts

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

func strconvI(id int64) string { return strconv.FormatInt(id, 10) }

// Token is an API token as the security administrator sees it: never its
// secret nor the secret's hash.
type Token struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	Role         zhitong.Role `json:"role"`
	RoleLabel    string       `json:"role_label"`
	Region       string       `json:"region"`
	Jurisdiction string       `json:"jurisdiction"`
	CreatedAt    time.Time    `json:"created_at"`
	// LastUsedAt is recorded to the minute; null: never used.
	LastUsedAt *time.Time `json:"last_used_at"`
	Revoked    bool       `json:"revoked"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenView(n *namer, t *zhitong.Token) Token {
	v := Token{ID: t.ID, Name: t.Name, Role: t.Role, RoleLabel: zhitong.Label(zhitong.Roles, t.Role), Region: t.RegionCode,
		Jurisdiction: n.jurisdiction(t.RegionCode, 0, 0, 0), CreatedAt: t.CreatedAt, Revoked: t.Revoked}
	if !t.LastUsedAt.IsZero() {
		at := t.LastUsedAt
		v.LastUsedAt = &at
	}
	if !t.RevokedAt.IsZero() {
		at := t.RevokedAt
		v.RevokedAt = &at
	}
	return v
}

// Tokens lists the API tokens scoped inside p's jurisdiction, newest first.
func (s *Service) Tokens(ctx context.Context, p zhitong.Principal) ([]Token, error) {
	if err := mayManage(p); err != nil {
		return nil, err
	}
	toks, err := store.ListTokensUnder(ctx, s.app.DB(), p.RegionCode)
	if err != nil {
		return nil, err
	}
	n := newNamer(ctx, s.app.DB())
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		out = append(out, tokenView(n, t))
	}
	return out, n.err
}

// TokenInput issues a token.
type TokenInput struct {
	Name   string       `json:"name"`
	Role   zhitong.Role `json:"role"`
	Region string       `json:"region"`
}

// IssuedToken is a new token with its secret, shown only once.
type IssuedToken struct {
	Token
	Secret string `json:"token"`
}

// CreateToken issues a token scoped inside p's jurisdiction.
func (s *Service) CreateToken(ctx context.Context, p zhitong.Principal, in TokenInput) (IssuedToken, error) {
	if err := mayManage(p); err != nil {
		return IssuedToken{}, err
	}
	secret, tok, err := s.app.AddToken(ctx, p, in.Name, in.Role, in.Region)
	if err != nil {
		return IssuedToken{}, err
	}
	n := newNamer(ctx, s.app.DB())
	return IssuedToken{Token: tokenView(n, tok), Secret: secret}, n.err
}

// RevokeToken revokes a token for good: the next request with it is
// refused. Revoking a revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, p zhitong.Principal, id int64) (Token, error) {
	if err := mayManage(p); err != nil {
		return Token{}, err
	}
	var tok *zhitong.Token
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		var err error
		if tok, err = store.GetToken(ctx, tx, id); err != nil {
			return err
		}
		if !inJurisdiction(p, tok.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该令牌不在您的管辖范围内")
		}
		if tok.Revoked {
			return nil
		}
		tok.Revoked, tok.RevokedAt = true, s.app.Now()
		if err := tx.RevokeToken(ctx, tok.ID, tok.RevokedAt); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "token.revoke", "token:"+strconvI(tok.ID), map[string]any{"name": tok.Name})
	})
	if err != nil {
		return Token{}, err
	}
	return tokenView(newNamer(ctx, s.app.DB()), tok), nil
}
