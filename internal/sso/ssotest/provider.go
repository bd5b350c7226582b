// Package ssotest starts a real OpenID Connect provider for tests: the
// protocol is zitadel's (github.com/zitadel/oidc/v3/pkg/op, discovery,
// authorization with PKCE, token endpoint, signed ID tokens, JWKS); only
// its storage is written here, in memory, as the library's example does.
// The provider's login step approves Subject at once. Knobs let a test make
// the provider misbehave (wrong audience, another nonce, expired tokens).
// Only tests import this package.
package ssotest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Provider is a running provider with one confidential web client.
type Provider struct {
	Issuer, ClientID, ClientSecret string

	mu sync.Mutex
	// Subject signs in at the login step (auto-approved).
	subject string
	amr     []string
	phone   string // the phone_number claim of the ID token, "" for none
	// knobs
	audience []string
	nonce    *string
	lifetime time.Duration

	redirect string
	requests map[string]*authRequest
	codes    map[string]string
	key      *rsa.PrivateKey
	Logins   int
}

// Start runs a provider on httptest whose client may redirect to redirect.
func Start(t testing.TB, redirect string) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "zhitong", ClientSecret: "s3cret-" + random(), redirect: redirect, requests: map[string]*authRequest{},
		codes: map[string]string{}, key: key, lifetime: 5 * time.Minute}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.Issuer = srv.URL
	var crypto [32]byte
	_, _ = rand.Read(crypto[:])
	prov, err := op.NewOpenIDProvider(p.Issuer, &op.Config{CryptoKey: crypto, CodeMethodS256: true, SupportedUILocales: nil}, &storage{p}, op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	// The login step: approve the subject, back to the provider's callback.
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		p.mu.Lock()
		req, ok := p.requests[id]
		if ok {
			req.userID, req.done, req.authTime, req.amr = p.subject, true, time.Now(), p.amr
			p.Logins++
		}
		p.mu.Unlock()
		if !ok {
			http.Error(w, "unknown request", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, p.Issuer+"/authorize/callback?id="+id, http.StatusFound)
	})
	mux.Handle("/oauth/token", p.rewrite(prov))
	mux.Handle("/", prov)
	return p
}

// rewrite re-signs the ID token of the token response with the provider's
// key after changing its audience (WrongAudience): a token the provider
// issued for another client. zitadel always adds the requesting client to
// the audience, so this is the only way to get one.
func (p *Provider) rewrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		aud := p.audience
		p.mu.Unlock()
		if aud == nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["id_token"] == nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		jws, err := jose.ParseSigned(body["id_token"].(string), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var claims map[string]any
		_ = json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims)
		claims["aud"], claims["azp"] = aud, aud[0]
		payload, _ := json.Marshal(claims)
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithHeader("kid", "test-key"))
		obj, err := signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body["id_token"], _ = obj.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
}

// SignInAs makes the login step approve subject, with amr (nil: password).
func (p *Provider) SignInAs(subject string, amr ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subject, p.amr = subject, amr
	if p.amr == nil {
		p.amr = []string{"pwd"}
	}
}

// WithPhone makes the ID tokens carry the phone_number claim (OpenID
// Connect standard claim), "" for none.
func (p *Provider) WithPhone(phone string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phone = phone
}

// WrongAudience makes ID tokens name another client.
func (p *Provider) WrongAudience(aud ...string) { p.mu.Lock(); p.audience = aud; p.mu.Unlock() }

// OtherNonce makes ID tokens carry nonce instead of the client's.
func (p *Provider) OtherNonce(nonce string) { p.mu.Lock(); p.nonce = &nonce; p.mu.Unlock() }

// Lifetime sets how long ID tokens hold (negative: already expired).
func (p *Provider) Lifetime(d time.Duration) { p.mu.Lock(); p.lifetime = d; p.mu.Unlock() }

// Reset undoes the knobs.
func (p *Provider) Reset() {
	p.mu.Lock()
	p.audience, p.nonce, p.lifetime = nil, nil, 5*time.Minute
	p.mu.Unlock()
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type authRequest struct {
	p        *Provider
	id       string
	req      *oidc.AuthRequest
	userID   string
	done     bool
	authTime time.Time
	amr      []string
}

func (a *authRequest) GetID() string          { return a.id }
func (a *authRequest) GetACR() string         { return "" }
func (a *authRequest) GetAMR() []string       { return a.amr }
func (a *authRequest) GetAudience() []string  { return []string{a.req.ClientID} }
func (a *authRequest) GetAuthTime() time.Time { return a.authTime }
func (a *authRequest) GetClientID() string    { return a.req.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.req.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}
func (a *authRequest) GetNonce() string {
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	if a.p.nonce != nil {
		return *a.p.nonce
	}
	return a.req.Nonce
}
func (a *authRequest) GetRedirectURI() string             { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                { return a.req.Scopes }
func (a *authRequest) GetState() string                   { return a.req.State }
func (a *authRequest) GetSubject() string                 { return a.userID }
func (a *authRequest) Done() bool                         { return a.done }

type client struct{ p *Provider }

func (c client) GetID() string                       { return c.p.ClientID }
func (c client) RedirectURIs() []string              { return []string{c.p.redirect} }
func (c client) PostLogoutRedirectURIs() []string    { return nil }
func (c client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode}
}
func (c client) LoginURL(id string) string { return c.p.Issuer + "/login?id=" + id }
func (c client) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeBearer
}
func (c client) IDTokenLifetime() time.Duration {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return c.p.lifetime
}
func (c client) DevMode() bool { return true } // http redirect URIs of httptest
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(string) bool           { return false }
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true } // the standard claims (phone_number) in the ID token
func (c client) ClockSkew() time.Duration             { return 0 }

type signingKey struct{ k *rsa.PrivateKey }

func (s signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (s signingKey) Key() any                                    { return s.k }
func (s signingKey) ID() string                                  { return "test-key" }

type publicKey struct{ k *rsa.PrivateKey }

func (s publicKey) ID() string                         { return "test-key" }
func (s publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (s publicKey) Use() string                        { return "sig" }
func (s publicKey) Key() any                           { return &s.k.PublicKey }

// storage is the provider's storage, in memory.
type storage struct{ p *Provider }

var errNotFound = errors.New("not found")

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	a := &authRequest{p: s.p, id: random(), req: req, userID: userID}
	s.p.requests[a.id] = a
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if a, ok := s.p.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	id, ok := s.p.codes[code]
	s.p.mu.Unlock()
	if !ok {
		return nil, errNotFound
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	delete(s.p.requests, id)
	for c, r := range s.p.codes {
		if r == id {
			delete(s.p.codes, c)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return random(), time.Now().Add(5 * time.Minute), nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not offered")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{s.p.key}, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.p.key}}, nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != s.p.ClientID {
		return nil, errNotFound
	}
	return client{s.p}, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.p.ClientID || secret != s.p.ClientSecret {
		return errors.New("invalid client")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(_ context.Context, u *oidc.UserInfo, userID, _ string, _ []string) error {
	u.Subject = userID
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if s.p.phone != "" {
		u.PhoneNumber = s.p.phone
	}
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, u *oidc.UserInfo, _, subject, _ string) error {
	u.Subject = subject
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, in *oidc.IntrospectionResponse, _, subject, clientID string) error {
	in.Subject, in.ClientID, in.Active = subject, clientID, true
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (s *storage) Health(context.Context) error { return nil }
