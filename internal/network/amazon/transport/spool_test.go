package transport

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func md5Hex(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }

func TestSpoolVerified(t *testing.T) {
	const content = "report bytes"
	listed := ReportFile{Name: "shop-20-earnings-report-20261002.tsv.gz", Size: int64(len(content)), MD5: md5Hex(content)}
	tests := []struct {
		name    string
		body    string
		wantErr string // "" when the bytes verify
	}{
		{"as listed", content, ""},
		{"short", content[:5], "size mismatch: listed 12 bytes, downloaded 5 bytes"},
		{"long", content + "!", "size mismatch: listed 12 bytes, downloaded more than 12 bytes"},
		{"same size, other bytes", strings.ToUpper(content), "MD5 mismatch: listed " + md5Hex(content) + ", downloaded " + md5Hex(strings.ToUpper(content))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := spoolVerified(strings.NewReader(tc.body), listed, dir)
			if tc.wantErr != "" {
				var mm *MismatchError
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), listed.Name) || !errors.As(err, &mm) {
					t.Fatalf("error %v, want a MismatchError naming the file and saying %q", err, tc.wantErr)
				}
				if _, again := retryable(err); again {
					t.Error("a mismatch is retried; it should stop")
				}
				assertEmpty(t, dir)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || string(got) != content {
				t.Errorf("read %q, %v", got, err)
			}
			if err := r.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			assertEmpty(t, dir)
		})
	}
}

func TestSpoolCutTransferIsRetryable(t *testing.T) {
	dir := t.TempDir()
	_, err := spoolVerified(io.MultiReader(strings.NewReader("abc"), errReader{io.ErrUnexpectedEOF}), ReportFile{Name: "f", Size: 10, MD5: md5Hex("x")}, dir)
	if _, again := retryable(err); err == nil || !again {
		t.Errorf("error %v: want a retryable one", err)
	}
	assertEmpty(t, dir)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// assertEmpty fails when a spool file was left behind in dir.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d spool files left behind in %s", len(left), dir)
	}
}
