package secret

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBox(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	box, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal([]byte("s3cr3t"))
	if err != nil || bytes.Contains(sealed, []byte("s3cr3t")) {
		t.Fatalf("seal: %v", err)
	}
	again, _ := box.Seal([]byte("s3cr3t"))
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of one secret are equal: nonce reused")
	}
	if plain, err := box.Open(sealed); err != nil || string(plain) != "s3cr3t" {
		t.Fatalf("open: %q %v", plain, err)
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("wrong key: %v", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := box.Open(tampered); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := box.Open([]byte{1, 2}); !errors.Is(err, ErrOpen) {
		t.Fatalf("short: %v", err)
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "db.key")
	k1, err := LoadKey("", file, true)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	st, _ := os.Stat(file)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
	k2, err := LoadKey("", file, true)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: %v", err)
	}
	if _, err := LoadKey("", filepath.Join(dir, "none.key"), false); err == nil {
		t.Fatal("missing key file without create")
	}
	hexKey := strings.Repeat("ab", 32)
	if k, err := LoadKey(hexKey, file, true); err != nil || hex.EncodeToString(k) != hexKey {
		t.Fatalf("env hex: %v", err)
	}
	if k, err := LoadKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "", false); err != nil || string(k) != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("env base64: %v", err)
	}
	if _, err := LoadKey("too-short", "", false); err == nil || !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
		t.Fatalf("bad env: %v", err)
	}
	if _, err := LoadKey("", "", false); err == nil || !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
		t.Fatalf("no key: %v", err)
	}
}

func TestHashes(t *testing.T) {
	sec, prefix, hash, err := NewAPIKey()
	if err != nil || len(sec) != 44 || !strings.HasPrefix(sec, "afs_") || prefix != sec[:12] || hash != HashAPIKey(sec) {
		t.Fatalf("NewAPIKey = %q %q %q %v", sec, prefix, hash, err)
	}
	sec2, _, _, _ := NewAPIKey()
	if sec == sec2 {
		t.Fatal("two keys are equal")
	}
	ph, err := HashPassword("correct horse")
	if err != nil || !strings.HasPrefix(ph, "$argon2id$v=19$") {
		t.Fatalf("HashPassword = %q %v", ph, err)
	}
	if ok, err := CheckPassword(ph, "correct horse"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(ph, "wrong"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := CheckPassword("$2a$bcrypt", "x"); err == nil {
		t.Fatal("foreign hash accepted")
	}
	if len(RandomToken(32)) != 43 {
		t.Fatal("RandomToken length")
	}
}
