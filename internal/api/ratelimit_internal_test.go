package api

import (
	"fmt"
	"testing"
	"time"
)

// TestLimiterForgetsIdleKeys: memory holds only the keys used within the
// last window; an evicted key comes back with a full budget, as if kept.
func TestLimiterForgetsIdleKeys(t *testing.T) {
	l := newLimiter(RateLimit{PerSecond: 10, Burst: 10}) // window: 1s
	start := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		l.take(fmt.Sprintf("key_%d", i), start)
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d buckets after 1000 keys, want 1000", n)
	}
	// Half a window later no sweep is due; key_0 spends its whole budget.
	for range 10 {
		if v := l.take("key_0", start.Add(500*time.Millisecond)); !v.allowed || l.size() != 1000 {
			t.Fatalf("half a window: %+v, %d buckets", v, l.size())
		}
	}
	// A window later every bucket but the one just used is full again.
	v := l.take("busy", start.Add(1100*time.Millisecond))
	if !v.allowed || v.remaining != 9 {
		t.Fatalf("busy key: %+v", v)
	}
	if n := l.size(); n != 2 { // key_0 (emptied at 0.5s, 6 of 10 back) and busy
		t.Fatalf("%d buckets after the sweep, want 2", n)
	}
	if v := l.take("key_1", start.Add(1100*time.Millisecond)); v.remaining != 9 {
		t.Fatalf("evicted key came back with %+v, want a full budget", v)
	}
}
