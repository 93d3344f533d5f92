package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fixtureKey is the key every testdata/keys file holds, in its own form.
var fixtureKey, _ = hex.DecodeString("e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")

func TestLoadKeyFromEnv(t *testing.T) {
	garbageFile := filepath.Join("testdata", "keys", "garbage.txt")
	tests := []struct {
		name, env string
		ok        bool
	}{
		{"hex", hex.EncodeToString(fixtureKey), true},
		{"hex upper", strings.ToUpper(hex.EncodeToString(fixtureKey)), true},
		{"base64", base64.StdEncoding.EncodeToString(fixtureKey), true},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(fixtureKey), true},
		{"base64 URL", base64.URLEncoding.EncodeToString(fixtureKey), true},
		{"base64 URL unpadded", base64.RawURLEncoding.EncodeToString(fixtureKey), true},
		{"surrounding spaces", "  " + base64.StdEncoding.EncodeToString(fixtureKey) + "\n", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(fixtureKey[:16]), false},
		{"33 bytes", hex.EncodeToString(append(bytes.Clone(fixtureKey), 0)), false},
		{"a passphrase", "correct horse battery staple", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The env value wins over a key file, even a broken one.
			key, err := LoadKey(tc.env, garbageFile, false)
			if tc.ok {
				if err != nil || !bytes.Equal(key, fixtureKey) {
					t.Fatalf("LoadKey(%q) = %x, %v; want %x", tc.env, key, err, fixtureKey)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadKey(%q) accepted", tc.env)
			}
			if !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
				t.Errorf("error %q does not name AFFSYNC_SECRET_KEY", err)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tc.env)) {
				t.Errorf("error %q repeats the key material", err)
			}
		})
	}
}

func TestLoadKeyFromFile(t *testing.T) {
	tests := []struct {
		file string
		ok   bool
	}{
		{"hex.txt", true},
		{"hex-upper.txt", true},
		{"base64.txt", true},
		{"base64-raw.txt", true},
		{"base64url.txt", true},
		{"crlf.txt", true},
		{"short.txt", false},
		{"long.txt", false},
		{"empty.txt", false},
		{"garbage.txt", false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "keys", tc.file)
			// create is set: an existing file, good or bad, is never replaced.
			key, err := LoadKey("", path, true)
			if tc.ok {
				if err != nil || !bytes.Equal(key, fixtureKey) {
					t.Fatalf("LoadKey(%s) = %x, %v; want %x", tc.file, key, err, fixtureKey)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadKey(%s) accepted", tc.file)
			}
			raw, _ := os.ReadFile(path)
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
				t.Errorf("error %q should name the file and AFFSYNC_SECRET_KEY", err)
			}
			if s := strings.TrimSpace(string(raw)); s != "" && strings.Contains(err.Error(), s) {
				t.Errorf("error %q repeats the file's content", err)
			}
		})
	}
}

func TestLoadKeyCreatesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "affsync.db.key")
	key, err := LoadKey("", path, true)
	if err != nil || len(key) != KeySize {
		t.Fatalf("create: %x, %v", key, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if stored, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw))); err != nil || !bytes.Equal(stored, key) {
		t.Errorf("key file holds %q, not the returned key in base64", raw)
	}
	again, err := LoadKey("", path, true)
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("second load = %x, %v; want the created key", again, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key file (no temporary left)", len(entries))
	}
}

func TestLoadKeyCreateRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "affsync.db.key")
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = LoadKey("", path, true) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) {
			t.Errorf("loader %d got %x, %v; want the one key %x", i, keys[i], errs[i], keys[0])
		}
	}
}

func TestLoadKeyMissing(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file string
		create     bool
		hint       bool // the error says to set AFFSYNC_SECRET_KEY
	}{
		{"no env and no file", "", true, true},
		{"file missing, create off", filepath.Join(dir, "none.key"), false, true},
		{"directory missing", filepath.Join(dir, "no", "such", "dir.key"), true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := LoadKey("", tc.file, tc.create)
			if err == nil {
				t.Fatalf("LoadKey = %x, want an error", key)
			}
			if tc.hint && !strings.Contains(err.Error(), "AFFSYNC_SECRET_KEY") {
				t.Errorf("error %q does not say to set AFFSYNC_SECRET_KEY", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.key")); !os.IsNotExist(err) {
		t.Error("LoadKey with create off made a key file")
	}
}
