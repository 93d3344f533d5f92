package store_test

import (
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// The webhook queue counts pending deliveries of active webhooks apart from
// those a paused webhook holds, and ages only the former; delivered ones
// leave it.
func TestWebhookQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, b := newFixture(t, s, "a"), newFixture(t, s, "b")
		if q, err := s.WebhookQueue(ctx); err != nil || q != (store.WebhookQueue{}) {
			t.Fatalf("empty queue: %+v %v", q, err)
		}
		before := time.Now().UTC().Add(-time.Second)
		newHook(t, s, a, "https://example.com/a", "transaction.created")
		held := newHook(t, s, b, "https://example.com/b", "transaction.created")
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 0, 3)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, b.ws.ID, batchOf(b.conn, 0, 2)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateWebhook(ctx, b.ws.ID, held.ID, store.WebhookChange{Active: ptr(false)}, time.Now()); err != nil {
			t.Fatal(err)
		}
		q, err := s.WebhookQueue(ctx)
		if err != nil || q.Pending != 3 || q.Paused != 2 || q.OldestPending == nil ||
			q.OldestPending.Before(before) || q.OldestPending.After(time.Now().Add(time.Second)) {
			t.Fatalf("queue: %+v %v; want 3 pending since about now, 2 paused", q, err)
		}

		now := time.Now().Add(time.Second)
		got, err := s.ClaimDeliveries(ctx, "sender", now, time.Minute, 10)
		if err != nil || len(got) != 3 {
			t.Fatalf("claim: %d %v", len(got), err)
		}
		for _, d := range got[:2] {
			if _, err := s.RecordAttempt(ctx, store.AttemptResult{Attempt: store.Attempt{At: now, StatusCode: 200},
				DeliveryID: d.ID, WorkspaceID: a.ws.ID, Owner: "sender", Delivered: true}); err != nil {
				t.Fatal(err)
			}
		}
		if q, err := s.WebhookQueue(ctx); err != nil || q.Pending != 1 || q.Paused != 2 {
			t.Fatalf("after two deliveries: %+v %v", q, err)
		}
	})
}

// The sync backlog is the connections due and not leased: what ClaimDue
// would take.
func TestSyncBacklog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, b, c := newFixture(t, s, "a"), newFixture(t, s, "b"), newFixture(t, s, "c")
		now := time.Now().UTC().Truncate(time.Millisecond)
		if got, err := s.SyncBacklog(ctx, now); err != nil || got.Due != 0 || got.OldestDue != nil {
			t.Fatalf("nothing scheduled: %+v %v", got, err)
		}
		for _, x := range []struct {
			f  fixture
			at time.Time
		}{{a, now.Add(-time.Minute)}, {b, now.Add(-10 * time.Second)}, {c, now.Add(time.Hour)}} {
			if err := s.ScheduleConnection(ctx, x.f.ws.ID, x.f.conn.ID, x.at); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SyncBacklog(ctx, now)
		if err != nil || got.Due != 2 || got.OldestDue == nil || !got.OldestDue.Equal(now.Add(-time.Minute)) {
			t.Fatalf("two due: %+v %v", got, err)
		}
		// Claimed: started, so no longer lag.
		if ok, err := s.ClaimConnection(ctx, a.ws.ID, a.conn.ID, "me", now, time.Minute); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		got, err = s.SyncBacklog(ctx, now)
		if err != nil || got.Due != 1 || got.OldestDue == nil || !got.OldestDue.Equal(now.Add(-10*time.Second)) {
			t.Fatalf("one claimed: %+v %v", got, err)
		}
		// A lease that ran out is due again.
		if got, err := s.SyncBacklog(ctx, now.Add(2*time.Minute)); err != nil || got.Due != 2 {
			t.Fatalf("after the lease: %+v %v", got, err)
		}
		if err := s.SetConnectionStatus(ctx, b.ws.ID, b.conn.ID, store.ConnDisabled, ""); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SyncBacklog(ctx, now); err != nil || got.Due != 0 {
			t.Fatalf("one claimed, one disabled: %+v %v", got, err)
		}
	})
}

func TestPoolStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		pools := s.PoolStats()
		want := map[store.Dialect][]string{store.SQLite: {"write", "read"}, store.Postgres: {"shared"}}[s.Dialect()]
		if len(pools) != len(want) {
			t.Fatalf("pools %+v, want %v", pools, want)
		}
		for i, p := range pools {
			if p.Name != want[i] || p.MaxOpenConnections < 1 || p.OpenConnections < 1 {
				t.Fatalf("pool %d: %+v, want %s, open after the migration", i, p, want[i])
			}
		}
	})
}
