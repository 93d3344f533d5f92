package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, two passes,
// one lane). affsync is self-hosted, often on a small machine, where 64 MiB
// per concurrent login would be a cheap way to exhaust memory.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Bounds on the parameters a stored hash may ask for, so that a corrupted
// or hostile hash cannot make a login allocate gigabytes or spin forever.
const (
	maxArgonMemory = 1024 * 1024 // KiB: 1 GiB
	maxArgonTime   = 64
	minArgonKeyLen = 16
	minArgonSalt   = 8
)

// ErrHashFormat means a stored password hash is not an argon2id PHC string
// this package can check.
var ErrHashFormat = errors.New("not an argon2id password hash")

// HashPassword hashes a password with argon2id and a random salt, in the
// PHC string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword tells whether password matches hash, comparing in constant
// time. A hash it cannot read is an error wrapping ErrHashFormat.
func CheckPassword(hash, password string) (bool, error) {
	p, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(got, p.key) == 1, nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parsePHC(hash string) (phc, error) {
	fields := strings.Split(hash, "$")
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" {
		return phc{}, ErrHashFormat
	}
	if fields[2] != "v="+strconv.Itoa(argon2.Version) {
		return phc{}, fmt.Errorf("%w: version %q", ErrHashFormat, fields[2])
	}
	params := map[string]uint64{}
	for _, kv := range strings.Split(fields[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(value, 10, 32)
		if !ok || err != nil {
			return phc{}, fmt.Errorf("%w: parameter %q", ErrHashFormat, kv)
		}
		params[name] = n
	}
	var p phc
	m, t, threads := params["m"], params["t"], params["p"]
	if len(params) != 3 || m == 0 || m > maxArgonMemory || t == 0 || t > maxArgonTime || threads == 0 || threads > 255 {
		return phc{}, fmt.Errorf("%w: parameters %q out of range", ErrHashFormat, fields[3])
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(threads)
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(fields[4]); err != nil || len(p.salt) < minArgonSalt {
		return phc{}, fmt.Errorf("%w: salt", ErrHashFormat)
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(fields[5]); err != nil || len(p.key) < minArgonKeyLen {
		return phc{}, fmt.Errorf("%w: hash", ErrHashFormat)
	}
	return p, nil
}
