// Package creators is a client of Amazon's Creators API Reports: OAuth2
// client credentials (Cognito form style for credential versions 2.x, Login
// with Amazon JSON style for 3.x), listReports, getReport and the download
// of the pre-signed URL, checked against the listed size and MD5.
package creators

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is one account's credentials and endpoints.
type Config struct {
	APIBase      string // default https://creatorsapi.amazon
	TokenURL     string // default from Version (FORMATS §4)
	CredentialID string
	Secret       string
	Version      string // "2.1".."2.3" or "3.1".."3.3"
	Marketplace  string // x-marketplace, default www.amazon.com
	HTTPClient   *http.Client
	MaxAttempts  int                                              // per call, default 6
	BaseDelay    time.Duration                                    // backoff base, default 500ms
	MaxDelay     time.Duration                                    // backoff cap, default 30s
	Sleep        func(ctx context.Context, d time.Duration) error // tests replace it
}

var tokenURLs = map[string]string{
	"2.1": "https://creatorsapi.auth.us-east-1.amazoncognito.com/oauth2/token",
	"2.2": "https://creatorsapi.auth.eu-south-2.amazoncognito.com/oauth2/token",
	"2.3": "https://creatorsapi.auth.us-west-2.amazoncognito.com/oauth2/token",
	"3.1": "https://api.amazon.com/auth/o2/token",
	"3.2": "https://api.amazon.co.uk/auth/o2/token",
	"3.3": "https://api.amazon.co.jp/auth/o2/token",
}

// Client talks to one account.
type Client struct {
	cfg Config

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New checks cfg and makes a client.
func New(cfg Config) (*Client, error) {
	if _, ok := tokenURLs[cfg.Version]; !ok {
		return nil, fmt.Errorf("credential version %q: want 2.1, 2.2, 2.3, 3.1, 3.2 or 3.3", cfg.Version)
	}
	if cfg.CredentialID == "" || cfg.Secret == "" {
		return nil, errors.New("a credential ID and a secret are required")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = "https://creatorsapi.amazon"
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = tokenURLs[cfg.Version]
	}
	if cfg.Marketplace == "" {
		cfg.Marketplace = "www.amazon.com"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	cfg.APIBase = strings.TrimSuffix(cfg.APIBase, "/")
	return &Client{cfg: cfg}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Error is an answer of Amazon's: {type, reason, message}, or OAuth2's {error, error_description}.
type Error struct {
	Status  int
	Type    string
	Reason  string
	Message string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("Amazon answered %d %s", e.Status, e.Type)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Explain says in a sentence what an error means for the connection.
func Explain(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	switch {
	case e.Type == "invalid_client" || e.Reason == "InvalidClient" || (e.Status == 401 && e.Type == "unauthorized_client"):
		return "credentials rejected: Amazon did not accept the credential ID and secret"
	case e.Reason == "AssociateNotEligible":
		return "account not eligible: the Creators API needs about 10 qualifying sales in the last 30 days"
	case e.Reason == "ReportsNotAvailable" || (e.Status == 403 && strings.Contains(e.Type, "AccessDenied")):
		return "no report access: this account has the Creators API but not its Reports"
	}
	return e.Error()
}

// ReportFile is one listed file.
type ReportFile struct {
	Name         string    `json:"filename"`
	MD5          string    `json:"md5"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"lastModified"`
}

// ListReports lists the account's report files.
func (c *Client) ListReports(ctx context.Context) ([]ReportFile, error) {
	var out struct {
		Reports []ReportFile `json:"reports"`
	}
	if err := c.call(ctx, "/reports/v1/listReports", map[string]any{}, &out); err != nil {
		return nil, fmt.Errorf("listReports: %w", err)
	}
	return out.Reports, nil
}

// Download fetches a listed file into a temporary file, checks its size and
// MD5, and returns it positioned at the start; the caller closes and removes it.
func (c *Client) Download(ctx context.Context, f ReportFile) (*os.File, error) {
	var loc struct {
		URL string `json:"url"`
	}
	if err := c.call(ctx, "/reports/v1/getReport", map[string]string{"filename": f.Name}, &loc); err != nil {
		return nil, fmt.Errorf("getReport %s: %w", f.Name, err)
	}
	var out *os.File
	err := c.retry(ctx, func() error {
		// The pre-signed URL is fetched at once, plainly: no Authorization header.
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.URL, nil)
		if err != nil {
			return permanent(err)
		}
		res, err := c.cfg.HTTPClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			e := &Error{Status: res.StatusCode, Type: "DownloadFailed", Message: res.Status}
			if res.StatusCode >= 500 {
				return e
			}
			return permanent(e)
		}
		tmp, err := os.CreateTemp("", "affsync-report-*")
		if err != nil {
			return permanent(err)
		}
		h := md5.New()
		n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(res.Body, f.Size+1))
		if err == nil && n != f.Size {
			err = permanent(fmt.Errorf("%s: downloaded %d bytes, listed %d", f.Name, n, f.Size))
		}
		if sum := hex.EncodeToString(h.Sum(nil)); err == nil && !strings.EqualFold(sum, f.MD5) {
			err = permanent(fmt.Errorf("%s: MD5 %s, listed %s", f.Name, sum, f.MD5))
		}
		if err == nil {
			_, err = tmp.Seek(0, io.SeekStart)
		}
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return err
		}
		out = tmp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// call POSTs a JSON operation with the token, renewing it once if it expired.
func (c *Client) call(ctx context.Context, path string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	renewed := false
	return c.retry(ctx, func() error {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIBase+path, bytes.NewReader(payload))
		if err != nil {
			return permanent(err)
		}
		auth := "Bearer " + tok
		if strings.HasPrefix(c.cfg.Version, "2.") {
			auth += ", Version " + c.cfg.Version
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-marketplace", c.cfg.Marketplace)
		res, err := c.cfg.HTTPClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
		if err != nil {
			return err
		}
		if res.StatusCode == http.StatusOK {
			if err := json.Unmarshal(raw, out); err != nil {
				return permanent(fmt.Errorf("unexpected answer: %w", err))
			}
			return nil
		}
		e := decodeError(res.StatusCode, raw)
		switch {
		case res.StatusCode == http.StatusUnauthorized && (e.Reason == "TokenExpired" || e.Reason == "InvalidToken") && !renewed:
			renewed = true
			c.forgetToken()
			return retryNow{e}
		case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
			return retryAfter{e, parseRetryAfter(res.Header.Get("Retry-After"))}
		}
		return permanent(e)
	})
}

func decodeError(status int, raw []byte) *Error {
	var body struct{ Type, Reason, Message string }
	_ = json.Unmarshal(raw, &body)
	var generic map[string]string
	_ = json.Unmarshal(raw, &generic)
	e := &Error{Status: status, Type: body.Type, Reason: body.Reason, Message: body.Message}
	if e.Type == "" {
		e.Type, e.Message = generic["error"], generic["error_description"]
	}
	if e.Type == "" {
		e.Type = http.StatusText(status)
	}
	return e
}

func (c *Client) forgetToken() {
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
}

// accessToken returns the cached token until 30 s before it expires.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && time.Now().Before(c.expires.Add(-30*time.Second)) {
		return c.token, nil
	}
	var req *http.Request
	var err error
	if strings.HasPrefix(c.cfg.Version, "2.") {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.CredentialID},
			"client_secret": {c.cfg.Secret}, "scope": {"creatorsapi/default"}}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		body, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "client_id": c.cfg.CredentialID,
			"client_secret": c.cfg.Secret, "scope": "creatorsapi::default"})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, bytes.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return "", permanent(err)
	}
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		e := decodeError(res.StatusCode, raw)
		if res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500 {
			return "", retryAfter{e, parseRetryAfter(res.Header.Get("Retry-After"))}
		}
		return "", permanent(e)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &tok); err != nil || tok.AccessToken == "" {
		return "", permanent(errors.New("token: the answer has no access_token"))
	}
	c.token, c.expires = tok.AccessToken, time.Now().Add(time.Duration(tok.ExpiresIn)*time.Second)
	return c.token, nil
}

// Retry plumbing: permanent errors stop, retryAfter waits as told (or backs
// off), retryNow tries again at once; anything else (a network error) backs off.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }
func permanent(err error) error        { return permanentError{err} }

type retryAfter struct {
	err   *Error
	after time.Duration
}

func (r retryAfter) Error() string { return r.err.Error() }
func (r retryAfter) Unwrap() error { return r.err }

type retryNow struct{ err *Error }

func (r retryNow) Error() string { return r.err.Error() }
func (r retryNow) Unwrap() error { return r.err }

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// retry runs fn until it succeeds, fails permanently or runs out of attempts,
// with exponential backoff and full jitter, honouring Retry-After.
func (c *Client) retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 0; attempt < c.cfg.MaxAttempts; attempt++ {
		if err = fn(); err == nil {
			return nil
		}
		var p permanentError
		if errors.As(err, &p) {
			return p.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var now retryNow
		if errors.As(err, &now) {
			continue
		}
		backoff := min(c.cfg.MaxDelay, c.cfg.BaseDelay<<attempt)
		wait := time.Duration(rand.Int64N(int64(backoff) + 1))
		var ra retryAfter
		if errors.As(err, &ra) && ra.after > wait {
			wait = min(ra.after, c.cfg.MaxDelay)
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	var ra retryAfter
	if errors.As(err, &ra) {
		return fmt.Errorf("gave up after %d attempts: %w", c.cfg.MaxAttempts, ra.err)
	}
	return fmt.Errorf("gave up after %d attempts: %w", c.cfg.MaxAttempts, err)
}
