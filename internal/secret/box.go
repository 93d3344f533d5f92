// Package secret keeps secrets secret: AES-256-GCM sealing of credentials
// at rest, the key that does it, and hashes of API keys and passwords.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// version leads every sealed value, so the format can change later.
const version byte = 1

// Box encrypts small secrets (connection credentials, webhook secrets).
type Box struct{ aead cipher.AEAD }

// NewBox makes a Box from a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce: version ‖ nonce ‖ ciphertext.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{version}, nonce...)
	return b.aead.Seal(out, nonce, plaintext, []byte{version}), nil
}

// ErrOpen means a sealed value was tampered with or sealed under another key.
var ErrOpen = errors.New("cannot decrypt: wrong AFFSYNC_SECRET_KEY or key file, or the data was altered")

// Open decrypts what Seal made.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n+b.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte{version})
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// LoadKey finds the 32-byte key: env (AFFSYNC_SECRET_KEY's value, base64 or
// hex) wins; else keyFile is read, or created (0600, random) when create is
// set and it does not exist yet.
func LoadKey(env, keyFile string, create bool) ([]byte, error) {
	if env != "" {
		return decodeKey(strings.TrimSpace(env), "AFFSYNC_SECRET_KEY")
	}
	if keyFile == "" {
		return nil, errors.New("no secret key: set AFFSYNC_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32)")
	}
	raw, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) && create {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadKey("", keyFile, false) // another process made it first
		}
		if err != nil {
			return nil, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("write key file: %w", err)
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	return decodeKey(strings.TrimSpace(string(raw)), keyFile)
}

func decodeKey(s, from string) ([]byte, error) {
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.RawURLEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, fmt.Errorf("%s must hold 32 bytes in base64 or hex (openssl rand -base64 32)", from)
}
