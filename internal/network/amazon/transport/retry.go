package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how patiently a call is retried. Zero
// fields take the defaults below.
type RetryPolicy struct {
	MaxAttempts int           // attempts per call, the first included; default 6
	BaseDelay   time.Duration // backoff before the second attempt at most; default 500 ms
	MaxDelay    time.Duration // cap of every wait, Retry-After included; default 30 s
	// CallTimeout bounds one attempt of an API call; default 60 s. A
	// download attempt gets ten times as long.
	CallTimeout time.Duration
	// Sleep waits between attempts; tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

const (
	downloadTimeoutFactor = 10
	maxWait               = time.Hour // no single wait is longer, whatever the policy says
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	p.MaxDelay = min(p.MaxDelay, maxWait) // keeps the doubling far from overflow
	p.BaseDelay = min(p.BaseDelay, p.MaxDelay)
	if p.CallTimeout <= 0 {
		p.CallTimeout = time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	return p
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

// backoff is the wait after failed attempt n (1-based) with full jitter: a
// uniform draw in [0, min(MaxDelay, BaseDelay·2^(n-1))]. draw(k) returns a
// number in [0, k).
func (p RetryPolicy) backoff(n int, draw func(int64) int64) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	return time.Duration(draw(int64(ceiling) + 1))
}

// wait is the pause before the next attempt: the server's Retry-After when
// it sent one, else the jittered backoff; never more than MaxDelay.
func (p RetryPolicy) wait(n int, retryAfter time.Duration, draw func(int64) int64) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxDelay)
	}
	return p.backoff(n, draw)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// Anything else, or a date in the past, is no advice (0).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 || secs > int64(24*time.Hour/time.Second) {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// retrier runs one logical call through its attempts.
type retrier struct {
	policy RetryPolicy
	logger *slog.Logger
	now    func() time.Time
	draw   func(int64) int64
}

func newRetrier(p RetryPolicy, logger *slog.Logger, now func() time.Time) retrier {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return retrier{policy: p.withDefaults(), logger: logger, now: now, draw: rand.Int64N}
}

// run calls attempt until it succeeds, fails for good, or the attempts run
// out. Each attempt gets its own deadline (timeout); op names the call in
// logs and errors and must hold no secret.
func (r retrier) run(ctx context.Context, op string, timeout time.Duration, attempt func(ctx context.Context) error) error {
	p := r.policy
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, timeout)
		err := attempt(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil { // the caller gave up, not Amazon
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		retryAfter, again := retryable(err)
		if !again {
			return fmt.Errorf("%s: %w", op, err)
		}
		if n >= p.MaxAttempts {
			return &UnavailableError{Op: op, Attempts: n, Last: err}
		}
		d := p.wait(n, retryAfter, r.draw)
		r.logger.LogAttrs(ctx, slog.LevelWarn, "amazon call retried",
			slog.String("op", op), slog.Int("attempt", n), slog.Duration("wait", d), slog.String("error", err.Error()))
		if err := p.Sleep(ctx, d); err != nil {
			return fmt.Errorf("%s: waiting to retry: %w", op, err)
		}
	}
}

// retryable says whether an attempt's error is worth another attempt, and
// the server's advice on when.
func retryable(err error) (time.Duration, bool) {
	var api *APIError
	if errors.As(err, &api) {
		return api.retryAfter, api.transient()
	}
	var perm permanentError
	if errors.As(err, &perm) {
		return 0, false
	}
	return 0, true // network failures, attempt deadlines, cut-off bodies
}
