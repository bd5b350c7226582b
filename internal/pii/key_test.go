package pii

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unsetKeyEnv clears ZHITONG_KEY for one test and restores it afterwards.
func unsetKeyEnv(t *testing.T) {
	t.Helper()
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
}

// loadKey reads the key, creating the file when there is none: the two
// halves keys.Open uses (it decides whether creating is allowed).
func loadKey(path string) (key []byte, created bool, err error) {
	key, _, err = ReadKey(KeyEnv, path)
	if !errors.Is(err, ErrNoKey) {
		return key, false, err
	}
	key, err = CreateKeyFile(path)
	return key, err == nil, err
}

func TestLoadKeyCreatesThenReads(t *testing.T) {
	unsetKeyEnv(t)
	dir := filepath.Join(t.TempDir(), "state", "keys")
	path := filepath.Join(dir, "master.key")

	key, created, err := loadKey(path)
	if err != nil {
		t.Fatalf("first LoadKey: %v", err)
	}
	if !created {
		t.Error("first LoadKey: created = false, want true")
	}
	if len(key) != KeySize {
		t.Fatalf("key length = %d, want %d", len(key), KeySize)
	}
	if bytes.Equal(key, make([]byte, KeySize)) {
		t.Error("created key is all zeros")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("key file mode = %o, want 600", m)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := di.Mode().Perm(); m != 0o700 {
		t.Errorf("key directory mode = %o, want 700", m)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != hex.EncodeToString(key) {
		t.Errorf("key file holds %q, want hex of returned key", got)
	}

	again, created, err := loadKey(path)
	if err != nil {
		t.Fatalf("second LoadKey: %v", err)
	}
	if created {
		t.Error("second LoadKey: created = true, want false")
	}
	if !bytes.Equal(again, key) {
		t.Error("second LoadKey returned a different key")
	}

	// A second installation must not get the same key.
	other, _, err := loadKey(filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, key) {
		t.Error("two fresh key files hold the same key")
	}
}

func TestLoadKeyFile(t *testing.T) {
	unsetKeyEnv(t)
	want := bytes.Repeat([]byte{0xab}, KeySize)
	tests := []struct {
		name    string
		content string
		wantErr bool
	}{
		{"hex", hex.EncodeToString(want), false},
		{"trailing newline", hex.EncodeToString(want) + "\n", false},
		{"upper case", strings.ToUpper(hex.EncodeToString(want)) + "\r\n", false},
		{"empty", "", true},
		{"too short", hex.EncodeToString(want[:16]), true},
		{"too long", hex.EncodeToString(want) + "00", true},
		{"not hex", strings.Repeat("zz", KeySize), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			key, created, err := loadKey(path)
			if created {
				t.Error("created = true for an existing file")
			}
			if tt.wantErr {
				if err == nil {
					t.Fatalf("LoadKey = nil error, want error")
				}
				if strings.Contains(err.Error(), tt.content) && tt.content != "" {
					t.Errorf("error %q quotes the key file content", err)
				}
				b, _ := os.ReadFile(path)
				if string(b) != tt.content {
					t.Error("LoadKey modified an invalid key file")
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadKey: %v", err)
			}
			if !bytes.Equal(key, want) {
				t.Errorf("key = %x, want %x", key, want)
			}
		})
	}
}

func TestLoadKeyEnv(t *testing.T) {
	want := bytes.Repeat([]byte{0x5a}, KeySize)
	tests := []struct {
		name    string
		env     string
		wantErr bool
	}{
		{"valid", hex.EncodeToString(want), false},
		{"surrounding space", " " + hex.EncodeToString(want) + "\n", false},
		{"empty", "", true},
		{"too short", hex.EncodeToString(want[:31]), true},
		{"not hex", strings.Repeat("g", 2*KeySize), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(KeyEnv, tt.env)
			path := filepath.Join(t.TempDir(), "sub", "master.key")
			key, created, err := loadKey(path)
			if created {
				t.Error("created = true with ZHITONG_KEY set")
			}
			if _, serr := os.Stat(path); serr == nil {
				t.Error("key file was created although ZHITONG_KEY is set")
			}
			if tt.wantErr {
				if err == nil {
					t.Fatal("LoadKey = nil error, want error")
				}
				if !strings.Contains(err.Error(), KeyEnv) {
					t.Errorf("error %q does not name %s", err, KeyEnv)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadKey: %v", err)
			}
			if !bytes.Equal(key, want) {
				t.Errorf("key = %x, want %x", key, want)
			}
		})
	}
}

func TestLoadKeyEnvOverridesFile(t *testing.T) {
	fileKey := bytes.Repeat([]byte{1}, KeySize)
	envKey := bytes.Repeat([]byte{2}, KeySize)
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(hex.EncodeToString(fileKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(KeyEnv, hex.EncodeToString(envKey))
	key, _, err := loadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key, envKey) {
		t.Errorf("key = %x, want the ZHITONG_KEY value %x", key, envKey)
	}
}

func TestLoadKeyUnreadablePath(t *testing.T) {
	unsetKeyEnv(t)
	// The key path is a directory: neither readable as a key nor creatable.
	dir := t.TempDir()
	if _, _, err := loadKey(dir); err == nil {
		t.Error("loadKey(directory) = nil error, want error")
	}
	// The parent is a file, so the directory cannot be created.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadKey(filepath.Join(file, "master.key")); err == nil {
		t.Error("LoadKey under a regular file = nil error, want error")
	}
}
