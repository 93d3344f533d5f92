package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/icholy/digest"
)

// DataFeedConfig is one legacy DataFeed account.
type DataFeedConfig struct {
	BaseURL  string // default https://assoc-datafeeds-na.amazon.com
	User     string // the store ID (or the credential ID)
	Password string

	HTTPClient *http.Client // its Transport is wrapped with Digest auth
	Retry      RetryPolicy
	Logger     *slog.Logger // retries are logged at Warn; default: discarded
	SpoolDir   string       // where Open spools downloads; default os.TempDir()
}

// DefaultDataFeedBase is the North American DataFeed host.
const DefaultDataFeedBase = "https://assoc-datafeeds-na.amazon.com"

// digestRefused is the APIError type of a DataFeed that still answers 401
// after the Digest handshake: the user or password is wrong.
const digestRefused = "DigestAuthenticationFailed"

// DataFeed is a Source over the legacy DataFeed.
type DataFeed struct {
	base     string
	client   *http.Client
	retry    retrier
	spoolDir string
}

var _ Source = (*DataFeed)(nil)

// NewDataFeed checks cfg and makes a client; it makes no call.
func NewDataFeed(cfg DataFeedConfig) (*DataFeed, error) {
	if cfg.User == "" || cfg.Password == "" {
		return nil, errors.New("datafeed: a user and a password are required")
	}
	base := strings.TrimSuffix(firstOf(cfg.BaseURL, DefaultDataFeedBase), "/")
	if u, err := url.Parse(base); err != nil || u.Host == "" {
		return nil, fmt.Errorf("datafeed: base URL %q: want an absolute URL", safeURL(base))
	}
	client := &http.Client{}
	if cfg.HTTPClient != nil {
		*client = *cfg.HTTPClient // the caller's client stays as it was
	}
	// The Digest transport answers the 401 challenge itself (MD5 or SHA-256,
	// qop=auth) and reuses it, renewing a stale nonce on the next 401.
	client.Transport = &digest.Transport{Username: cfg.User, Password: cfg.Password, Transport: client.Transport}
	return &DataFeed{base: base, client: client, retry: newRetrier(cfg.Retry, cfg.Logger, time.Now), spoolDir: cfg.SpoolDir}, nil
}

// List reads the listReports page.
func (d *DataFeed) List(ctx context.Context) ([]ReportFile, error) {
	var files []ReportFile
	err := d.retry.run(ctx, "datafeed listReports", d.retry.policy.CallTimeout, func(ctx context.Context) error {
		res, err := d.get(ctx, d.base+"/datafeed/listReports")
		if err != nil {
			return err
		}
		defer res.Body.Close()
		page, err := io.ReadAll(io.LimitReader(res.Body, maxListing))
		if err != nil {
			return fmt.Errorf("listReports page: %w", redact(err)) // cut off: worth another attempt
		}
		if files, err = parseListing(bytes.NewReader(page)); err != nil {
			return permanent(err)
		}
		return nil
	})
	return files, err
}

// Open downloads a report with getReport, verified.
func (d *DataFeed) Open(ctx context.Context, f ReportFile) (io.ReadCloser, error) {
	var body io.ReadCloser
	u := d.base + "/datafeed/getReport?" + url.Values{"filename": {f.Name}}.Encode()
	timeout := d.retry.policy.CallTimeout * downloadTimeoutFactor
	err := d.retry.run(ctx, "datafeed getReport "+f.Name, timeout, func(ctx context.Context) error {
		res, err := d.get(ctx, u)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err = spoolVerified(res.Body, f, d.spoolDir)
		return err
	})
	return body, err
}

// get makes one authenticated GET and turns a refusal into an *APIError.
func (d *DataFeed) get(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, permanent(redact(err))
	}
	res, err := d.client.Do(req)
	if err != nil {
		return nil, redact(err)
	}
	if res.StatusCode == http.StatusOK {
		return res, nil
	}
	apiErr := errorFromResponse(res, time.Now())
	if res.StatusCode == http.StatusUnauthorized {
		apiErr.Type, apiErr.Message = digestRefused, "the DataFeed refused the user and password"
	}
	return nil, apiErr
}
