package documents

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// orgKey is an organisation's signing key.
type orgKey struct {
	id     int64
	region string
	priv   *sm2.PrivateKey // nil when only the public part was read
	pub    *ecdsa.PublicKey
	pem    string
}

// EnsureKey returns the organisation's signing key, making it the first
// time (set-up, or the first document of an organisation set up before
// documents existed): an SM2 key pair whose private part is sealed under
// the master key. Concurrent first uses keep one key.
func EnsureKey(ctx context.Context, tx *store.Tx, sealer *pii.Sealer, region string, now time.Time) error {
	_, err := ensureKey(ctx, tx, sealer, region, now)
	return err
}

func ensureKey(ctx context.Context, tx *store.Tx, sealer *pii.Sealer, region string, now time.Time) (*orgKey, error) {
	k, err := loadKey(ctx, tx, sealer, region, true)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sm2 key: %w", err)
	}
	pemText, err := PublicPEM(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	priv.D.FillBytes(raw)
	if _, err := tx.Exec(ctx, `INSERT INTO document_keys (region_code, public_pem, private_enc, created_at) VALUES (?, ?, ?, ?)
 ON CONFLICT (region_code) DO NOTHING`, region, pemText, sealer.Seal(hex.EncodeToString(raw), store.DocumentKeyAAD), store.FormatTime(now)); err != nil {
		return nil, fmt.Errorf("store document key: %w", err)
	}
	return loadKey(ctx, tx, sealer, region, true)
}

// loadKey reads the organisation's key; sql.ErrNoRows when it has none.
func loadKey(ctx context.Context, q store.Q, sealer *pii.Sealer, region string, private bool) (*orgKey, error) {
	k := &orgKey{region: region}
	var enc string
	err := q.QueryRow(ctx, `SELECT id, public_pem, private_enc FROM document_keys WHERE region_code = ?`, region).Scan(&k.id, &k.pem, &enc)
	if err != nil {
		return nil, err
	}
	if k.pub, err = ParsePublicPEM(k.pem); err != nil {
		return nil, err
	}
	if !private {
		return k, nil
	}
	plain, err := sealer.Open(enc, store.DocumentKeyAAD)
	if err != nil {
		return nil, fmt.Errorf("open document key of %s: %w", region, err)
	}
	raw, err := hex.DecodeString(plain)
	if err != nil {
		return nil, fmt.Errorf("document key of %s: %w", region, err)
	}
	if k.priv, err = sm2.NewPrivateKey(raw); err != nil {
		return nil, fmt.Errorf("document key of %s: %w", region, err)
	}
	return k, nil
}

// keyByID reads a key's public part by id.
func keyByID(ctx context.Context, q store.Q, id int64) (*orgKey, error) {
	k := &orgKey{id: id}
	if err := q.QueryRow(ctx, `SELECT region_code, public_pem FROM document_keys WHERE id = ?`, id).Scan(&k.region, &k.pem); err != nil {
		return nil, err
	}
	var err error
	k.pub, err = ParsePublicPEM(k.pem)
	return k, err
}

// PublicKeyPEM returns the public key (PEM) of the organisation governing
// region, for `zhitong documents key export` and the committee's download.
func PublicKeyPEM(ctx context.Context, q store.Q, region string) (string, zhitong.Organisation, error) {
	org, err := store.OrganisationFor(ctx, q, region)
	if err != nil {
		return "", org, err
	}
	k, err := loadKey(ctx, q, nil, org.RegionCode, false)
	if errors.Is(err, sql.ErrNoRows) {
		return "", org, zhitong.Errorf(zhitong.ENOTFOUND, "%s还没有签章密钥：签发第一份公文时生成，或运行 zhitong documents key export 生成", org.Name)
	}
	if err != nil {
		return "", org, err
	}
	return k.pem, org, nil
}
