// Package secret keeps secrets secret: AES-256-GCM sealing of credentials
// at rest, the key that does it, hashes of API keys and passwords, and
// random tokens.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeySize is the length of a Box key: AES-256.
const KeySize = 32

// version leads every sealed value, so that the format can change later
// while old values still open. It is also authenticated as associated data.
const version byte = 1

// ErrOpen means a sealed value cannot be decrypted: it was sealed under
// another key, altered, or is not a sealed value at all. The returned
// errors wrap it with which of these it is, where that can be told.
var ErrOpen = errors.New("cannot decrypt secret: wrong AFFSYNC_SECRET_KEY or key file, or the data was altered")

// Box encrypts small secrets (connection credentials, webhook secrets)
// with AES-256-GCM. It is safe for concurrent use.
type Box struct{ aead cipher.AEAD }

// NewBox makes a Box from a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce. The result is
// version ‖ nonce ‖ ciphertext+tag; sealing one plaintext twice gives two
// different values.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	out := make([]byte, 0, 1+len(nonce)+len(plaintext)+b.aead.Overhead())
	out = append(append(out, version), nonce...)
	return b.aead.Seal(out, nonce, plaintext, []byte{version}), nil
}

// Open decrypts what Seal made; any failure wraps ErrOpen.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	switch {
	case len(sealed) == 0:
		return nil, fmt.Errorf("%w (empty value)", ErrOpen)
	case sealed[0] != version:
		return nil, fmt.Errorf("%w (unknown format version %d)", ErrOpen, sealed[0])
	case len(sealed) < 1+n+b.aead.Overhead():
		return nil, fmt.Errorf("%w (value too short: %d bytes)", ErrOpen, len(sealed))
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], sealed[:1])
	if err != nil {
		return nil, fmt.Errorf("%w (authentication failed)", ErrOpen)
	}
	return plain, nil
}
