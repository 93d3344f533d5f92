package api_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// A removed transaction answers 410 deleted, is missing from the plain
// listing, appears once in time_type=updated at the place of its removal
// (after the rows changed before it), and when it comes back it is a live
// row again, after the point the tombstone held. Old tombstones are pruned.
func TestRemovedTransactions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		a := e.a
		c := client.New(e.url, a.readKey)
		gone := a.firstTxID
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTransactions(ctx, a.ws.ID, []string{gone}) }); err != nil {
			t.Fatal(err)
		}
		var detail apiError
		if code := e.do("GET", "/v1/transactions/"+gone, a.readKey, "", &detail); code != http.StatusGone || detail.Error.Code != "deleted" {
			t.Fatalf("GET a removed transaction: %d %+v, want 410 deleted", code, detail)
		}
		var ae *client.Error
		if _, err := c.Transaction(ctx, gone); !errors.As(err, &ae) || ae.Status != http.StatusGone || ae.Code != "deleted" || !client.IsDeleted(err) {
			t.Fatalf("client: %v, want a 410 deleted", err)
		}
		// Another workspace does not learn that the id existed.
		if code := e.do("GET", "/v1/transactions/"+gone, e.b.readKey, "", &detail); code != http.StatusNotFound {
			t.Fatalf("GET from another workspace: %d, want 404", code)
		}
		ids := func(q client.TransactionQuery) (live, dead []string) {
			t.Helper()
			for x, err := range c.AllTransactions(ctx, q) {
				if err != nil {
					t.Fatal(err)
				}
				if x.Deleted {
					if x.DeletedAt == nil || x.Customs[0] != "u-0" || x.Commission != "2.40" || len(x.Items) != 1 {
						t.Fatalf("tombstone is not the last state with deleted_at: %+v", x)
					}
					dead = append(dead, x.ID)
				} else {
					live = append(live, x.ID)
				}
			}
			return live, dead
		}
		for _, c := range []struct {
			q    client.TransactionQuery
			live int
		}{{client.TransactionQuery{}, 4}, {client.TransactionQuery{TimeType: "sold"}, 4}, {client.TransactionQuery{Custom: "u-0"}, 0},
			{client.TransactionQuery{Status: "pending"}, 4}} {
			if live, dead := ids(c.q); len(live) != c.live || len(dead) != 0 {
				t.Fatalf("%+v: %d live, %d tombstones; want %d and none", c.q, len(live), len(dead), c.live)
			}
		}
		for _, q := range []client.TransactionQuery{{TimeType: "updated"}, {TimeType: "updated", Limit: 1}, {TimeType: "updated", Custom: "u-0"},
			{TimeType: "updated", Since: time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)}} {
			live, dead := ids(q)
			if len(dead) != 1 || dead[0] != gone {
				t.Fatalf("%+v: tombstones %v, want [%s]", q, dead, gone)
			}
			if q.Custom == "" && len(live) != 4 {
				t.Fatalf("%+v: %d live", q, len(live))
			}
		}
		page, err := c.Transactions(ctx, client.TransactionQuery{TimeType: "updated"})
		if err != nil {
			t.Fatal(err)
		}
		if last := page.Data[len(page.Data)-1]; last.ID != gone || !last.Deleted {
			t.Fatalf("the removal is not last in update order: %+v", last)
		}
		// It comes back: a live row again, no tombstone left to undo it.
		back := txs(a.conn, 0, 1)
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, back); err != nil {
			t.Fatal(err)
		}
		if live, dead := ids(client.TransactionQuery{TimeType: "updated"}); len(live) != 5 || len(dead) != 0 || live[4] != gone {
			t.Fatalf("after the comeback: live %v, tombstones %v", live, dead)
		}
		if _, err := c.Transaction(ctx, gone); err != nil {
			t.Fatalf("GET after the comeback: %v", err)
		}
		// Pruned when old enough, not before.
		second := model.TransactionID(a.conn.ID, "s:u-1")
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTransactions(ctx, a.ws.ID, []string{second}) }); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneTombstones(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("prune of a fresh tombstone: %d, %v", n, err)
		}
		if n, err := s.PruneTombstones(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("prune: %d, %v; want 1", n, err)
		}
		if code := e.do("GET", "/v1/transactions/"+second, a.readKey, "", &detail); code != http.StatusNotFound {
			t.Fatalf("GET after the prune: %d, want 404", code)
		}
	})
}
