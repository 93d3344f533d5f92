// Package fxfeed keeps the exchange rates fresh while serve runs: it fetches
// an ECB-format feed (by default the ECB's 90-day XML) once a day, with
// retries and backoff, imports it, and records each refresh and its
// outcome in the store. When the feed cannot be reached the store keeps the
// rates it has, and conversion goes on with them.
package fxfeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
)

// DefaultURL is the ECB's feed of the last 90 days of reference rates.
const DefaultURL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"

// Config tunes a Refresher. Zero fields take the defaults.
type Config struct {
	URL      string        // the feed
	Client   *http.Client  // default: 30 s timeout
	Every    time.Duration // between refreshes; default 24 h
	Attempts int           // per refresh; default 5
	Backoff  time.Duration // before the second attempt, doubling after; default 10 s
	Log      *slog.Logger
}

// Refresher fetches the feed into the store.
type Refresher struct {
	store *store.Store
	cfg   Config
}

// New makes a refresher of cfg.URL into s.
func New(s *store.Store, cfg Config) *Refresher {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Every <= 0 {
		cfg.Every = 24 * time.Hour
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 10 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Refresher{store: s, cfg: cfg}
}

// Run refreshes at once, then every cfg.Every, until ctx ends.
func (r *Refresher) Run(ctx context.Context) {
	for {
		if err := r.Refresh(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Log.Warn("rates refresh failed; converting with the stored rates", "source", source(r.cfg.URL), "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.cfg.Every):
		}
	}
}

// Refresh fetches and imports the feed once, retrying what may pass (a
// network error, 429, 5xx) with doubling backoff, and records the outcome.
func (r *Refresher) Refresh(ctx context.Context) error {
	rec := store.RatesRefresh{Source: source(r.cfg.URL), StartedAt: time.Now().UTC()}
	var err error
	wait := r.cfg.Backoff
	for rec.Attempts = 1; ; rec.Attempts++ {
		var rates []fxrate.Rate
		rates, err = r.fetch(ctx)
		if err == nil {
			rec.Result, err = r.store.ImportRates(ctx, rates)
			break
		}
		var perm permanent
		if errors.As(err, &perm) || rec.Attempts >= r.cfg.Attempts || ctx.Err() != nil {
			break
		}
		r.cfg.Log.Info("rates refresh: trying again", "source", rec.Source, "attempt", rec.Attempts, "in", wait, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: nothing worth recording
	}
	rec.FinishedAt, rec.Outcome = time.Now().UTC(), store.RefreshOK
	if err != nil {
		rec.Outcome, rec.Error = store.RefreshError, err.Error()
	}
	if rerr := r.store.RecordRatesRefresh(ctx, rec); rerr != nil {
		return errors.Join(err, rerr)
	}
	if err == nil {
		r.cfg.Log.Info("rates refreshed", "source", rec.Source, "rates", rec.Result.Read, "added", rec.Result.Added, "changed", rec.Result.Changed)
	}
	return err
}

// permanent marks a failure that trying again will not mend (a 404, a file
// that is not rates).
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func (r *Refresher) fetch(ctx context.Context) ([]fxrate.Rate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.URL, nil)
	if err != nil {
		return nil, permanent{fmt.Errorf("rates URL: %w", err)}
	}
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch rates: %w", redact(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, fmt.Errorf("fetch rates: %s", resp.Status)
	default:
		return nil, permanent{fmt.Errorf("fetch rates: %s", resp.Status)}
	}
	name := path.Base(req.URL.Path)
	rates, err := fxrate.Parse(name, resp.Body)
	if err != nil {
		var fe *fxrate.Error
		if errors.As(err, &fe) {
			return nil, permanent{err}
		}
		return nil, err // the body broke off: worth another try
	}
	return rates, nil
}

// source is the URL as recorded and logged: without user info or query,
// which may hold credentials.
func source(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable rates URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// redact drops the URL (with any credentials in it) from a client error.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
