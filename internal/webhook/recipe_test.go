package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// verifyAffsyncSignature is the receiver's recipe exactly as README.md shows
// it (TestReadmeShowsTheRecipe keeps the two the same); the delivery tests
// verify real deliveries with it.
func verifyAffsyncSignature(secret, header string, body []byte, tolerance time.Duration) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(unix, 0)).Abs() > tolerance {
		return false // no timestamp, or too old: perhaps a replay
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, sig := range sigs {
		if got, err := hex.DecodeString(sig); err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}

func TestReadmeShowsTheRecipe(t *testing.T) {
	src, err := os.ReadFile("recipe_test.go")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "func verifyAffsyncSignature(")
	end := strings.Index(string(src[start:]), "\n}\n")
	recipe := string(src[start : start+end+2])
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), recipe) {
		t.Fatalf("README.md does not show the tested recipe; put this in its Webhooks section:\n%s", recipe)
	}
}
