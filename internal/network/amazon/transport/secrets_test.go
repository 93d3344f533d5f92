package transport

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

// TestSecretsStayOut runs the paths that log or fail (retries, refusals,
// a dead download host) and checks that no secret reaches the log or an
// error: the client secret, the DataFeed password, access tokens and
// pre-signed URL signatures.
func TestSecretsStayOut(t *testing.T) {
	const secret = "s3cr3t-Do-Not-Leak"
	const signature = "SIGNATURE-do-not-leak"
	var log bytes.Buffer
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // a host that refuses connections

	deadDownloads := func(f *fixture, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/reports/v1/getReport" && strings.Contains(r.Header.Get("Authorization"), "Bearer ") {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"url":%q}`, deadURL+"/download/x.tsv.gz?"+url.Values{"X-Amz-Signature": {signature}}.Encode())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := newFixture(t, sim.Config{Secret: secret, FailRate: 0.5, Seed: 3, Days: 1}, deadDownloads)
	logged := func(cfg *CreatorsConfig) { cfg.Logger = logTo(&log); cfg.Retry.MaxAttempts = 3 }

	c, _ := f.creators(t, "2.1", logged)
	files, err := c.List(ctx)
	note(err)
	if err == nil {
		_, err = c.Open(ctx, files[0])
		note(err)
		if err == nil {
			t.Error("a download from a dead host succeeded")
		}
	}
	wrong, _ := f.creators(t, "3.1", func(cfg *CreatorsConfig) { logged(cfg); cfg.Secret = secret + "x" })
	_, err = Check(ctx, wrong)
	note(err)

	d, _ := f.dataFeed(t, func(cfg *DataFeedConfig) { cfg.Logger = logTo(&log); cfg.Retry.MaxAttempts = 3 })
	if files, err := d.List(ctx); err == nil {
		for _, file := range files[:2] {
			r, err := d.Open(ctx, file)
			note(err)
			if err == nil {
				r.Close()
			}
		}
	} else {
		note(err)
	}
	badDF, _ := f.dataFeed(t, func(cfg *DataFeedConfig) { cfg.Logger = logTo(&log); cfg.Password = secret + "x" })
	_, err = badDF.List(ctx)
	note(err)

	secrets := []string{secret, signature}
	for _, r := range f.requests("/reports/") {
		tok, _, _ := strings.Cut(strings.TrimPrefix(r.Authorization, "Bearer "), ",")
		if tok != "" {
			secrets = append(secrets, tok)
		}
	}
	if len(secrets) < 3 || !strings.Contains(log.String(), "amazon call retried") || len(errs) < 3 {
		t.Fatalf("the scenario did not run: %d secrets, %d errors, log:\n%s", len(secrets), len(errs), log.String())
	}
	for _, s := range secrets {
		if strings.Contains(log.String(), s) {
			t.Errorf("the log holds the secret %q:\n%s", s, log.String())
		}
		for _, e := range errs {
			if strings.Contains(e, s) {
				t.Errorf("an error holds the secret %q: %s", s, e)
			}
		}
	}
}
