package secret

import (
	"regexp"
	"testing"
)

var apiKeyPattern = regexp.MustCompile(`^afs_[0-9A-Za-z]{40}$`)

func TestNewAPIKey(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		secret, prefix, hash, err := NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if !apiKeyPattern.MatchString(secret) {
			t.Fatalf("NewAPIKey secret %q is not afs_ + 40 base62", secret)
		}
		if prefix != secret[:12] {
			t.Errorf("prefix %q, want %q", prefix, secret[:12])
		}
		if hash != HashAPIKey(secret) {
			t.Errorf("hash %q is not HashAPIKey(secret)", hash)
		}
		if seen[secret] {
			t.Fatalf("NewAPIKey repeated %q", secret)
		}
		seen[secret] = true
	}
}

func TestHashAPIKey(t *testing.T) {
	// Expected values from an independent SHA-256 (Python's hashlib).
	tests := []struct{ secret, want string }{
		{"afs_0123456789abcdefghijABCDEFGHIJ0123456789", "8d2767f45df8c0bc72d77bd3880fc34d9563ef105213dbc1e290c6118ff54b06"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tc := range tests {
		if got := HashAPIKey(tc.secret); got != tc.want {
			t.Errorf("HashAPIKey(%q) = %s, want %s", tc.secret, got, tc.want)
		}
	}
}
