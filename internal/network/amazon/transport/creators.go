package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// CreatorsConfig is one Creators API account.
type CreatorsConfig struct {
	APIBase  string // default https://creatorsapi.amazon
	TokenURL string // default from Version (FORMATS §4)

	CredentialID string
	Secret       string
	Version      string // "2.1".."2.3" (Cognito, form) or "3.1".."3.3" (Login with Amazon, JSON)
	Marketplace  string // x-marketplace header, default www.amazon.com

	HTTPClient *http.Client // default: a plain client; deadlines come from Retry
	Retry      RetryPolicy
	Now        func() time.Time // token expiry clock; default time.Now
	Logger     *slog.Logger     // retries are logged at Warn; default: discarded
	SpoolDir   string           // where Open spools downloads; default os.TempDir()
}

// DefaultAPIBase is the Creators API host.
const DefaultAPIBase = "https://creatorsapi.amazon"

// defaultTokenURL is the token endpoint of a credential version.
func defaultTokenURL(version string) (string, bool) {
	switch version {
	case "2.1":
		return "https://creatorsapi.auth.us-east-1.amazoncognito.com/oauth2/token", true
	case "2.2":
		return "https://creatorsapi.auth.eu-south-2.amazoncognito.com/oauth2/token", true
	case "2.3":
		return "https://creatorsapi.auth.us-west-2.amazoncognito.com/oauth2/token", true
	case "3.1":
		return "https://api.amazon.com/auth/o2/token", true
	case "3.2":
		return "https://api.amazon.co.uk/auth/o2/token", true
	case "3.3":
		return "https://api.amazon.co.jp/auth/o2/token", true
	}
	return "", false
}

// Creators is a Source over the Creators API Reports.
type Creators struct {
	apiBase     string
	marketplace string
	version     string
	client      *http.Client
	tokens      *tokenSource
	retry       retrier
	now         func() time.Time
	spoolDir    string
}

var _ Source = (*Creators)(nil)

// NewCreators checks cfg and makes a client; it makes no call.
func NewCreators(cfg CreatorsConfig) (*Creators, error) {
	tokenURL, ok := defaultTokenURL(cfg.Version)
	if !ok {
		return nil, fmt.Errorf("creators API: credential version %q: want 2.1, 2.2, 2.3, 3.1, 3.2 or 3.3", cfg.Version)
	}
	if cfg.CredentialID == "" || cfg.Secret == "" {
		return nil, errors.New("creators API: a credential ID and a secret are required")
	}
	cfg.APIBase = strings.TrimSuffix(firstOf(cfg.APIBase, DefaultAPIBase), "/")
	cfg.TokenURL = firstOf(cfg.TokenURL, tokenURL)
	cfg.Marketplace = firstOf(cfg.Marketplace, "www.amazon.com")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	retry := newRetrier(cfg.Retry, cfg.Logger, cfg.Now)
	style := tokenStyle{json: true, scope: "creatorsapi::default"}
	if strings.HasPrefix(cfg.Version, "2.") {
		style = tokenStyle{json: false, scope: "creatorsapi/default"}
	}
	return &Creators{
		apiBase: cfg.APIBase, marketplace: cfg.Marketplace, version: cfg.Version,
		client: cfg.HTTPClient, retry: retry, now: cfg.Now, spoolDir: cfg.SpoolDir,
		tokens: &tokenSource{url: cfg.TokenURL, credentialID: cfg.CredentialID, secret: cfg.Secret,
			style: style, client: cfg.HTTPClient, retry: retry, now: cfg.Now},
	}, nil
}

// listedReport is one entry of listReports' answer.
type listedReport struct {
	Filename     string `json:"filename"`
	MD5          string `json:"md5"`
	Size         int64  `json:"size"`
	LastModified string `json:"lastModified"`
}

// List calls listReports.
func (c *Creators) List(ctx context.Context) ([]ReportFile, error) {
	var answer struct {
		Reports []listedReport `json:"reports"`
	}
	if err := c.call(ctx, "listReports", "/reports/v1/listReports", struct{}{}, &answer); err != nil {
		return nil, err
	}
	files := make([]ReportFile, 0, len(answer.Reports))
	for i, r := range answer.Reports {
		f, err := checkListed(r.Filename, r.MD5, r.Size, r.LastModified, parseRFC3339)
		if err != nil {
			return nil, fmt.Errorf("listReports entry %d: %w", i+1, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// Open asks getReport for a pre-signed URL and downloads it at once,
// verified. A URL that expired before it was used (403) is asked for again,
// once.
func (c *Creators) Open(ctx context.Context, f ReportFile) (io.ReadCloser, error) {
	for fresh := false; ; fresh = true {
		var answer struct {
			URL string `json:"url"`
		}
		if err := c.call(ctx, "getReport", "/reports/v1/getReport", map[string]string{"filename": f.Name}, &answer); err != nil {
			return nil, err
		}
		if answer.URL == "" {
			return nil, fmt.Errorf("getReport %s: the answer holds no url", f.Name)
		}
		body, err := c.download(ctx, answer.URL, f)
		var api *APIError
		if !fresh && errors.As(err, &api) && api.Status == http.StatusForbidden {
			continue
		}
		return body, err
	}
}

// download fetches a pre-signed URL: a plain GET, no Authorization header.
func (c *Creators) download(ctx context.Context, rawURL string, f ReportFile) (io.ReadCloser, error) {
	var body io.ReadCloser
	timeout := c.retry.policy.CallTimeout * downloadTimeoutFactor
	err := c.retry.run(ctx, "download "+f.Name, timeout, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return permanent(redact(err))
		}
		res, err := c.client.Do(req)
		if err != nil {
			return redact(err)
		}
		if res.StatusCode != http.StatusOK {
			return errorFromResponse(res, c.now())
		}
		defer res.Body.Close()
		body, err = spoolVerified(res.Body, f, c.spoolDir)
		return err
	})
	return body, err
}

// call POSTs a Creators API operation with a token, retrying as the policy
// says. A token Amazon calls expired or invalid is renewed once and the
// call made again.
func (c *Creators) call(ctx context.Context, op, path string, in, out any) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	for renewed := false; ; renewed = true {
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return err
		}
		err = c.retry.run(ctx, op, c.retry.policy.CallTimeout, func(ctx context.Context) error {
			return c.post(ctx, path, tok, payload, out)
		})
		var api *APIError
		if !renewed && errors.As(err, &api) && api.Status == http.StatusUnauthorized &&
			(api.Reason == "TokenExpired" || api.Reason == "InvalidToken") {
			c.tokens.invalidate(tok)
			continue
		}
		return err
	}
}

// maxAnswer bounds a JSON answer (a listing of years of daily files is a
// few MiB).
const maxAnswer = 64 << 20

func (c *Creators) post(ctx context.Context, path, tok string, payload []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiBase+path, bytes.NewReader(payload))
	if err != nil {
		return permanent(redact(err))
	}
	auth := "Bearer " + tok
	if strings.HasPrefix(c.version, "2.") {
		auth += ", Version " + c.version
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-marketplace", c.marketplace)
	res, err := c.client.Do(req)
	if err != nil {
		return redact(err)
	}
	if res.StatusCode != http.StatusOK {
		return errorFromResponse(res, c.now())
	}
	defer res.Body.Close()
	if err := json.NewDecoder(io.LimitReader(res.Body, maxAnswer)).Decode(out); err != nil {
		return decodeError(path, err)
	}
	return nil
}

// decodeError wraps an answer that did not decode: a malformed answer is
// final, a cut or timed-out transfer is worth another attempt.
func decodeError(what string, err error) error {
	err = fmt.Errorf("answer of %s: %w", what, redact(err))
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) {
		return permanent(err)
	}
	return err
}
