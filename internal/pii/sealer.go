package pii

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Domain-separation labels: each sub-key is bound to one purpose, so a leak
// or misuse of one (say, blind indexes exposed in a report) reveals nothing
// about the other.
const (
	labelSeal  = "zhitong/sm4-gcm/v1"
	labelIndex = "zhitong/blind-index/v1"
)

// sealPrefix versions the stored format so a future key or algorithm change
// can coexist with rows sealed today.
const sealPrefix = "v1:"

const nonceSize = 12

// ErrOpen is returned by Open for any value it cannot decrypt. The causes
// are not distinguished on purpose: a wrong key, a wrong field and tampering
// all look the same to GCM, and guessing among them would mislead.
var ErrOpen = errors.New("pii: cannot open sealed value (wrong key, wrong field, or tampered)")

// Sealer encrypts and blind-indexes personal data under keys derived from
// one master key. During a key rotation (docs/operations.md) it also holds
// the previous master key: values and indexes are written under the
// current key only, and read under either. It is safe for concurrent use.
type Sealer struct {
	aead     cipher.AEAD
	indexKey []byte
	old      *Sealer // the previous key during a rotation, else nil
}

// NewSealer derives the sealing and blind-index keys from a 32-byte master
// key, as returned by ReadKey (commands get it through keys.Open).
func NewSealer(master []byte) (*Sealer, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("pii: master key must be %d bytes, got %d", KeySize, len(master))
	}
	block, err := sm4.NewCipher(derive(master, labelSeal)[:sm4.BlockSize])
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return &Sealer{aead: aead, indexKey: derive(master, labelIndex)}, nil
}

// NewRotatingSealer seals under current and opens values sealed under
// current or previous: what servers run with while `zhitong key rotate`
// re-seals the stored values.
func NewRotatingSealer(current, previous []byte) (*Sealer, error) {
	s, err := NewSealer(current)
	if err != nil {
		return nil, err
	}
	if s.old, err = NewSealer(previous); err != nil {
		return nil, err
	}
	return s, nil
}

// Rotating reports whether the sealer also holds a previous key.
func (s *Sealer) Rotating() bool { return s.old != nil }

// OpensWithCurrent reports whether sealed opens under the current key (so a
// rotation has nothing left to do for it); the empty value does.
func (s *Sealer) OpensWithCurrent(sealed, aad string) bool {
	_, err := s.openOne(sealed, aad)
	return err == nil
}

// labelCheck derives the key's check value: what the database records of
// its key, so a server given another key refuses to start. It reveals
// nothing of the key (HMAC-SM3 of a fixed label under it).
const labelCheck = "zhitong/key-check/v1"

// CheckValue returns the hex check value of a master key.
func CheckValue(master []byte) string {
	return hex.EncodeToString(derive(master, labelCheck))
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sm3.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain for storage in a TEXT column. aad names the field
// (e.g. "case:name") so that a value copied into another column or row kind
// no longer opens. The empty string stays empty so optional fields need no
// special casing and "not provided" remains visible without the key.
func (s *Sealer) Seal(plain, aad string) string {
	if plain == "" {
		return ""
	}
	buf := make([]byte, nonceSize, nonceSize+len(plain)+s.aead.Overhead())
	// A fresh random nonce per value: with GCM, reusing a nonce under one
	// key leaks the XOR of plaintexts and the authentication key. rand.Read
	// cannot fail (Go 1.24+), which is why Seal needs no error result.
	rand.Read(buf)
	buf = s.aead.Seal(buf, buf[:nonceSize], []byte(plain), []byte(aad))
	return sealPrefix + base64.RawURLEncoding.EncodeToString(buf)
}

// Open decrypts a value produced by Seal with the same aad. The empty string
// opens to the empty string, mirroring Seal.
func (s *Sealer) Open(sealed, aad string) (string, error) {
	plain, err := s.openOne(sealed, aad)
	if err != nil && s.old != nil {
		return s.old.openOne(sealed, aad)
	}
	return plain, err
}

func (s *Sealer) openOne(sealed, aad string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < nonceSize+s.aead.Overhead() {
		return "", ErrOpen
	}
	plain, err := s.aead.Open(nil, raw[:nonceSize], raw[nonceSize:], []byte(aad))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// BlindIndex returns a keyed hash of value for exact-match lookup of sealed
// data (e.g. finding a citizen's cases by phone). kind keeps indexes of
// different fields apart, so equal strings in two fields do not match.
// Callers must normalise value first (NormalizePhone, NormalizeIDCard), or
// equivalent spellings will hash differently.
func (s *Sealer) BlindIndex(kind, value string) string {
	return s.index(kind, value)
}

// BlindIndexes returns value's blind index under the current key and,
// during a rotation, under the previous one too: what a look-up must match,
// since stored rows carry either until the rotation is done.
func (s *Sealer) BlindIndexes(kind, value string) []string {
	out := []string{s.index(kind, value)}
	if s.old != nil {
		out = append(out, s.old.index(kind, value))
	}
	return out
}

func (s *Sealer) index(kind, value string) string {
	m := hmac.New(sm3.New, s.indexKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
