package store_test

import (
	"fmt"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestUpsertFindsATransactionStoredByAnotherGroup: UpsertStored is handed
// the stored transactions of the groups it writes, and a transaction it
// writes may be stored under another group all the same: a legacy row
// without one (an empty group_key), a bounty whose re-issue changed its amount
// (its group, not its row key), or one this very write transaction
// inserted under another group, on a connection that had none before (the
// case the upsert answers without a lookup, from the ids it inserted).
// Each must come out updated, under its new group, not fail as a second
// insert of its id.
func TestUpsertFindsATransactionStoredByAnotherGroup(t *testing.T) {
	cases := []struct {
		name      string
		group     string // the group the transaction is stored under
		sameWrite bool   // stored in the write transaction that regroups it
	}{
		{"legacy row without a group", "", false},
		{"another group, an earlier write", "b:old", false},
		{"another group, the same write", "b:old", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, s *store.Store) {
				f := newFixture(t, s, "acme")
				x := makeTx(f.conn, 1)
				id := model.TransactionID(f.conn.ID, x.SourceKey)
				regrouped := x
				regrouped.Commission = 450
				write := func(tx *store.Tx, group string, x model.Transaction) (store.UpsertStats, error) {
					stored, err := tx.TransactionsOfGroups(ctx, f.ws.ID, f.conn.ID, []string{group})
					if err != nil {
						return store.UpsertStats{}, err
					}
					return tx.UpsertStored(ctx, f.ws.ID, []store.TxWrite{{Tx: x, Group: group, Reason: "regrouped", Source: "t:1"}}, stored)
				}
				var st store.UpsertStats
				err := s.Write(ctx, func(tx *store.Tx) error {
					if c.sameWrite {
						if _, err := write(tx, c.group, x); err != nil {
							return err
						}
					} else if _, err := tx.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{{Tx: x, Group: c.group}}); err != nil {
						return err
					}
					if c.sameWrite {
						var err error
						st, err = write(tx, "b:new", regrouped)
						return err
					}
					return nil
				})
				if err == nil && !c.sameWrite {
					err = s.Write(ctx, func(tx *store.Tx) error {
						var err error
						st, err = write(tx, "b:new", regrouped)
						return err
					})
				}
				if err != nil {
					t.Fatal(err)
				}
				if st != (store.UpsertStats{Updated: 1}) {
					t.Fatalf("upsert under the new group: %+v, want one update", st)
				}
				got, err := s.Transaction(ctx, f.ws.ID, id)
				if err != nil || got.Commission != 450 {
					t.Fatalf("transaction after the upsert: %+v, %v", got, err)
				}
				if n, err := s.CountTransactions(ctx, f.ws.ID); err != nil || n != 1 {
					t.Fatalf("%d transactions (%v), want 1", n, err)
				}
				err = s.Write(ctx, func(tx *store.Tx) error {
					for group, want := range map[string]int{"b:new": 1, c.group: 0} {
						stored, err := tx.TransactionsOfGroups(ctx, f.ws.ID, f.conn.ID, []string{group})
						if err != nil {
							return err
						}
						if len(stored.Groups()) != want {
							return fmt.Errorf("group %q holds %v, want %d transactions", group, stored.Groups(), want)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// TestFirstWriteLooksUpNoNewTransaction: the transactions of a connection
// that had none are inserted without a lookup of their ids; once it has
// some, the ids its group reads do not answer are looked up again.
func TestFirstWriteLooksUpNoNewTransaction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		other := newFixture(t, s, "other") // another connection's rows do not make acme's stale
		if _, err := s.UpsertTransactions(ctx, other.ws.ID, batchOf(other.conn, 0, 3)); err != nil {
			t.Fatal(err)
		}
		upsert := func(from, n int) int64 {
			t.Helper()
			before := s.ProbedIDsForTest()
			batch := batchOf(f.conn, from, n)
			var groups []string
			for _, w := range batch {
				groups = append(groups, w.Group)
			}
			err := s.Write(ctx, func(tx *store.Tx) error {
				// In batches, as an import writes them: the second one's
				// connection has the first one's rows by then.
				for _, part := range [][]store.TxWrite{batch[:n/2], batch[n/2:]} {
					stored, err := tx.TransactionsOfGroups(ctx, f.ws.ID, f.conn.ID, groups)
					if err != nil {
						return err
					}
					if _, err := tx.UpsertStored(ctx, f.ws.ID, part, stored); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return s.ProbedIDsForTest() - before
		}
		if probed := upsert(0, 40); probed != 0 {
			t.Errorf("first write looked up %d ids, want none", probed)
		}
		if probed := upsert(40, 10); probed != 10 {
			t.Errorf("second write looked up %d ids, want its 10 new ones", probed)
		}
		if n, err := s.CountTransactions(ctx, f.ws.ID); err != nil || n != 50 {
			t.Fatalf("%d transactions (%v), want 50", n, err)
		}
	})
}
