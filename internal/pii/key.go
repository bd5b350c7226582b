// Package pii protects citizens' personal data: it seals values for storage
// with SM4-GCM, derives blind indexes with HMAC-SM3 so sealed columns can
// still be searched by exact value, validates phone and ID card numbers, and
// masks values for display.
package pii

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyEnv names the environment variable that overrides the key file, so
// deployments with a secret manager never need the key on disk.
const KeyEnv = "ZHITONG_KEY"

// OldKeyEnv names the variable holding the previous master key while a key
// rotation runs (docs/operations.md).
const OldKeyEnv = "ZHITONG_OLD_KEY"

// ErrNoKey is returned by ReadKey when neither the variable nor the file
// holds a key.
var ErrNoKey = errors.New("pii: no key")

// ReadKey returns the master key from the environment variable env (when
// set) or else from the hex key file at path (when path is not ""). It never
// creates anything: without either it returns ErrNoKey. from names where
// the key came from, for messages.
func ReadKey(env, path string) (key []byte, from string, err error) {
	if v, ok := os.LookupEnv(env); ok {
		// A set but empty variable is almost always a failed secret
		// injection: an error, never a fall-back to the file.
		key, err := decodeKey(v)
		if err != nil {
			return nil, env, fmt.Errorf("%s: %w", env, err)
		}
		return key, env, nil
	}
	if path == "" {
		return nil, "", ErrNoKey
	}
	key, err = readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, ErrNoKey
	}
	return key, path, err
}

// CreateKeyFile writes a fresh random key to path (mode 0600), failing if
// the file exists.
func CreateKeyFile(path string) ([]byte, error) { return createKeyFile(path) }

// KeySize is the length of the master key in bytes.
const KeySize = 32

func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	key, err := decodeKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	key := make([]byte, KeySize)
	rand.Read(key) // never fails since Go 1.24; it crashes the process instead
	// O_EXCL so that a racing process can never overwrite a key that may
	// already have sealed data.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A half-written key file would fail every later start; better to
		// leave nothing and let the next start try again.
		os.Remove(path)
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return key, nil
}

// decodeKey deliberately does not wrap hex errors: they quote the offending
// character, and error messages end up in logs.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) != 2*KeySize {
		return nil, fmt.Errorf("key must be %d hex characters (%d bytes), got %d characters", 2*KeySize, KeySize, len(s))
	}
	key, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("key is not valid hex")
	}
	return key, nil
}
