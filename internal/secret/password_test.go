package secret

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckPasswordFixtures checks hashes made by an independent argon2id
// implementation (testdata/make_fixtures.py), with other parameters too.
func TestCheckPasswordFixtures(t *testing.T) {
	lines := fixtureLines(t, "password.txt")
	if len(lines) == 0 || len(lines)%2 != 0 {
		t.Fatalf("password.txt: %d lines, want password/hash pairs", len(lines))
	}
	for i := 0; i < len(lines); i += 2 {
		password, hash := lines[i], lines[i+1]
		if ok, err := CheckPassword(hash, password); !ok || err != nil {
			t.Errorf("CheckPassword(%q, %q) = %v, %v; want true", hash, password, ok, err)
		}
		if ok, err := CheckPassword(hash, password+"x"); ok || err != nil {
			t.Errorf("CheckPassword(%q, wrong) = %v, %v; want false", hash, ok, err)
		}
	}
}

func TestHashPassword(t *testing.T) {
	for _, password := range []string{"correct horse", "", "pässwörd 🔑"} {
		hash, err := HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("HashPassword(%q) = %q: not the expected PHC string", password, hash)
		}
		again, _ := HashPassword(password)
		if again == hash {
			t.Errorf("HashPassword(%q) twice gave one hash: salt not random", password)
		}
		if ok, err := CheckPassword(hash, password); !ok || err != nil {
			t.Errorf("right password %q refused: %v, %v", password, ok, err)
		}
		if ok, err := CheckPassword(hash, password+" "); ok || err != nil {
			t.Errorf("wrong password for %q: %v, %v", password, ok, err)
		}
	}
}

func TestCheckPasswordBadHash(t *testing.T) {
	const salt, key = "c29tZXNhbHRzb21lc2FsdA", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"
	for _, hash := range []string{
		"",
		"plain",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"$argon2i$v=19$m=65536,t=3,p=2$" + salt + "$" + key,
		"$argon2id$v=16$m=65536,t=3,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=3$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=3,p=2,x=1$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=0,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=3,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=0,t=3,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=3,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=1000,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=3,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=-3,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=65536,t=3,p=2$!!$" + key,
		"$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$" + key,
		"$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$c2hvcnQ",
		"$argon2id$v=19$m=65536,t=3,p=2$" + salt,
		"x$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$" + key,
	} {
		ok, err := CheckPassword(hash, "password")
		if ok || !errors.Is(err, ErrHashFormat) {
			t.Errorf("CheckPassword(%q) = %v, %v; want ErrHashFormat", hash, ok, err)
		}
	}
}
