package secret

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// keyHelp tells a user how to provide a key; it goes into every key error.
const keyHelp = "set AFFSYNC_SECRET_KEY to 32 random bytes in base64 or hex (openssl rand -base64 32)"

// LoadKey finds the 32-byte key that seals secrets. env, the value of
// AFFSYNC_SECRET_KEY (base64 or hex), wins; else keyFile is read; else,
// when create is set and keyFile does not exist, it is created with mode
// 0600 holding 32 random bytes in base64. Errors never contain key material.
func LoadKey(env, keyFile string, create bool) ([]byte, error) {
	if env = strings.TrimSpace(env); env != "" {
		key, err := decodeKey(env)
		if err != nil {
			return nil, fmt.Errorf("AFFSYNC_SECRET_KEY: %w", err)
		}
		return key, nil
	}
	if keyFile == "" {
		return nil, errors.New("no secret key: " + keyHelp)
	}
	raw, err := os.ReadFile(keyFile)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		return createKeyFile(keyFile)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no secret key: key file %s does not exist; %s", keyFile, keyHelp)
	case err != nil:
		return nil, fmt.Errorf("read key file: %w", err)
	}
	key, err := decodeKey(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", keyFile, err)
	}
	return key, nil
}

// decodeKey reads 32 bytes written in hex (64 characters) or base64
// (standard or URL alphabet, padded or not). The lengths differ, so no
// text is both.
func decodeKey(s string) ([]byte, error) {
	if k, err := hex.DecodeString(s); err == nil && len(k) == KeySize {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, errors.New("not 32 bytes in base64 or hex; " + keyHelp)
}

// createKeyFile writes a new random key to a temporary file and links it
// into place, so that the key file appears complete or not at all, and two
// processes starting together end up with the same key.
func createKeyFile(keyFile string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new secret key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(keyFile), ".affsync-key-*")
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp already makes the file 0600; Chmod states it whatever the umask.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create key file: %w", err)
	}
	if _, err := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	err = os.Link(tmp.Name(), keyFile)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// Some filesystems have no hard links: create the file exclusively instead.
		err = writeExclusive(keyFile, key)
	}
	if errors.Is(err, fs.ErrExist) {
		return LoadKey("", keyFile, false) // another process made it first: use theirs
	}
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	return key, nil
}

// writeExclusive writes key to a new file of mode 0600, failing with
// fs.ErrExist when the file is there already.
func writeExclusive(keyFile string, key []byte) error {
	f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
