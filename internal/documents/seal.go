package documents

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// The seal of a document: the SM3 digest of the sealed bytes, signed with
// SM2 (GB/T 32918, default user ID) by the issuing organisation's key.
// The canonical content (the document as JSON) is sealed when the
// document is issued; its PDF is sealed when it is made, with a trailer
// comment after %%EOF that carries the seal (Trailer).

// Digest is the SM3 digest of b, in hex.
func Digest(b []byte) string {
	d := sm3.Sum(b)
	return hex.EncodeToString(d[:])
}

// sign signs the SM3 digest of b with key; the signature is ASN.1, base64.
func sign(key *sm2.PrivateKey, b []byte) (digest, sig string, err error) {
	d := sm3.Sum(b)
	s, err := key.SignWithSM2(rand.Reader, nil, d[:])
	if err != nil {
		return "", "", fmt.Errorf("sm2 sign: %w", err)
	}
	return hex.EncodeToString(d[:]), base64.StdEncoding.EncodeToString(s), nil
}

// checkSig reports whether sig (base64) is pub's signature of digest (hex).
func checkSig(pub *ecdsa.PublicKey, digest, sig string) bool {
	d, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	s, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	return sm2.VerifyASN1WithSM2(pub, nil, d, s)
}

// PublicPEM encodes pub as a PEM "PUBLIC KEY" (PKIX, SM2).
func PublicPEM(pub *ecdsa.PublicKey) (string, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePublicPEM reads an SM2 public key from PEM (or from the base64 DER
// a trailer carries).
func ParsePublicPEM(s string) (*ecdsa.PublicKey, error) {
	der := []byte(nil)
	if b, _ := pem.Decode([]byte(s)); b != nil {
		der = b.Bytes
	} else if d, err := base64.StdEncoding.DecodeString(s); err == nil {
		der = d
	} else {
		return nil, errors.New("公钥不是 PEM 或 base64 格式")
	}
	k, err := smx509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("公钥无法解析：%w", err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errors.New("公钥不是 SM2 公钥")
	}
	return pub, nil
}

func derBase64(pub *ecdsa.PublicKey) string {
	der, _ := smx509.MarshalPKIXPublicKey(pub)
	return base64.StdEncoding.EncodeToString(der)
}

// Trailer is the seal a PDF carries on its last line, after %%EOF:
//
//	%ZHITONG-SEAL <base64 of this as JSON>
//
// SM3 is the digest of every byte before that line; Sig its SM2 signature;
// PubKey the signer's public key (base64 DER), to be checked against the
// issuer's (the database, or a key file).
type Trailer struct {
	Code   string `json:"code"`
	Number string `json:"number"`
	Issuer string `json:"issuer"` // the organisation's region code
	Name   string `json:"issuer_name"`
	SM3    string `json:"sm3"`
	Sig    string `json:"sig"`
	PubKey string `json:"pubkey"`
}

const trailerMark = "%ZHITONG-SEAL "

// sealPDF appends the trailer sealing pdf with key.
func sealPDF(pdf []byte, key *sm2.PrivateKey, t Trailer) ([]byte, Trailer, error) {
	body := append([]byte(nil), pdf...)
	if len(body) > 0 && body[len(body)-1] != '\n' {
		body = append(body, '\n')
	}
	var err error
	if t.SM3, t.Sig, err = sign(key, body); err != nil {
		return nil, t, err
	}
	t.PubKey = derBase64(&key.PublicKey)
	j, err := json.Marshal(t)
	if err != nil {
		return nil, t, err
	}
	out := append(body, trailerMark...)
	out = append(out, base64.StdEncoding.EncodeToString(j)...)
	return append(out, '\n'), t, nil
}

// ErrNoSeal says a file carries no seal.
var ErrNoSeal = errors.New("文件末尾没有民意直通电子印章（%ZHITONG-SEAL），不是本系统签发的公文，或已被改动")

// OpenPDF splits a sealed PDF into the signed bytes and its trailer, and
// checks the signature against the trailer's public key. It does not say
// whose key that is: CheckKey does.
func OpenPDF(file []byte) (Trailer, error) {
	var t Trailer
	end := bytes.TrimRight(file, "\r\n")
	i := bytes.LastIndex(end, []byte("\n"+trailerMark))
	if i < 0 {
		return t, ErrNoSeal
	}
	body, line := file[:i+1], end[i+1+len(trailerMark):]
	j, err := base64.StdEncoding.DecodeString(string(line))
	if err != nil || json.Unmarshal(j, &t) != nil {
		return t, errors.New("电子印章已损坏，无法读取")
	}
	pub, err := ParsePublicPEM(t.PubKey)
	if err != nil {
		return t, fmt.Errorf("电子印章中的公钥无效：%w", err)
	}
	if Digest(body) != t.SM3 {
		return t, fmt.Errorf("文件内容与电子印章不符：文件在签发后被改动过（SM3 摘要不一致）")
	}
	if !checkSig(pub, t.SM3, t.Sig) {
		return t, errors.New("电子印章的签名无效：签名与摘要不符")
	}
	return t, nil
}

// CheckKey checks that the trailer was signed with pub (the issuer's key).
func CheckKey(t Trailer, pub *ecdsa.PublicKey) error {
	if t.PubKey != derBase64(pub) {
		return fmt.Errorf("签名所用的密钥不是发文机关（%s）的公钥：文件不是该机关签发的", t.Name)
	}
	return nil
}
