package exchange

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm2"

	"zhitong"
	"zhitong/internal/documents"
	"zhitong/internal/store"
)

// SM2AAD is the associated data of a peer's sealed SM2 private key (ours,
// made for that peer; store.SealedColumns lists it).
const SM2AAD = "exchange:sm2"

// ensureKey makes our SM2 key pair for the peer the first time it is
// needed (a peer switched to SM2, or its public key exported): the
// private part sealed under the master key, as internal/documents keeps an
// organisation's. Concurrent first uses keep one key.
func (s *Service) ensureKey(ctx context.Context, tx *store.Tx, peerID int64) error {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("sm2 key: %w", err)
	}
	pemText, err := documents.PublicPEM(&priv.PublicKey)
	if err != nil {
		return err
	}
	raw := make([]byte, 32)
	priv.D.FillBytes(raw)
	_, err = tx.Exec(ctx, `UPDATE exchange_peers SET sm2_private_enc = ?, sm2_public_pem = ? WHERE id = ? AND sm2_private_enc = ''`,
		s.a.Sealer().Seal(hex.EncodeToString(raw), SM2AAD), pemText, peerID)
	return err
}

// privateKey opens our SM2 key for the peer.
func (s *Service) privateKey(pr *peerRow) (*sm2.PrivateKey, error) {
	if pr.keyEnc == "" {
		return nil, fmt.Errorf("对接渠道 %s 还没有本方 SM2 密钥", pr.Name)
	}
	plain, err := s.a.Sealer().Open(pr.keyEnc, SM2AAD)
	if err != nil {
		return nil, fmt.Errorf("open sm2 key of %s: %w", pr.Name, err)
	}
	raw, err := hex.DecodeString(plain)
	if err != nil {
		return nil, fmt.Errorf("sm2 key of %s: %w", pr.Name, err)
	}
	return sm2.NewPrivateKey(raw)
}

// peerKey is the peer's SM2 public key, to verify its requests.
func peerKey(pr *peerRow) (*ecdsa.PublicKey, error) {
	if pr.PeerPublicKey == "" {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "本渠道约定使用 SM2 签名，但系统管理员尚未导入对方的 SM2 公钥")
	}
	pub, err := documents.ParsePublicPEM(pr.PeerPublicKey)
	if err != nil {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "对方的 SM2 公钥无法使用：%s", err.Error())
	}
	return pub, nil
}

// normalisePublicKey checks a pasted SM2 public key (PEM, or base64 DER)
// and returns it as PEM.
func normalisePublicKey(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", nil
	}
	pub, err := documents.ParsePublicPEM(text)
	if err != nil {
		return "", zhitong.Invalid("peer_public_key", "对方公钥无效：%s（应为 SM2 公钥，PEM 格式）", err.Error())
	}
	return documents.PublicPEM(pub)
}

// ExportKey returns our SM2 public key (PEM) for the named peer, making
// the key pair first: `zhitong exchange key export` on the server.
func (s *Service) ExportKey(ctx context.Context, name string) (string, error) {
	var out string
	err := s.a.DB().Write(ctx, func(tx *store.Tx) error {
		pr, err := peerByName(ctx, tx, name)
		if err != nil {
			return zhitong.Errorf(zhitong.ENOTFOUND, "对接渠道“%s”不存在", name)
		}
		if pr.Kind == KindOpen311 {
			return zhitong.Errorf(zhitong.ECONFLICT, "Open311 渠道不使用签名")
		}
		if err := s.ensureKey(ctx, tx, pr.ID); err != nil {
			return err
		}
		pr, err = peerByName(ctx, tx, name)
		out = pr.PublicKey
		return err
	})
	return out, err
}

// PublicKey is ExportKey for the system administrator of the peer's region
// (the admin page's download).
func (s *Service) PublicKey(ctx context.Context, p zhitong.Principal, name string) (string, error) {
	if _, err := s.Peer(ctx, p, name); err != nil {
		return "", err
	}
	return s.ExportKey(ctx, name)
}
