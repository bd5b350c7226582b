// Package exchange exchanges cases with the government hotline 12345 and
// with other Zhitong deployments (a county and its city), both ways, over
// one signed, durable protocol (docs/exchange.md):
//
//   - outbound, a case outside the congress's remit is referred to a peer
//     as a work order (工单) with the citizen's consent; the peer's status,
//     result and the citizen's satisfaction come back and are recorded;
//   - inbound, a peer sends work orders that concern deputies or the
//     congress; they arrive as cases, and their status goes back at each step.
//
// Every message to a peer is a row of exchange_messages written in the
// transaction of the change; the "exchange" job delivers it with backoff,
// idempotent by work-order number + step, and parks it in the dead-letter
// list after the last attempt. Requests are signed with HMAC-SM3 or SM2
// both ways.
package exchange

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Kinds of peer.
const (
	Kind12345   = "12345"   // a provincial 12345 hotline platform
	KindZhitong = "zhitong" // another Zhitong deployment
)

// Service is the exchange over an App.
type Service struct {
	a      *app.App
	client *http.Client
	opt    Options
	log    *slog.Logger
}

// Options tune delivery; zero values take the defaults.
type Options struct {
	Client      *http.Client  // default: 10 s timeout
	MaxAttempts int           // before a message is dead (default 16: about 10 h of retries)
	RetryBase   time.Duration // first retry delay, doubled per attempt, at most an hour (default 30 s)
	Lease       time.Duration // a message 'sending' longer than this was left by a dead process (default 2 min)
	Batch       int           // messages per pass (default 100)
	PollEvery   time.Duration // how often an open Open311 referral is asked about (default 5 min)
}

// New returns the service and sets its step hook on a (the status of an
// inbound case goes back to its peer at each step).
func New(a *app.App, opts ...Options) *Service {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 16
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.PollEvery <= 0 {
		o.PollEvery = 5 * time.Minute
	}
	s := &Service{a: a, client: o.Client, opt: o, log: slog.Default()}
	a.SetHooks("exchange", app.Hooks{Step: s.stepHook})
	return s
}

// Peer is a counterpart of the exchange.
type Peer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"` // the {peer} of our inbound paths
	Kind    string `json:"kind"`
	BaseURL string `json:"base_url"`
	// DisplayName is the name the citizen reads for the peer (赣州市人大常委会):
	// a referral to a zhitong peer says it was moved to it; never the
	// internal name. Empty on update keeps it.
	DisplayName string    `json:"display_name"`
	Secret      string    `json:"secret,omitempty"` // input only; never returned
	RegionCode  string    `json:"region"`
	Categories  []Mapping `json:"categories"` // the peer's category codes → ours
	Enabled     bool      `json:"enabled"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Signing is hmac (HMAC-SM3, the shared secret) or sm2.
	Signing string `json:"signing"`
	// PublicKey is our SM2 public key for this peer (PEM), to give to it;
	// output only, made when the peer is switched to sm2.
	PublicKey string `json:"public_key,omitempty"`
	// PeerPublicKey is the peer's SM2 public key (PEM) that its requests
	// are verified with; empty on update keeps the stored one.
	PeerPublicKey string `json:"peer_public_key,omitempty"`
}

// Mapping maps one of the peer's demand categories to one of ours; Theirs
// "*" catches every category not listed.
type Mapping struct {
	Theirs string `json:"theirs"`
	Name   string `json:"name,omitempty"` // the peer's name of the category (诉求分类名称), for the operator
	Ours   string `json:"ours"`
}

// categoryMap returns the mappings as a map, theirs → ours.
func categoryMap(ms []Mapping) map[string]string {
	out := make(map[string]string, len(ms))
	for _, m := range ms {
		out[m.Theirs] = m.Ours
	}
	return out
}

func mappings(m map[string]string) []Mapping {
	out := make([]Mapping, 0, len(m))
	for k, v := range m {
		out = append(out, Mapping{Theirs: k, Ours: v})
	}
	sortMappings(out)
	return out
}

func sortMappings(ms []Mapping) {
	slices.SortFunc(ms, func(a, b Mapping) int { return strings.Compare(a.Theirs, b.Theirs) })
}

// storedMap is the category_map column: a JSON list of mappings (with the
// peer's names), or the object theirs → ours written before names.
func storedMap(ms []Mapping) string {
	b, _ := json.Marshal(ms)
	return string(b)
}

func parseStoredMap(raw string) []Mapping {
	var list []Mapping
	if json.Unmarshal([]byte(raw), &list) == nil && list != nil {
		sortMappings(list)
		return list
	}
	var m map[string]string
	if json.Unmarshal([]byte(raw), &m) == nil {
		return mappings(m)
	}
	return []Mapping{}
}

var peerName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

const secretAAD = "exchange:secret"

// mayConfigure: the system administrator configures peers of their region.
func mayConfigure(p zhitong.Principal) error {
	if p.Role != zhitong.RoleSysAdmin {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以配置对接渠道")
	}
	return nil
}

// SavePeer creates or updates the peer named in.Name. An empty secret keeps
// the stored one.
func (s *Service) SavePeer(ctx context.Context, p zhitong.Principal, in Peer) (*Peer, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if !peerName.MatchString(in.Name) {
		return nil, zhitong.Invalid("name", "名称应为 2–40 个小写字母、数字或连字符")
	}
	if in.Kind != Kind12345 && in.Kind != KindZhitong && in.Kind != KindOpen311 {
		return nil, zhitong.Invalid("kind", "类型应为 12345、zhitong 或 open311")
	}
	u, err := url.Parse(in.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return nil, zhitong.Invalid("base_url", "对方地址应为 http(s):// 开头、不带查询参数的网址")
	}
	in.BaseURL = strings.TrimRight(in.BaseURL, "/")
	if in.RegionCode == "" || !strings.HasPrefix(in.RegionCode, p.RegionCode) {
		return nil, zhitong.Invalid("region", "对接渠道的地区须在您的管辖范围内")
	}
	if _, err := store.GetRegion(ctx, s.a.DB(), in.RegionCode); err != nil {
		return nil, zhitong.Invalid("region", "地区“%s”不存在", in.RegionCode)
	}
	if in.Secret != "" && len(in.Secret) < 32 && in.Kind != KindOpen311 {
		return nil, zhitong.Invalid("secret", "共享密钥至少 32 个字符")
	}
	if in.DisplayName = strings.TrimSpace(in.DisplayName); utf8.RuneCountInString(in.DisplayName) > 50 {
		return nil, zhitong.Invalid("display_name", "显示名称不能超过 50 个字")
	}
	if in.Signing == "" {
		in.Signing = SigningHMAC
	}
	if in.Signing != SigningHMAC && in.Signing != SigningSM2 || in.Signing == SigningSM2 && in.Kind == KindOpen311 {
		return nil, zhitong.Invalid("signing", "签名方式应为 hmac（HMAC-SM3 共享密钥）或 sm2（Open311 渠道只能用 api_key）")
	}
	if in.PeerPublicKey, err = normalisePublicKey(in.PeerPublicKey); err != nil {
		return nil, err
	}
	if err := s.checkCategories(ctx, in.Categories); err != nil {
		return nil, err
	}
	old, err := peerByName(ctx, s.a.DB(), in.Name)
	if in.Categories == nil && err == nil {
		// Absent (nil) keeps the stored map, as an empty secret or key
		// keeps those; an explicit empty list clears it.
		in.Categories = old.Categories
	}
	if in.Categories == nil {
		in.Categories = []Mapping{}
	}
	if err == nil {
		// A map given without names (the JSON object) keeps the names the
		// rows had.
		names := map[string]string{}
		for _, m := range old.Categories {
			names[m.Theirs] = m.Name
		}
		for i := range in.Categories {
			if in.Categories[i].Name == "" {
				in.Categories[i].Name = names[in.Categories[i].Theirs]
			}
		}
	}
	sortMappings(in.Categories)
	cats := storedMap(in.Categories)
	now := s.a.Clock().Now()
	err = s.a.DB().Write(ctx, func(tx *store.Tx) error {
		old, err := peerByName(ctx, tx, in.Name)
		switch {
		case err == nil:
			if !strings.HasPrefix(old.RegionCode, p.RegionCode) {
				return zhitong.Errorf(zhitong.EFORBIDDEN, "该对接渠道不在您的管辖范围内")
			}
			sealed := old.sealed
			if in.Secret != "" {
				sealed = s.a.Sealer().Seal(in.Secret, secretAAD)
			}
			if in.Signing == SigningHMAC && sealed == "" {
				return zhitong.Invalid("secret", "改用 HMAC-SM3 签名时请填写共享密钥（至少 32 个字符）")
			}
			if in.PeerPublicKey == "" {
				in.PeerPublicKey = old.PeerPublicKey
			}
			if in.DisplayName == "" {
				in.DisplayName = old.DisplayName
			}
			if _, err := tx.Exec(ctx, `UPDATE exchange_peers SET kind = ?, base_url = ?, secret_enc = ?, region_code = ?, category_map = ?, enabled = ?, signing = ?, peer_public_pem = ?, display_name = ?, updated_at = ? WHERE id = ?`,
				in.Kind, in.BaseURL, sealed, in.RegionCode, cats, in.Enabled, in.Signing, in.PeerPublicKey, in.DisplayName, store.FormatTime(now), old.ID); err != nil {
				return err
			}
			in.ID = old.ID
		case zhitong.ErrorCode(err) == zhitong.ENOTFOUND:
			sealed := ""
			if in.Secret != "" {
				sealed = s.a.Sealer().Seal(in.Secret, secretAAD)
			} else if in.Signing == SigningHMAC {
				return zhitong.Invalid("secret", "请填写共享密钥（至少 32 个字符）")
			}
			if err := tx.QueryRow(ctx, `INSERT INTO exchange_peers (name, kind, base_url, secret_enc, region_code, category_map, enabled, signing, peer_public_pem, display_name, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Kind, in.BaseURL, sealed, in.RegionCode,
				cats, in.Enabled, in.Signing, in.PeerPublicKey, in.DisplayName, store.FormatTime(now), store.FormatTime(now)).Scan(&in.ID); err != nil {
				return err
			}
		default:
			return err
		}
		if in.Signing == SigningSM2 {
			if err := s.ensureKey(ctx, tx, in.ID); err != nil {
				return err
			}
		}
		saved, err := peerByID(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		in.PublicKey = saved.PublicKey
		return s.a.AppendAudit(ctx, tx, p, "exchange.peer.save", "exchange_peer:"+strconv.FormatInt(in.ID, 10),
			map[string]any{"name": in.Name, "kind": in.Kind, "base_url": in.BaseURL, "region": in.RegionCode, "categories": len(in.Categories), "enabled": in.Enabled,
				"secret_changed": in.Secret != "", "signing": in.Signing, "peer_public_key": in.PeerPublicKey != "", "display_name": in.DisplayName})
	})
	if err != nil {
		return nil, err
	}
	in.Secret, in.UpdatedAt = "", now
	return &in, nil
}

// checkCategories checks the rows of a category map: the peer's code
// given (at most 64 characters) and listed once, its name at most 64
// characters, ours an existing category. A bad row is named by its
// position: field categories[i].theirs, .name or .ours.
func (s *Service) checkCategories(ctx context.Context, ms []Mapping) error {
	seen := map[string]int{}
	for i := range ms {
		m := &ms[i]
		m.Theirs, m.Name, m.Ours = strings.TrimSpace(m.Theirs), strings.TrimSpace(m.Name), strings.TrimSpace(m.Ours)
		field := "categories[" + strconv.Itoa(i) + "]."
		if m.Theirs == "" || len(m.Theirs) > 64 {
			return zhitong.Invalid(field+"theirs", "第 %d 行：对方分类代码不能为空或超过 64 个字符", i+1)
		}
		if j, dup := seen[m.Theirs]; dup {
			return zhitong.Invalid(field+"theirs", "第 %d 行：对方分类“%s”与第 %d 行重复", i+1, m.Theirs, j+1)
		}
		seen[m.Theirs] = i
		if utf8.RuneCountInString(m.Name) > 64 {
			return zhitong.Invalid(field+"name", "第 %d 行：对方分类名称不能超过 64 个字", i+1)
		}
		var n int
		if err := s.a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE code = ?`, m.Ours).Scan(&n); err != nil {
			return err
		}
		if m.Ours == "" {
			return zhitong.Invalid(field+"ours", "第 %d 行：请为对方分类“%s”选择本平台分类（整行留空则忽略该行）", i+1, m.Theirs)
		}
		if n == 0 {
			return zhitong.Invalid(field+"ours", "第 %d 行：对方分类“%s”对应的本平台分类“%s”不存在", i+1, m.Theirs, m.Ours)
		}
	}
	return nil
}

// SetCategories replaces the named peer's category map with rows (the
// row-by-row editor and PUT …/categories). All rows or none.
func (s *Service) SetCategories(ctx context.Context, p zhitong.Principal, name string, rows []Mapping) (*Peer, error) {
	pr, err := s.Peer(ctx, p, name)
	if err != nil {
		return nil, err
	}
	pr.Categories = rows
	if rows == nil {
		pr.Categories = []Mapping{} // replaces: no rows clears the map
	}
	return s.SavePeer(ctx, p, *pr)
}

// ImportCategories replaces a peer's category mapping with the JSON data:
// an object {"their code": "our code", ...} or a list of Mapping.
func (s *Service) ImportCategories(ctx context.Context, p zhitong.Principal, name string, data []byte) (*Peer, error) {
	var m map[string]string
	var list []Mapping
	if err := json.Unmarshal(data, &m); err == nil && m != nil {
		list = mappings(m)
	} else if err := json.Unmarshal(data, &list); err != nil || list == nil {
		return nil, zhitong.Invalid("categories", "分类对照表应为 JSON 对象：{\"对方分类代码\": \"本平台分类代码\", …}")
	}
	pr, err := s.Peer(ctx, p, name)
	if err != nil {
		return nil, err
	}
	pr.Categories = list
	return s.SavePeer(ctx, p, *pr)
}

// Peers lists the peers of p's region.
func (s *Service) Peers(ctx context.Context, p zhitong.Principal) ([]*Peer, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	return queryPeers(ctx, s.a.DB(), `WHERE region_code LIKE ? ORDER BY name`, p.RegionCode+"%")
}

// Peer returns one peer of p's region.
func (s *Service) Peer(ctx context.Context, p zhitong.Principal, name string) (*Peer, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	pr, err := peerByName(ctx, s.a.DB(), name)
	if err != nil || !strings.HasPrefix(pr.RegionCode, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "对接渠道“%s”不存在", name)
	}
	return &pr.Peer, nil
}

// ReferralPeers lists the enabled peers a case of region may be referred to.
func (s *Service) ReferralPeers(ctx context.Context, region string) ([]*Peer, error) {
	return queryPeers(ctx, s.a.DB(), `WHERE enabled AND ? LIKE region_code || '%' ORDER BY name`, region)
}

func queryPeers(ctx context.Context, q store.Q, where string, args ...any) ([]*Peer, error) {
	rows, err := q.Query(ctx, `SELECT `+peerColumns+` FROM exchange_peers `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Peer{}
	for rows.Next() {
		pr, err := scanPeer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, &pr.Peer)
	}
	return out, rows.Err()
}

type peerRow struct {
	Peer
	sealed string
	keyEnc string // our SM2 private key, sealed
	cats   map[string]string
}

const peerColumns = `id, name, kind, base_url, secret_enc, region_code, category_map, enabled, updated_at, signing, sm2_private_enc, sm2_public_pem, peer_public_pem, display_name`

func scanPeer(r interface{ Scan(...any) error }) (*peerRow, error) {
	var pr peerRow
	var cats, updated string
	err := r.Scan(&pr.ID, &pr.Name, &pr.Kind, &pr.BaseURL, &pr.sealed, &pr.RegionCode, &cats, &pr.Enabled, &updated,
		&pr.Signing, &pr.keyEnc, &pr.PublicKey, &pr.PeerPublicKey, &pr.DisplayName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "对接渠道不存在")
	}
	if err != nil {
		return nil, err
	}
	pr.UpdatedAt = store.ParseTime(updated)
	pr.Categories = parseStoredMap(cats)
	pr.cats = categoryMap(pr.Categories)
	return &pr, nil
}

func peerByName(ctx context.Context, q store.Q, name string) (*peerRow, error) {
	return scanPeer(q.QueryRow(ctx, `SELECT `+peerColumns+` FROM exchange_peers WHERE name = ?`, name))
}

func peerByID(ctx context.Context, q store.Q, id int64) (*peerRow, error) {
	return scanPeer(q.QueryRow(ctx, `SELECT `+peerColumns+` FROM exchange_peers WHERE id = ?`, id))
}

func (s *Service) secret(pr *peerRow) ([]byte, error) {
	if pr.sealed == "" {
		return nil, nil // an SM2 peer without a shared secret
	}
	sec, err := s.a.Sealer().Open(pr.sealed, secretAAD)
	return []byte(sec), err
}
