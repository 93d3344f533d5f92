package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimit is the request budget of each API key: a token bucket that holds
// Burst requests and refills at PerSecond requests a second.
//
// The buckets live in the memory of one instance: with several instances
// behind a load balancer a key may spend up to one budget on each.
type RateLimit struct {
	PerSecond float64 // default 20
	Burst     int     // default 100
	Disabled  bool    // no limit and no RateLimit-* headers
}

// DefaultRateLimit is 20 requests a second with bursts of 100.
var DefaultRateLimit = RateLimit{PerSecond: 20, Burst: 100}

func (l RateLimit) withDefaults() RateLimit {
	if l.PerSecond <= 0 {
		l.PerSecond = DefaultRateLimit.PerSecond
	}
	if l.Burst <= 0 {
		l.Burst = DefaultRateLimit.Burst
	}
	return l
}

// limiter holds one token bucket per API key ID.
type limiter struct {
	cfg       RateLimit
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

// bucket is a key's tokens as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(cfg RateLimit) *limiter {
	return &limiter{cfg: cfg.withDefaults(), buckets: map[string]*bucket{}}
}

// verdict is what the limiter says of one request.
type verdict struct {
	allowed    bool
	remaining  int           // whole requests left after this one
	reset      time.Duration // until the bucket is full again
	retryAfter time.Duration // until the next request is allowed (when refused)
}

// take spends one request of key's budget at now, if there is one.
func (l *limiter) take(key string, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	burst, rate := float64(l.cfg.Burst), l.cfg.PerSecond
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: burst, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 { // a clock going back refills nothing
		b.tokens = math.Min(burst, b.tokens+elapsed.Seconds()*rate)
		b.at = now
	}
	v := verdict{allowed: b.tokens >= 1}
	if v.allowed {
		b.tokens--
	} else {
		v.retryAfter = seconds((1 - b.tokens) / rate)
	}
	v.remaining = int(math.Floor(b.tokens))
	v.reset = seconds((burst - b.tokens) / rate)
	return v
}

// sweep drops the buckets that have refilled: a full bucket is the same as
// none, so memory holds only the keys used within the last window.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window() {
		return
	}
	l.lastSweep = now
	for key, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.cfg.PerSecond >= float64(l.cfg.Burst) {
			delete(l.buckets, key)
		}
	}
}

// window is how long an empty bucket takes to fill.
func (l *limiter) window() time.Duration {
	return seconds(float64(l.cfg.Burst) / l.cfg.PerSecond)
}

// forget drops a key's bucket (the key was revoked).
func (l *limiter) forget(key string) {
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

// size is the number of buckets held (for tests of the memory bound).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// limit spends a request of the key's budget and writes the RateLimit headers
// (draft-ietf-httpapi-ratelimit-headers); it answers 429 and returns false
// when the budget is spent.
func (s *Server) limit(w http.ResponseWriter, keyID string) bool {
	if s.limits == nil {
		return true
	}
	v := s.limits.take(keyID, s.now())
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(s.limits.cfg.Burst))
	h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(wholeSeconds(v.reset)))
	h.Set("RateLimit-Policy", strconv.Itoa(s.limits.cfg.Burst)+";w="+strconv.Itoa(max(1, wholeSeconds(s.limits.window()))))
	if v.allowed {
		return true
	}
	retry := max(1, wholeSeconds(v.retryAfter))
	h.Set("Retry-After", strconv.Itoa(retry))
	writeError(w, http.StatusTooManyRequests, "rate_limited", fmt.Sprintf(
		"this API key has spent its request budget (%d at once, %g a second); retry after %ds", s.limits.cfg.Burst, s.limits.cfg.PerSecond, retry))
	return false
}

// wholeSeconds rounds up, so a client that waits that long is never early.
func wholeSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
