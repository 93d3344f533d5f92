package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

const (
	apiKeyPrefix  = "afs_"
	apiKeyChars   = 40 // base62: 40 × log2(62) ≈ 238 bits
	apiKeyShown   = 12 // prefix length shown in lists: "afs_" and 8 characters
	base62        = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	unbiasedBelow = 248 // 4 × 62: bytes at or above it are dropped, so c%62 has no bias
)

// NewAPIKey makes an API key "afs_" + 40 base62 characters from crypto/rand.
// Only hash is stored; prefix (its first 12 characters) is shown in lists
// so that a user can tell keys apart; secret is shown once.
func NewAPIKey() (secret, prefix, hash string, err error) {
	key := make([]byte, 0, len(apiKeyPrefix)+apiKeyChars)
	key = append(key, apiKeyPrefix...)
	buf := make([]byte, apiKeyChars+apiKeyChars/4)
	for len(key) < cap(key) {
		if _, err := rand.Read(buf); err != nil {
			return "", "", "", fmt.Errorf("new API key: %w", err)
		}
		for _, c := range buf {
			if c < unbiasedBelow && len(key) < cap(key) {
				key = append(key, base62[c%62])
			}
		}
	}
	secret = string(key)
	return secret, secret[:apiKeyShown], HashAPIKey(secret), nil
}

// HashAPIKey is the hex SHA-256 of an API key. API keys are high-entropy
// random strings, not chosen by people, so there is nothing to guess and a
// fast hash is right (a slow one like argon2id would only slow every
// request); passwords get argon2id instead.
func HashAPIKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
