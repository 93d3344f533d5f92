package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   APIError
	}{
		{"Amazon's shape", 401, `{"type":"UnauthorizedException","reason":"TokenExpired","message":"The access token has expired"}`,
			APIError{Status: 401, Type: "UnauthorizedException", Reason: "TokenExpired", Message: "The access token has expired"}},
		{"namespaced type, capital Message", 429, `{"type":"com.amazon.creators#ThrottleException","Message":"Rate exceeded"}`,
			APIError{Status: 429, Type: "ThrottleException", Message: "Rate exceeded"}},
		{"OAuth2 shape", 401, `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			APIError{Status: 401, Type: "invalid_client", Message: "Client authentication failed"}},
		{"S3 shape", 403, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`,
			APIError{Status: 403, Type: "AccessDenied", Message: "Request has expired"}},
		{"HTML page", 502, "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>",
			APIError{Status: 502, Type: "Bad Gateway", Message: "502 Bad Gateway nginx"}},
		{"plain text", 404, "No such report: x.tsv.gz\n", APIError{Status: 404, Type: "Not Found", Message: "No such report: x.tsv.gz"}},
		{"empty", 503, "", APIError{Status: 503, Type: "Service Unavailable"}},
		{"JSON of another shape", 400, `{"oops":1}`, APIError{Status: 400, Type: "Bad Request", Message: `{"oops":1}`}},
		{"long body cut", 500, strings.Repeat("é", 150), APIError{Status: 500, Type: "Internal Server Error", Message: strings.Repeat("é", 100) + "…"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseErrorBody(tc.status, []byte(tc.body)); *got != tc.want {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestErrorFromResponseReadsRetryAfter(t *testing.T) {
	res := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}},
		Body: io.NopCloser(strings.NewReader(`{"type":"ThrottleException","message":"Rate exceeded"}`))}
	e := errorFromResponse(res, fixedNow)
	if e.retryAfter.Seconds() != 7 || e.Type != "ThrottleException" || !e.transient() {
		t.Errorf("got %+v (retry after %v)", e, e.retryAfter)
	}
}

func TestClassify(t *testing.T) {
	api := func(status int, typ, reason string) error {
		return fmt.Errorf("listReports: %w", &APIError{Status: status, Type: typ, Reason: reason, Message: "m"})
	}
	tests := []struct {
		name string
		err  error
		want State
		says string // a piece of the sentence
	}{
		{"OAuth2 invalid_client", api(401, "invalid_client", ""), StateCredentialsRejected, "credential ID and secret"},
		{"Amazon InvalidClient", api(401, "UnauthorizedException", "InvalidClient"), StateCredentialsRejected, "credentials rejected"},
		{"DataFeed Digest refused", api(401, digestRefused, ""), StateCredentialsRejected, "user and password"},
		{"not eligible", api(403, "AccessDeniedException", "AssociateNotEligible"), StateNotEligible, "10 qualifying sales"},
		{"no reports", api(403, "AccessDeniedException", "ReportsNotAvailable"), StateNoReportAccess, "not its Reports"},
		{"other access denied", api(403, "AccessDeniedException", "Whatever"), StateNoReportAccess, "refused access"},
		{"no files", fmt.Errorf("check: %w", ErrNoReportFiles), StateNoReportAccess, "no report files are listed for this account yet"},
		{"gave up", &UnavailableError{Op: "listReports", Attempts: 6, Last: &APIError{Status: 429, Type: "ThrottleException"}}, StateUnavailable, "gave up after 6 attempts"},
		{"gave up on the network", &UnavailableError{Op: "token", Attempts: 2, Last: io.ErrUnexpectedEOF}, StateUnavailable, "unexpected EOF"},
		{"validation", api(400, "ValidationException", ""), StateOther, "400 ValidationException: m"},
		{"token expired twice", api(401, "UnauthorizedException", "TokenExpired"), StateOther, "TokenExpired"},
		{"S3 access denied is not report access", api(403, "AccessDenied", ""), StateOther, "403 AccessDenied"},
		{"plain error", errors.New("boom"), StateOther, "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, says := Classify(tc.err)
			if got != tc.want || !strings.Contains(says, tc.says) {
				t.Errorf("Classify = %v, %q; want %v saying %q", got, says, tc.want, tc.says)
			}
		})
	}
}

func TestStateString(t *testing.T) {
	want := map[State]string{StateCredentialsRejected: "credentials rejected", StateNotEligible: "account not eligible",
		StateNoReportAccess: "no report access", StateUnavailable: "unavailable", StateOther: "error"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), w)
		}
	}
}

func TestRedactDropsTheQuery(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://bucket.example/r.tsv.gz?X-Amz-Signature=abcdef&X-Amz-Expires=1", Err: io.ErrUnexpectedEOF}
	got := redact(fmt.Errorf("download: %w", err))
	if strings.Contains(got.Error(), "abcdef") || !strings.Contains(got.Error(), "https://bucket.example/r.tsv.gz") || !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Errorf("redact = %v", got)
	}
}
