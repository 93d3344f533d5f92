package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func newHook(t *testing.T, s *store.Store, f fixture, url string, events ...string) store.Webhook {
	t.Helper()
	w, err := s.CreateWebhook(ctx, testBox(t), store.Webhook{WorkspaceID: f.ws.ID, URL: url, Events: events}, "whsec_"+f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func hookDeliveries(t *testing.T, s *store.Store, f fixture, hookID string) []store.Delivery {
	t.Helper()
	list, err := s.Deliveries(ctx, f.ws.ID, hookID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestUpdateWebhook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, b := newFixture(t, s, "a"), newFixture(t, s, "b")
		hook := newHook(t, s, a, "https://example.com/old", "transaction.created")
		now := time.Now()

		got, err := s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{URL: ptr("https://example.com/new"),
			Description: ptr("books"), Events: []string{"transaction.updated"}}, now)
		if err != nil {
			t.Fatal(err)
		}
		read, err := s.Webhook(ctx, a.ws.ID, hook.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []store.Webhook{got, read} {
			if w.URL != "https://example.com/new" || w.Description != "books" || !slices.Equal(w.Events, []string{"transaction.updated"}) ||
				!w.Active || w.ID != hook.ID || !w.CreatedAt.Equal(read.CreatedAt) {
				t.Fatalf("after the edit: %+v", w)
			}
		}
		if sec, err := s.WebhookSecret(ctx, testBox(t), a.ws.ID, hook.ID); err != nil || sec != "whsec_"+a.ws.ID {
			t.Fatalf("the edit changed the secret: %q %v", sec, err)
		}

		// Absent fields stay; an empty description is a change.
		got, err = s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{Description: ptr("")}, now)
		if err != nil || got.URL != "https://example.com/new" || got.Description != "" || !slices.Equal(got.Events, []string{"transaction.updated"}) {
			t.Fatalf("description only: %+v %v", got, err)
		}

		// The new events decide what is queued.
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 0, 2)); err != nil {
			t.Fatal(err)
		}
		if n := len(hookDeliveries(t, s, a, hook.ID)); n != 0 {
			t.Fatalf("%d transaction.created deliveries to a webhook that now wants transaction.updated only", n)
		}

		// Another workspace's id, or none, is not found, and changes nothing.
		for _, c := range []struct{ ws, id string }{{b.ws.ID, hook.ID}, {a.ws.ID, "wh_missing"}} {
			if _, err := s.UpdateWebhook(ctx, c.ws, c.id, store.WebhookChange{URL: ptr("https://evil.example/"), Active: ptr(false)}, now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("update %s in %s: %v, want not found", c.id, c.ws, err)
			}
		}
		if w, _ := s.Webhook(ctx, a.ws.ID, hook.ID); w.URL != "https://example.com/new" || !w.Active {
			t.Fatalf("a refused update changed the webhook: %+v", w)
		}
	})
}

// A paused webhook gets no new deliveries; the pending ones wait, unsent,
// and go out when it is resumed, with a fresh retry window.
func TestPausedWebhookHoldsItsDeliveries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, b := newFixture(t, s, "a"), newFixture(t, s, "b")
		hook := newHook(t, s, a, "https://example.com/a", "transaction.created")
		other := newHook(t, s, b, "https://example.com/b", "transaction.created")
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 0, 3)); err != nil {
			t.Fatal(err)
		}
		base := time.Now().UTC().Truncate(time.Millisecond).Add(time.Second)

		// One delivery is in flight when the pause comes.
		inFlight, err := s.ClaimDeliveries(ctx, "sender", base, time.Minute, 1)
		if err != nil || len(inFlight) != 1 || inFlight[0].WebhookID != hook.ID {
			t.Fatalf("claim: %+v %v", inFlight, err)
		}
		paused, err := s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{Active: ptr(false)}, base)
		if err != nil || paused.Active {
			t.Fatalf("pause: %+v %v", paused, err)
		}
		for _, d := range hookDeliveries(t, s, a, hook.ID) {
			if held := d.ID != inFlight[0].ID; held && d.NextAttemptAt != nil || !held && d.NextAttemptAt == nil {
				t.Fatalf("after the pause, delivery %d (in flight: %v) is due at %v", d.ID, !held, d.NextAttemptAt)
			}
		}

		// No new deliveries while paused; another workspace's webhook goes on.
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 3, 2)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, b.ws.ID, batchOf(b.conn, 0, 1)); err != nil {
			t.Fatal(err)
		}
		if n := len(hookDeliveries(t, s, a, hook.ID)); n != 3 {
			t.Fatalf("%d deliveries after writes while paused, want the 3 from before", n)
		}
		// The sender in flight still records its failure, and its retry waits too.
		retry := base.Add(30 * time.Second)
		if ok, err := s.RecordAttempt(ctx, store.AttemptResult{Attempt: store.Attempt{At: base, StatusCode: 500, Error: "HTTP 500"},
			DeliveryID: inFlight[0].ID, WorkspaceID: a.ws.ID, Owner: "sender", NextAttemptAt: &retry}); err != nil || !ok {
			t.Fatalf("record: %v %v", ok, err)
		}
		later := base.Add(2 * time.Hour)
		got, err := s.ClaimDeliveries(ctx, "sender", later, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].WebhookID != other.ID {
			t.Fatalf("claimed while paused: %+v %v; want only the other workspace's one", got, err)
		}
		// A redelivery asked for while paused waits as well.
		if err := s.Redeliver(ctx, a.ws.ID, hook.ID, inFlight[0].ID, later); err != nil {
			t.Fatal(err)
		}
		if d, _ := s.Delivery(ctx, a.ws.ID, hook.ID, inFlight[0].ID); d.Status != store.DeliveryPending || d.NextAttemptAt != nil {
			t.Fatalf("redelivered while paused: %s, due at %v", d.Status, d.NextAttemptAt)
		}
		if got, _ := s.ClaimDeliveries(ctx, "sender", later, time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed %d more while paused", len(got))
		}

		// Resumed: all three due at once, each with a fresh window.
		if w, err := s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{Active: ptr(true)}, later); err != nil || !w.Active {
			t.Fatalf("resume: %+v %v", w, err)
		}
		for _, d := range hookDeliveries(t, s, a, hook.ID) {
			if d.Status != store.DeliveryPending || d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(later) || d.Attempts != 0 || d.FirstAttemptAt != nil {
				t.Fatalf("after the resume: %+v", d)
			}
		}
		got, err = s.ClaimDeliveries(ctx, "sender", later, time.Minute, 10)
		if err != nil || len(got) != 3 {
			t.Fatalf("after the resume claimed %d, %v; want 3", len(got), err)
		}
		for _, o := range got {
			if o.WebhookID != hook.ID || o.URL != "https://example.com/a" {
				t.Fatalf("claimed %+v", o)
			}
		}

		// Pausing and resuming again leaves deliveries in flight to their
		// sender: no second sender gets them before their lease ends.
		for _, on := range []bool{false, true} {
			if _, err := s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{Active: ptr(on)}, later.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		if again, _ := s.ClaimDeliveries(ctx, "another", later.Add(time.Second), time.Minute, 10); len(again) != 0 {
			t.Fatalf("a resume handed %d deliveries in flight to a second sender", len(again))
		}
		// Setting active to what it already is changes no schedule.
		if _, err := s.UpdateWebhook(ctx, a.ws.ID, hook.ID, store.WebhookChange{Active: ptr(true)}, later.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		for _, d := range hookDeliveries(t, s, a, hook.ID) {
			if d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(later.Add(time.Minute)) {
				t.Fatalf("an active webhook set active again rescheduled delivery %d to %v", d.ID, d.NextAttemptAt)
			}
		}
	})
}

// Deliveries an instance claimed and gives back are due at once for another.
func TestReleaseDeliveries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newFixture(t, s, "a")
		newHook(t, s, a, "https://example.com/a", "transaction.created")
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 0, 3)); err != nil {
			t.Fatal(err)
		}
		base := time.Now().UTC().Truncate(time.Millisecond).Add(time.Second)
		mine, err := s.ClaimDeliveries(ctx, "stopping", base, time.Hour, 2)
		if err != nil || len(mine) != 2 {
			t.Fatalf("claim: %d %v", len(mine), err)
		}
		if got, _ := s.ClaimDeliveries(ctx, "other", base, time.Hour, 10); len(got) != 1 {
			t.Fatalf("other instance claimed %d while the lease holds, want the one left", len(got))
		}
		// Only the owner's own claims go back.
		if n, err := s.ReleaseDeliveries(ctx, "someone", base, []int64{mine[0].ID}); err != nil || n != 0 {
			t.Fatalf("release by another owner: %d %v", n, err)
		}
		if n, err := s.ReleaseDeliveries(ctx, "stopping", base, []int64{mine[0].ID, mine[1].ID}); err != nil || n != 2 {
			t.Fatalf("release: %d %v", n, err)
		}
		got, err := s.ClaimDeliveries(ctx, "other", base, time.Hour, 10)
		if err != nil || len(got) != 2 || got[0].ID != mine[0].ID || got[1].ID != mine[1].ID {
			t.Fatalf("after the release, the other instance claimed %+v %v; want the 2 released", got, err)
		}
	})
}
