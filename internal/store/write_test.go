package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// A write transaction is all or nothing, whether a constraint breaks in the
// middle (SQLite's multi-row INSERTs then end the transaction at once) or
// at commit (SQLite's deferred foreign keys); the store stays usable after.
func TestBrokenConstraintLeavesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		file := func(name string) store.ImportedFile {
			return store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: name, MD5: "m-" + name, Outcome: store.FileApplied}
		}
		known := func(name string) bool {
			t.Helper()
			ok, err := s.FileKnown(ctx, f.conn.ID, name, "m-"+name)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		cases := []struct {
			name  string
			write func(tx *store.Tx, fileID int64) error
		}{
			{"duplicate key in a multi-row insert", func(tx *store.Tx, fileID int64) error {
				covers := []store.Cover{{Day: day("2026-10-01"), TrackingID: "store-20"}, {Day: day("2026-10-02"), TrackingID: "store-20"}}
				if _, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, fileID, 1, day("2026-10-02"), covers); err != nil {
					return err
				}
				_, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, fileID, 1, day("2026-10-02"), covers[1:])
				return err
			}},
			{"transaction of a connection that does not exist", func(tx *store.Tx, fileID int64) error {
				_, err := tx.UpsertTransactions(ctx, f.ws.ID, batchOf(store.Connection{ID: "conn_missing", WorkspaceID: f.ws.ID, Network: "amazon"}, 10, 1))
				return err
			}},
			{"revenue of a connection that does not exist", func(tx *store.Tx, fileID int64) error {
				return tx.ReplaceRevenues(ctx, f.ws.ID, "conn_missing", []time.Time{day("2026-10-01")},
					[]model.Revenue{{Date: day("2026-10-01"), Channel: "store-20", Currency: "USD", SaleAmount: 100}})
			}},
			{"fact of a file that does not exist", func(tx *store.Tx, fileID int64) error {
				fact := model.Fact{ConnectionID: f.conn.ID, Report: model.ReportEarnings, Day: day("2026-10-01"), Key: "k", Currency: "USD"}
				return tx.InsertFacts(ctx, f.ws.ID, fileID+1000, []store.GroupedFact{{Fact: fact, Group: "g"}})
			}},
		}
		for _, c := range cases {
			err := s.Write(ctx, func(tx *store.Tx) error {
				id, err := tx.AddFile(ctx, file(c.name))
				if err != nil {
					return err
				}
				if _, err := tx.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 3)); err != nil {
					return err
				}
				return c.write(tx, id)
			})
			if err == nil {
				t.Fatalf("%s: the write succeeded", c.name)
			}
			if known(c.name) {
				t.Errorf("%s: the file of the failed transaction is stored", c.name)
			}
			if n, err := s.CountTransactions(ctx, f.ws.ID); err != nil || n != 0 {
				t.Errorf("%s: %d transactions of the failed transaction are stored (%v)", c.name, n, err)
			}
		}
		// The store goes on as before.
		err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.AddFile(ctx, file("good"))
			return err
		})
		if err != nil || !known("good") {
			t.Fatalf("a good write after the failed ones: %v, known %v", err, known("good"))
		}
	})
}

// On PostgreSQL a large write refreshes the statistics of what it wrote
// before it reads it back, and before it commits: planned as an empty
// table, an import's read-back of its own facts took seconds per lookup.
func TestLargeWritesRefreshStatistics(t *testing.T) {
	s := storetest.OpenPostgres(t)
	f := newFixture(t, s, "acme")
	const n = 6000
	facts := make([]store.GroupedFact, n)
	for i := range facts {
		facts[i] = store.GroupedFact{Group: fmt.Sprintf("g%d", i), Fact: model.Fact{ConnectionID: f.conn.ID, Report: model.ReportEarnings,
			Day: day("2026-10-01"), Key: fmt.Sprintf("k%d", i), Currency: "USD"}}
	}
	var beforeRead float64
	err := s.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "big.tsv", MD5: "m",
			Outcome: store.FileApplied})
		if err != nil {
			return err
		}
		if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
			return err
		}
		if _, err := tx.ActiveFactsOfGroups(ctx, f.conn.ID, []string{"g1"}); err != nil {
			return err
		}
		beforeRead, err = tx.PlannerRowsForTest(ctx, "facts")
		if err != nil {
			return err
		}
		_, err = tx.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, n))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if beforeRead < n {
		t.Errorf("facts: the planner saw %.0f rows when the write read them back, want %d", beforeRead, n)
	}
	var afterCommit float64
	if err := s.Write(ctx, func(tx *store.Tx) (err error) {
		afterCommit, err = tx.PlannerRowsForTest(ctx, "transactions")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if afterCommit < n {
		t.Errorf("transactions: the planner sees %.0f rows after the commit, want %d", afterCommit, n)
	}
}
