package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// drawMax and drawMin are the extremes of the jitter's uniform draw.
func drawMax(n int64) int64 { return n - 1 }
func drawMin(int64) int64   { return 0 }

func TestBackoff(t *testing.T) {
	p := RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 4 * time.Second}.withDefaults()
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{
		{1, 500 * time.Millisecond},
		{2, time.Second},
		{3, 2 * time.Second},
		{4, 4 * time.Second},
		{5, 4 * time.Second},
		{200, 4 * time.Second},
	}
	for _, tc := range tests {
		if got := p.backoff(tc.attempt, drawMax); got != tc.ceiling {
			t.Errorf("backoff(%d) at the top of the jitter = %v, want %v", tc.attempt, got, tc.ceiling)
		}
		if got := p.backoff(tc.attempt, drawMin); got != 0 {
			t.Errorf("backoff(%d) at the bottom of the jitter = %v, want 0 (full jitter)", tc.attempt, got)
		}
	}
}

func TestWait(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 10 * time.Second}.withDefaults()
	tests := []struct {
		name       string
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"Retry-After is honoured", 1, 3 * time.Second, 3 * time.Second},
		{"Retry-After is capped", 1, time.Hour, 10 * time.Second},
		{"no advice: backoff", 3, 0, 4 * time.Second},
	}
	for _, tc := range tests {
		if got := p.wait(tc.attempt, tc.retryAfter, drawMax); got != tc.want {
			t.Errorf("%s: wait = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{MaxDelay: 48 * time.Hour, BaseDelay: 72 * time.Hour}.withDefaults()
	if got.MaxAttempts != 6 || got.CallTimeout != time.Minute || got.Sleep == nil {
		t.Errorf("defaults: %+v", got)
	}
	if got.MaxDelay != maxWait || got.BaseDelay != maxWait {
		t.Errorf("delays not capped at %v: base %v, max %v", maxWait, got.BaseDelay, got.MaxDelay)
	}
	got = RetryPolicy{}.withDefaults()
	if got.BaseDelay != 500*time.Millisecond || got.MaxDelay != 30*time.Second {
		t.Errorf("default delays: base %v, max %v", got.BaseDelay, got.MaxDelay)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"999999999", 0}, // more than a day: nonsense, not advice
		{"soon", 0},
		{"Thu, 15 Oct 2026 09:01:30 GMT", 90 * time.Second},
		{"Thu, 15 Oct 2026 08:59:00 GMT", 0}, // in the past
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.header, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

// sleeps records the waits a retrier asks for, without waiting.
type sleeps []time.Duration

func (s *sleeps) sleep(_ context.Context, d time.Duration) error { *s = append(*s, d); return nil }

func TestRun(t *testing.T) {
	throttled := &APIError{Status: http.StatusTooManyRequests, Type: "ThrottleException", retryAfter: 2 * time.Second}
	broken := &APIError{Status: http.StatusInternalServerError, Type: "InternalServerException"}
	notFound := &APIError{Status: http.StatusNotFound, Type: "ResourceNotFoundException"}
	netErr := fmt.Errorf("read: %w", io.ErrUnexpectedEOF)
	tests := []struct {
		name     string
		answers  []error // one per attempt; attempts past the end succeed
		attempts int
		sleeps   []time.Duration
		wantErr  error // nil for success
		giveUp   bool  // an *UnavailableError
	}{
		{"first attempt succeeds", nil, 1, nil, nil, false},
		{"429 waits Retry-After", []error{throttled}, 2, []time.Duration{2 * time.Second}, nil, false},
		{"500 waits the backoff", []error{broken, broken}, 3, []time.Duration{time.Second, 2 * time.Second}, nil, false},
		{"network error retried", []error{netErr}, 2, []time.Duration{time.Second}, nil, false},
		{"404 stops at once", []error{notFound}, 1, nil, notFound, false},
		{"permanent stops at once", []error{permanent(io.ErrShortWrite)}, 1, nil, io.ErrShortWrite, false},
		{"gives up after MaxAttempts", []error{broken, throttled, broken, broken}, 3, []time.Duration{time.Second, 2 * time.Second}, broken, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var slept sleeps
			r := newRetrier(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 10 * time.Second, Sleep: slept.sleep}, nil, nil)
			r.draw = drawMax
			calls := 0
			err := r.run(context.Background(), "op", time.Minute, func(ctx context.Context) error {
				calls++
				if _, ok := ctx.Deadline(); !ok {
					t.Error("the attempt has no deadline")
				}
				if calls <= len(tc.answers) {
					return tc.answers[calls-1]
				}
				return nil
			})
			if calls != tc.attempts {
				t.Errorf("%d attempts, want %d", calls, tc.attempts)
			}
			if fmt.Sprint(slept) != fmt.Sprint(sleeps(tc.sleeps)) {
				t.Errorf("waits %v, want %v", slept, tc.sleeps)
			}
			if (err == nil) != (tc.wantErr == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			var un *UnavailableError
			if errors.As(err, &un) != tc.giveUp {
				t.Errorf("error %v: gave up = %v, want %v", err, !tc.giveUp, tc.giveUp)
			}
		})
	}
}

func TestRunStopsWhenTheCallerCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := newRetrier(RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }}, nil, nil)
	calls := 0
	err := r.run(ctx, "op", time.Minute, func(context.Context) error {
		calls++
		return &APIError{Status: http.StatusServiceUnavailable}
	})
	if calls != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("%d calls, error %v; want 1 call and context.Canceled", calls, err)
	}
}

func TestAttemptDeadlineIsRetried(t *testing.T) {
	var slept sleeps
	r := newRetrier(RetryPolicy{MaxAttempts: 2, Sleep: slept.sleep}, nil, nil)
	calls := 0
	err := r.run(context.Background(), "op", time.Nanosecond, func(ctx context.Context) error {
		calls++
		<-ctx.Done() // a server that never answers
		return ctx.Err()
	})
	var un *UnavailableError
	if calls != 2 || !errors.As(err, &un) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%d calls, error %v; want 2 calls and a give-up after deadlines", calls, err)
	}
}
