package pii

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func testKey(b byte) []byte {
	return bytes.Repeat([]byte{b}, KeySize)
}

func newTestSealer(t testing.TB, b byte) *Sealer {
	t.Helper()
	s, err := NewSealer(testKey(b))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSealerKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer(%d-byte key) = nil error, want error", n)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	s := newTestSealer(t, 1)
	tests := []struct {
		name, plain, aad string
	}{
		{"phone", "13812341234", "case:phone"},
		{"chinese name", "欧阳娜娜", "case:name"},
		{"address", "江西省赣州市信丰县嘉定镇人民路1号", "case:address"},
		{"empty aad", "x", ""},
		{"long", strings.Repeat("诉求内容", 1000), "case:body"},
		{"nul bytes", "a\x00b", "case:name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := s.Seal(tt.plain, tt.aad)
			if !strings.HasPrefix(sealed, "v1:") {
				t.Errorf("Seal = %q, want v1: prefix", sealed)
			}
			if strings.Trim(strings.TrimPrefix(sealed, "v1:"), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Errorf("Seal = %q, want only base64url characters after prefix", sealed)
			}
			got, err := s.Open(sealed, tt.aad)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got != tt.plain {
				t.Errorf("Open = %q, want %q", got, tt.plain)
			}
		})
	}
}

func TestSealEmpty(t *testing.T) {
	s := newTestSealer(t, 1)
	if got := s.Seal("", "case:name"); got != "" {
		t.Errorf(`Seal("") = %q, want ""`, got)
	}
	if got, err := s.Open("", "case:name"); got != "" || err != nil {
		t.Errorf(`Open("") = %q, %v; want "", nil`, got, err)
	}
}

func TestOpenRejects(t *testing.T) {
	s := newTestSealer(t, 1)
	other := newTestSealer(t, 2)
	sealed := s.Seal("13812341234", "case:phone")
	body := strings.TrimPrefix(sealed, "v1:")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 1
		return "v1:" + base64.RawURLEncoding.EncodeToString(b)
	}
	tests := []struct {
		name, sealed, aad string
		sealer            *Sealer
	}{
		{"wrong aad", sealed, "case:name", s},
		{"empty aad", sealed, "", s},
		{"wrong key", sealed, "case:phone", other},
		{"nonce flipped", flip(0), "case:phone", s},
		{"ciphertext flipped", flip(nonceSize), "case:phone", s},
		{"tag flipped", flip(len(raw) - 1), "case:phone", s},
		{"truncated", sealed[:len(sealed)-1], "case:phone", s},
		{"extended", sealed + "A", "case:phone", s},
		{"no prefix", body, "case:phone", s},
		{"wrong version", "v2:" + body, "case:phone", s},
		{"not base64", "v1:!!!!", "case:phone", s},
		{"trailing padding", sealed + "==", "case:phone", s},
		{"too short", "v1:" + base64.RawURLEncoding.EncodeToString(raw[:nonceSize+15]), "case:phone", s},
		{"prefix only", "v1:", "case:phone", s},
		{"plaintext", "13812341234", "case:phone", s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sealer.Open(tt.sealed, tt.aad)
			if err == nil {
				t.Fatalf("Open(%q, %q) = %q, nil; want error", tt.sealed, tt.aad, got)
			}
			if got != "" {
				t.Errorf("Open returned %q alongside error, want empty", got)
			}
		})
	}
}

func TestSealNoncesDiffer(t *testing.T) {
	s := newTestSealer(t, 1)
	const n = 200
	seen := make(map[string]bool, n)
	nonces := make(map[string]bool, n)
	for range n {
		sealed := s.Seal("13812341234", "case:phone")
		if seen[sealed] {
			t.Fatalf("Seal produced the same output twice: %q", sealed)
		}
		seen[sealed] = true
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(raw[:nonceSize])
		if nonces[nonce] {
			t.Fatalf("nonce reused: %x", nonce)
		}
		nonces[nonce] = true
	}
}

func TestSealHidesPlaintext(t *testing.T) {
	s := newTestSealer(t, 1)
	for _, plain := range []string{"13812341234", "360728199001011236", "张三"} {
		t.Run(plain, func(t *testing.T) {
			for range 50 {
				sealed := s.Seal(plain, "case:x")
				raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(raw, []byte(plain)) {
					t.Fatalf("sealed bytes contain the plaintext %q", plain)
				}
				// Any 6-character run of the plaintext showing up in the
				// encoded form would mean it leaks; chance of a random
				// match is negligible.
				pr := []rune(plain)
				for i := 0; i+6 <= len(pr); i++ {
					if sub := string(pr[i : i+6]); strings.Contains(sealed, sub) {
						t.Fatalf("sealed %q contains plaintext run %q", sealed, sub)
					}
				}
				if strings.Contains(sealed, plain) {
					t.Fatalf("sealed %q contains plaintext %q", sealed, plain)
				}
			}
		})
	}
}

func TestBlindIndex(t *testing.T) {
	a := newTestSealer(t, 1)
	a2 := newTestSealer(t, 1)
	b := newTestSealer(t, 2)

	idx := a.BlindIndex("phone", "13812341234")
	if len(idx) != 64 || strings.Trim(idx, "0123456789abcdef") != "" {
		t.Fatalf("BlindIndex = %q, want 64 lower-case hex characters", idx)
	}
	if strings.Contains(idx, "13812341234") {
		t.Errorf("BlindIndex %q contains the value", idx)
	}
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"same sealer again", a.BlindIndex("phone", "13812341234"), true},
		{"same master key, new sealer", a2.BlindIndex("phone", "13812341234"), true},
		{"different master key", b.BlindIndex("phone", "13812341234"), false},
		{"different value", a.BlindIndex("phone", "13812341235"), false},
		{"different kind", a.BlindIndex("idcard", "13812341234"), false},
		{"kind/value boundary", a.BlindIndex("phone1", "3812341234"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.other == idx; got != tt.same {
				t.Errorf("index equal = %v, want %v (%s vs %s)", got, tt.same, tt.other, idx)
			}
		})
	}
}

// The blind-index key must be independent of the sealing key: an index must
// not equal a plain HMAC under the master key or the SM4 sub-key.
func TestSubKeysIndependent(t *testing.T) {
	master := testKey(7)
	seal := derive(master, labelSeal)
	index := derive(master, labelIndex)
	if bytes.Equal(seal, index) {
		t.Fatal("sealing and blind-index sub-keys are equal")
	}
	if bytes.Equal(seal[:16], master[:16]) || bytes.Equal(index, master) {
		t.Fatal("a sub-key equals the master key")
	}
}

func FuzzOpen(f *testing.F) {
	s := newTestSealer(f, 1)
	f.Add(s.Seal("13812341234", "case:phone"), "case:phone")
	f.Add(s.Seal("张三", "case:name"), "case:phone")
	f.Add("", "")
	f.Add("v1:", "case:name")
	f.Add("v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("v1:====", "x")
	f.Add("\xff\xfe", "\x00")
	f.Fuzz(func(t *testing.T, sealed, aad string) {
		got, err := s.Open(sealed, aad)
		if err != nil && got != "" {
			t.Errorf("Open returned %q alongside error", got)
		}
		// Anything fuzzed as plaintext must survive a round trip too.
		back, err := s.Open(s.Seal(sealed, aad), aad)
		if err != nil || back != sealed {
			t.Errorf("round trip of %q = %q, %v", sealed, back, err)
		}
	})
}

// TestStoredFormatStable pins the key derivation and the sealed format:
// changing either would make every stored value unreadable. The values were
// cross-checked with OpenSSL (HMAC-SM3) and Python cryptography (SM4-GCM).
func TestStoredFormatStable(t *testing.T) {
	s := newTestSealer(t, 0x42)
	tests := []struct {
		name, got, want string
	}{
		{"blind index", s.BlindIndex("phone", "13812341234"), "93abe868eb9a96ee91d3f66fe544196ba7341e35f2abd23c9c6e844f7c633e42"},
	}
	got, err := s.Open("v1:N_-Nsr6-EbmInZRRnCFkWbidOSFcAlo1TZB7JUju__3yMpi2bJU6", "case:phone")
	if err != nil {
		t.Fatalf("opening a value sealed by an earlier build: %v", err)
	}
	tests = append(tests, struct{ name, got, want string }{"sealed value", got, "13812341234"})
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// TestRotatingSealer: during a rotation values are sealed under the new
// key and opened under either; look-ups get both keys' indexes; the check
// value tells keys apart without revealing them.
func TestRotatingSealer(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	old, _ := NewSealer(oldKey)
	rot, err := NewRotatingSealer(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if !rot.Rotating() || old.Rotating() {
		t.Fatal("Rotating")
	}
	before := old.Seal("13907971234", "case:phone")
	if got, err := rot.Open(before, "case:phone"); err != nil || got != "13907971234" {
		t.Fatalf("old value under the rotating sealer: %q %v", got, err)
	}
	if rot.OpensWithCurrent(before, "case:phone") {
		t.Error("an old value opens with the current key")
	}
	after := rot.Seal("13907971234", "case:phone")
	if !rot.OpensWithCurrent(after, "case:phone") {
		t.Error("a new value does not open with the current key")
	}
	if _, err := old.Open(after, "case:phone"); err == nil {
		t.Error("a value sealed during the rotation opens under the old key: it was sealed under the old one")
	}
	idx := rot.BlindIndexes("phone", "13907971234")
	if len(idx) != 2 || idx[0] != rot.BlindIndex("phone", "13907971234") || idx[1] != old.BlindIndex("phone", "13907971234") {
		t.Errorf("BlindIndexes = %v", idx)
	}
	if CheckValue(oldKey) == CheckValue(newKey) || CheckValue(oldKey) != CheckValue(bytes.Clone(oldKey)) || len(CheckValue(oldKey)) != 64 {
		t.Error("CheckValue")
	}
	if strings.Contains(CheckValue(oldKey), hex.EncodeToString(oldKey)[:16]) {
		t.Error("the check value shows the key")
	}
}
