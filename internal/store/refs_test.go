package store_test

import (
	"fmt"
	"testing"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// fillConnection stores a file with facts, transactions with their customs,
// and the revenues of those facts under f's connection.
func fillConnection(t *testing.T, s *store.Store, f fixture) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "e.tsv", MD5: "m",
			Outcome: store.FileApplied})
		if err != nil {
			return err
		}
		var facts []store.GroupedFact
		for i := range 3 {
			facts = append(facts, store.GroupedFact{Group: fmt.Sprintf("g%d", i), Fact: model.Fact{ConnectionID: f.conn.ID,
				Report: model.ReportEarnings, Day: day("2026-10-01"), Key: fmt.Sprintf("k%d", i), Currency: "USD", TrackingID: "store-20",
				Quantity: 1, Revenue: 1000, Commission: 40}})
		}
		if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
			return err
		}
		if _, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, id, 1, day("2026-10-01"),
			[]store.Cover{{Day: day("2026-10-01"), TrackingID: "store-20"}}); err != nil {
			return err
		}
		if err := tx.ProjectRevenues(ctx, f.ws.ID, f.conn.ID, day("2026-10-01"), day("2026-10-01"), id, lifecycle.NewRevenueSums(lifecycle.ModeSubtags)); err != nil {
			return err
		}
		_, err = tx.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 3))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A deleted workspace takes with it its connections' facts, transactions
// (and their customs) and revenues, and nothing of another workspace: on
// PostgreSQL through triggers (migration 00012), on SQLite through keys.
func TestDeletedWorkspaceTakesItsRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		gone, kept := newFixture(t, s, "gone"), newFixture(t, s, "kept")
		fillConnection(t, s, gone)
		fillConnection(t, s, kept)
		count := func(table, conn string) int {
			t.Helper()
			var n int
			q := `SELECT COUNT(*) FROM ` + table + ` WHERE connection_id = '` + conn + `'`
			if table == "transaction_customs" {
				q = `SELECT COUNT(*) FROM transaction_customs c JOIN transactions x ON x.id = c.transaction_id WHERE x.connection_id = '` + conn + `'`
			}
			if err := s.QueryForTest(ctx, q, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		tables := []string{"facts", "transactions", "transaction_customs", "revenues"}
		for _, table := range tables {
			if count(table, gone.conn.ID) == 0 {
				t.Fatalf("%s: nothing stored to delete", table)
			}
		}
		if err := s.ExecForTest(ctx, "", `DELETE FROM workspaces WHERE id = $1`, gone.ws.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			if n := count(table, gone.conn.ID); n != 0 {
				t.Errorf("%s: %d rows of the deleted workspace's connection left", table, n)
			}
			if count(table, kept.conn.ID) == 0 {
				t.Errorf("%s: the other workspace's rows went too", table)
			}
		}
		var customs int
		if err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM transaction_customs WHERE workspace_id = '`+gone.ws.ID+`'`, &customs); err != nil || customs != 0 {
			t.Errorf("transaction_customs: %d rows of the deleted workspace left (%v)", customs, err)
		}
	})
}

// A write that stores rows under a connection holds that connection until
// it commits: a delete of the connection meanwhile waits (here: gives up
// on its lock timeout) rather than leave the rows without it.
func TestWriteHoldsItsConnection(t *testing.T) {
	s := storetest.OpenPostgres(t)
	f := newFixture(t, s, "held")
	var deleteErr error
	err := s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 2)); err != nil {
			return err
		}
		deleteErr = s.ExecForTest(ctx, "300ms", `DELETE FROM connections WHERE id = $1`, f.conn.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if deleteErr == nil {
		t.Fatal("the connection was deleted while a write stored transactions under it")
	}
	if n, err := s.CountTransactions(ctx, f.ws.ID); err != nil || n != 2 {
		t.Fatalf("after the write: %d transactions (%v)", n, err)
	}
}

// A deleted transaction takes its customs rows with it (on PostgreSQL a
// trigger, migration 00012), and only its own.
func TestDeletedTransactionTakesItsCustoms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "customs")
		batch := batchOf(f.conn, 0, 3)
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil {
			t.Fatal(err)
		}
		customs := func(id string) int {
			t.Helper()
			var n int
			if err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM transaction_customs WHERE transaction_id = '`+id+`'`, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		gone, kept := batch[0].Tx.ID, batch[1].Tx.ID
		if customs(gone) == 0 || customs(kept) == 0 {
			t.Fatal("no customs stored")
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTransactions(ctx, f.ws.ID, []string{gone}) }); err != nil {
			t.Fatal(err)
		}
		if n := customs(gone); n != 0 {
			t.Errorf("%d customs rows of the deleted transaction left", n)
		}
		if customs(kept) == 0 {
			t.Error("the customs of the transaction kept went too")
		}
	})
}
