package transport

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is Amazon's {type, message, reason} answer (or an OAuth2 error,
// an S3 error of a pre-signed URL, or a bare HTTP refusal) with its status.
type APIError struct {
	Status  int
	Type    string // ThrottleException, invalid_client, AccessDenied…
	Reason  string // TokenExpired, AssociateNotEligible… (Creators API only)
	Message string

	retryAfter time.Duration // from a Retry-After header; 0 when absent
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Amazon answered %d", e.Status)
	if e.Type != "" {
		s += " " + e.Type
	}
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// transient says whether retrying the same call may succeed.
func (e *APIError) transient() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// UnavailableError is a call that kept failing until its attempts ran out.
type UnavailableError struct {
	Op       string
	Attempts int
	Last     error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s: gave up after %d attempts: %v", e.Op, e.Attempts, e.Last)
}

func (e *UnavailableError) Unwrap() error { return e.Last }

// permanentError marks an error that retrying cannot cure (a checksum
// mismatch, an answer that is not what the protocol says).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return permanentError{err} }

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// errorFromResponse reads a refusal in any of the shapes Amazon's hosts use.
// The body is read and closed.
func errorFromResponse(res *http.Response, now time.Time) *APIError {
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody)) // a short read still leaves the status
	e := parseErrorBody(res.StatusCode, body)
	e.retryAfter = parseRetryAfter(res.Header.Get("Retry-After"), now)
	return e
}

// parseErrorBody recognises Amazon's JSON, OAuth2's JSON and S3's XML, and
// falls back to the status text and a short excerpt of the body.
func parseErrorBody(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	trimmed := bytes.TrimSpace(body)
	var j struct {
		Type             string `json:"type"`
		Reason           string `json:"reason"`
		Message          string `json:"message"`
		MessageCap       string `json:"Message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	var x struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")) && json.Unmarshal(trimmed, &j) == nil && (j.Type != "" || j.Error != ""):
		if j.Type != "" {
			e.Type, e.Reason, e.Message = shortType(j.Type), j.Reason, firstOf(j.Message, j.MessageCap)
		} else {
			e.Type, e.Message = j.Error, j.ErrorDescription
		}
	case bytes.HasPrefix(trimmed, []byte("<?xml")) || bytes.HasPrefix(trimmed, []byte("<Error")):
		if xml.Unmarshal(trimmed, &x) == nil && x.Code != "" {
			e.Type, e.Message = x.Code, x.Message
			break
		}
		fallthrough
	default:
		e.Type = http.StatusText(status)
		e.Message = excerpt(trimmed)
	}
	return e
}

// shortType drops the namespace AWS-style services may prefix
// ("com.amazon…#ThrottleException").
func shortType(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		return t[i+1:]
	}
	return t
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// excerpt is the readable start of a non-JSON body: tags dropped, spaces
// collapsed, at most 200 bytes of valid UTF-8.
func excerpt(body []byte) string {
	var b strings.Builder
	inTag := false
	for _, r := range string(body) {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	const limit = 200
	if len(s) > limit {
		s = s[:limit]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
