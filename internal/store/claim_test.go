package store_test

import (
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestClaimsAndLeases(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		if got, err := s.ClaimDue(ctx, "a", now, time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("nothing scheduled yet: %v %v", got, err)
		}
		if err := s.ScheduleConnection(ctx, f.ws.ID, f.conn.ID, now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimDue(ctx, "a", now, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].ID != f.conn.ID {
			t.Fatalf("due connection: %v %v", got, err)
		}
		if again, _ := s.ClaimDue(ctx, "b", now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
			t.Fatal("another instance claimed a leased connection")
		}
		if ok, _ := s.ClaimConnection(ctx, f.ws.ID, f.conn.ID, "b", now.Add(30*time.Second), time.Minute); ok {
			t.Fatal("a manual claim took a live lease")
		}
		if ok, _ := s.RenewLease(ctx, f.conn.ID, "a", now.Add(2*time.Minute)); !ok {
			t.Fatal("the owner could not renew its lease")
		}
		if ok, _ := s.RenewLease(ctx, f.conn.ID, "b", now.Add(2*time.Minute)); ok {
			t.Fatal("another instance renewed a lease it does not hold")
		}
		// Instance a dies: once its lease expires, b takes the connection over.
		taken, err := s.ClaimDue(ctx, "b", now.Add(3*time.Minute), time.Minute, 10)
		if err != nil || len(taken) != 1 {
			t.Fatalf("takeover of an expired lease: %v %v", taken, err)
		}
		next := now.Add(time.Hour)
		if err := s.ReleaseConnection(ctx, f.conn.ID, "b", store.SyncOutcome{Status: store.ConnError, LastError: "boom", NextRunAt: next, FailCount: 1}); err != nil {
			t.Fatal(err)
		}
		c, _ := s.Connection(ctx, f.ws.ID, f.conn.ID)
		if c.Status != store.ConnError || c.LastError != "boom" || c.FailCount != 1 || c.NextRunAt == nil || !c.NextRunAt.Equal(next) {
			t.Fatalf("after release: %+v", c)
		}
		if got, _ := s.ClaimDue(ctx, "a", now.Add(30*time.Minute), time.Minute, 10); len(got) != 0 {
			t.Fatal("claimed before its next run")
		}
		if ok, _ := s.ClaimConnection(ctx, f.ws.ID, f.conn.ID, "a", now.Add(30*time.Minute), time.Minute); !ok {
			t.Fatal("a manual sync could not claim a free connection")
		}
	})
}

// TestTakeoverClosesAbandonedRun: the run of an instance that died mid-sync
// is closed as abandoned when the instance that took the connection over
// starts its own, instead of staying "running" for ever.
func TestTakeoverClosesAbandonedRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		dead, err := s.StartRun(ctx, f.ws.ID, f.conn.ID, "schedule")
		if err != nil {
			t.Fatal(err)
		}
		live, err := s.StartRun(ctx, f.ws.ID, f.conn.ID, "schedule")
		if err != nil {
			t.Fatal(err)
		}
		live.Outcome, live.Files = "ok", 3
		if err := s.FinishRun(ctx, live); err != nil {
			t.Fatal(err)
		}
		runs, err := s.Runs(ctx, f.ws.ID, f.conn.ID, 10)
		if err != nil || len(runs) != 2 {
			t.Fatalf("runs: %+v %v", runs, err)
		}
		if runs[0].ID != live.ID || runs[0].Outcome != "ok" || runs[0].Files != 3 {
			t.Fatalf("the live run: %+v", runs[0])
		}
		if runs[1].ID != dead.ID || runs[1].Outcome != "error" || runs[1].Error != store.AbandonedRun || runs[1].FinishedAt == nil {
			t.Fatalf("the dead instance's run: %+v", runs[1])
		}
	})
}
