package secret

import (
	"encoding/base64"
	"testing"
)

func TestRandomToken(t *testing.T) {
	tests := []struct{ nbytes, wantLen int }{{0, 0}, {-1, 0}, {1, 2}, {12, 16}, {16, 22}, {32, 43}}
	for _, tc := range tests {
		tok := RandomToken(tc.nbytes)
		if len(tok) != tc.wantLen {
			t.Errorf("RandomToken(%d) = %q: %d characters, want %d", tc.nbytes, tok, len(tok), tc.wantLen)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || (tc.nbytes > 0 && len(raw) != tc.nbytes) {
			t.Errorf("RandomToken(%d) = %q: not %d bytes of URL-safe base64: %v", tc.nbytes, tok, tc.nbytes, err)
		}
	}
	if RandomToken(32) == RandomToken(32) {
		t.Error("two RandomToken(32) are equal")
	}
}
