package transport

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// checkListed makes a ReportFile of a listing's fields, refusing what could
// not be verified later: no name, a negative size, an MD5 that is not 32
// hex digits, an unreadable time.
func checkListed(name, md5 string, size int64, modified string, parseTime func(string) (time.Time, error)) (ReportFile, error) {
	f := ReportFile{Name: strings.TrimSpace(name), Size: size, MD5: strings.ToLower(strings.TrimSpace(md5))}
	if f.Name == "" {
		return f, errors.New("a file without a name")
	}
	if strings.ContainsAny(f.Name, "/\\\x00") {
		return f, fmt.Errorf("file name %q: holds a path separator", f.Name)
	}
	if size < 0 {
		return f, fmt.Errorf("file %s: size %d", f.Name, size)
	}
	if !isHexMD5(f.MD5) {
		return f, fmt.Errorf("file %s: MD5 %q is not 32 hex digits", f.Name, md5)
	}
	t, err := parseTime(strings.TrimSpace(modified))
	if err != nil {
		return f, fmt.Errorf("file %s: last modified %q: %w", f.Name, modified, err)
	}
	f.LastModified = t.UTC()
	return f, nil
}

func isHexMD5(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// parseRFC3339 reads the Creators API's lastModified.
func parseRFC3339(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }
