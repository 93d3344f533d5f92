package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The few reads an operator's metrics take at scrape time: each is one
// indexed query, cheap enough to run every few seconds.

// WebhookQueue is what waits in the webhook delivery queue at a moment.
type WebhookQueue struct {
	Pending int64 // deliveries of active webhooks waiting to be sent
	Paused  int64 // deliveries held by paused webhooks
	// OldestPending is when the oldest pending delivery of an active webhook
	// was queued; nil when there is none. Paused webhooks hold theirs on
	// purpose, so they do not age the queue.
	OldestPending *time.Time
}

// WebhookQueue counts the pending deliveries (index webhook_deliveries_ended
// on status, created_at; the webhooks are a handful of rows).
func (s *Store) WebhookQueue(ctx context.Context) (WebhookQueue, error) {
	var q WebhookQueue
	rows, err := s.read.QueryContext(ctx, `SELECT w.active, COUNT(*), MIN(d.created_at) FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' GROUP BY w.active`)
	if err != nil {
		return q, fmt.Errorf("webhook queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var active bool
		var n int64
		var oldest scanTime
		if err := rows.Scan(&active, &n, &oldest); err != nil {
			return q, fmt.Errorf("webhook queue: %w", err)
		}
		if active {
			q.Pending, q.OldestPending = n, oldest.ptr()
		} else {
			q.Paused = n
		}
	}
	if err := rows.Err(); err != nil {
		return q, fmt.Errorf("webhook queue: %w", err)
	}
	return q, nil
}

// SyncBacklog is the scheduler's lag: connections due that no instance has
// started.
type SyncBacklog struct {
	Due       int64
	OldestDue *time.Time // the earliest next_run_at among them; nil when none
}

// SyncBacklog counts the connections due at now and not leased, as ClaimDue
// would find them (index connections_due).
func (s *Store) SyncBacklog(ctx context.Context, now time.Time) (SyncBacklog, error) {
	var b SyncBacklog
	var oldest scanTime
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*), MIN(next_run_at) FROM connections WHERE status <> 'disabled'
		AND next_run_at IS NOT NULL AND next_run_at <= $1 AND (lease_until IS NULL OR lease_until < $1)`, s.ts(now)).Scan(&b.Due, &oldest)
	if err != nil {
		return b, fmt.Errorf("sync backlog: %w", err)
	}
	b.OldestDue = oldest.ptr()
	return b, nil
}

// PoolStats are the counters of one database/sql pool.
type PoolStats struct {
	Name string // "write" and "read" on SQLite; "shared" on PostgreSQL
	sql.DBStats
}

// PoolStats reads the pools' counters (no query).
func (s *Store) PoolStats() []PoolStats {
	if s.read.DB == s.write {
		return []PoolStats{{Name: "shared", DBStats: s.write.Stats()}}
	}
	return []PoolStats{{Name: "write", DBStats: s.write.Stats()}, {Name: "read", DBStats: s.read.DB.Stats()}}
}
