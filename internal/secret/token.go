package secret

import (
	"crypto/rand"
	"encoding/base64"
)

// RandomToken makes nbytes random bytes in unpadded URL-safe base64, for
// session and CSRF tokens and generated passwords.
func RandomToken(nbytes int) string {
	if nbytes <= 0 {
		return ""
	}
	b := make([]byte, nbytes)
	// crypto/rand.Read never returns an error (it aborts the program when
	// the system has no randomness), so there is none to hand on.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
