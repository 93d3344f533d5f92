package secret

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBoxRoundTrip(t *testing.T) {
	box := mustBox(t, bytes.Repeat([]byte{7}, KeySize))
	for _, plain := range [][]byte{nil, []byte("x"), []byte("s3cr3t"), bytes.Repeat([]byte{0xff}, 4096)} {
		sealed, err := box.Seal(plain)
		if err != nil {
			t.Fatalf("Seal(%d bytes): %v", len(plain), err)
		}
		if len(plain) > 2 && bytes.Contains(sealed, plain) {
			t.Errorf("Seal(%d bytes) leaves the plaintext visible", len(plain))
		}
		got, err := box.Open(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
	}
}

func TestBoxNonceIsFresh(t *testing.T) {
	box := mustBox(t, bytes.Repeat([]byte{7}, KeySize))
	seen := map[string]bool{}
	for range 100 {
		sealed, err := box.Seal([]byte("same"))
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(sealed)] {
			t.Fatal("one plaintext sealed twice to the same value: nonce reused")
		}
		seen[string(sealed)] = true
	}
}

// TestBoxOpenFixture opens a value sealed by an independent implementation
// (testdata/make_fixtures.py), which pins the stored format.
func TestBoxOpenFixture(t *testing.T) {
	key, plain, sealed := readSealedFixture(t)
	got, err := mustBox(t, key).Open(sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open(fixture) = %q, %v; want %q", got, err, plain)
	}
}

func TestBoxOpenFailures(t *testing.T) {
	key, _, sealed := readSealedFixture(t)
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	otherKey := bytes.Clone(key)
	otherKey[0] ^= 0x80
	tests := []struct {
		name   string
		key    []byte
		sealed []byte
		detail string
	}{
		{"wrong key", otherKey, sealed, "authentication failed"},
		{"version changed", key, flip(0), "unknown format version"},
		{"nonce tampered", key, flip(1), "authentication failed"},
		{"ciphertext tampered", key, flip(20), "authentication failed"},
		{"tag tampered", key, flip(len(sealed) - 1), "authentication failed"},
		{"truncated", key, sealed[:len(sealed)-1], "authentication failed"},
		{"extended", key, append(bytes.Clone(sealed), 0), "authentication failed"},
		{"too short", key, sealed[:20], "too short"},
		{"empty", key, nil, "empty"},
		{"not sealed", key, []byte("plain text credentials"), "unknown format version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mustBox(t, tc.key).Open(tc.sealed)
			if !errors.Is(err, ErrOpen) || got != nil {
				t.Fatalf("Open = %q, %v; want ErrOpen", got, err)
			}
			if !strings.Contains(err.Error(), tc.detail) || !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
				t.Errorf("error %q should say %q and name AFFSYNC_SECRET_KEY", err, tc.detail)
			}
		})
	}
}

func TestNewBoxKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewBox(make([]byte, n)); err == nil {
			t.Errorf("NewBox accepted a %d-byte key", n)
		}
	}
}

func mustBox(t *testing.T, key []byte) *Box {
	t.Helper()
	box, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// readSealedFixture reads testdata/sealed.txt: key in hex, plaintext and
// sealed value in base64, one per line after a comment.
func readSealedFixture(t *testing.T) (key, plain, sealed []byte) {
	t.Helper()
	lines := fixtureLines(t, "sealed.txt")
	if len(lines) != 3 {
		t.Fatalf("sealed.txt: %d lines, want 3", len(lines))
	}
	var errs [3]error
	key, errs[0] = hex.DecodeString(lines[0])
	plain, errs[1] = base64.StdEncoding.DecodeString(lines[1])
	sealed, errs[2] = base64.StdEncoding.DecodeString(lines[2])
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatalf("sealed.txt: %v", err)
	}
	return key, plain, sealed
}

// fixtureLines reads a testdata file without its "#" comment lines; empty
// lines are kept, since an empty password is a case.
func fixtureLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			lines = append(lines, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
