package store_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// Bulk writes on PostgreSQL go through COPY on the transaction's own
// connection: what they wrote must roll back with the transaction, and
// commit with it.
func TestCopyRollsBackWithTransaction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "copy")
		facts := benchFacts(f.conn, 500)
		abort := errors.New("abort")
		write := func(fail bool) error {
			return s.Write(ctx, func(tx *store.Tx) error {
				id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "c.tsv", MD5: "m",
					Outcome: store.FileApplied})
				if err != nil {
					return err
				}
				before := s.CopiedRowsForTest()
				if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
					return err
				}
				if copied := s.CopiedRowsForTest() - before; s.Dialect() == store.Postgres && copied != int64(len(facts)) {
					t.Errorf("COPY wrote %d rows, want %d", copied, len(facts))
				}
				if n, err := tx.CountForTest(ctx, "facts"); err != nil || n != len(facts) {
					t.Errorf("inside the transaction: %d facts (%v), want %d", n, err, len(facts))
				}
				if fail {
					return abort
				}
				return nil
			})
		}
		if err := write(true); !errors.Is(err, abort) {
			t.Fatalf("write: %v, want abort", err)
		}
		if n, err := s.CountForTest(ctx, "facts"); err != nil || n != 0 {
			t.Fatalf("after rollback: %d facts (%v), want 0", n, err)
		}
		if err := write(false); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountForTest(ctx, "facts"); err != nil || n != len(facts) {
			t.Fatalf("after commit: %d facts (%v), want %d", n, err, len(facts))
		}
	})
}

// The staging path applies the caller's conflict clause: the second batch
// adds to the first, twice in one transaction (the staging table is
// reused and emptied between batches) and once more in another (it is
// created anew). Both paths must agree.
func TestCopyUpsertThroughStaging(t *testing.T) {
	for _, path := range []string{"values", "copy"} {
		t.Run(path, func(t *testing.T) {
			min := math.MaxInt
			if path == "copy" {
				min = 1
			}
			storetest.Run(t, func(t *testing.T, s *store.Store) {
				s.SetCopyMinRowsForTest(min)
				const n = 300
				rows := make([][]any, n)
				for i := range rows {
					rows[i] = []any{fmt.Sprintf("EU%d", i), "2026-10-01", fmt.Sprintf("%d", i+1)}
				}
				upsert := func(tx *store.Tx) error {
					return tx.UpsertRowsForTest(ctx, "fx_rates", []string{"currency", "day", "rate"}, rows,
						"ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate || fx_rates.rate")
				}
				before := s.CopiedRowsForTest()
				if err := s.Write(ctx, func(tx *store.Tx) error {
					if err := upsert(tx); err != nil {
						return err
					}
					return upsert(tx)
				}); err != nil {
					t.Fatal(err)
				}
				if err := s.Write(ctx, upsert); err != nil {
					t.Fatal(err)
				}
				copied := s.CopiedRowsForTest() - before
				want := int64(0)
				if path == "copy" && s.Dialect() == store.Postgres {
					want = 3 * n
				}
				if copied != want {
					t.Errorf("COPY wrote %d rows, want %d", copied, want)
				}
				if got, err := s.CountForTest(ctx, "fx_rates"); err != nil || got != n {
					t.Fatalf("%d rates (%v), want %d", got, err, n)
				}
				var mismatch int
				if err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM fx_rates WHERE rate <> (CAST(CAST(SUBSTR(currency, 3) AS INTEGER) + 1 AS TEXT)) || (CAST(CAST(SUBSTR(currency, 3) AS INTEGER) + 1 AS TEXT)) || (CAST(CAST(SUBSTR(currency, 3) AS INTEGER) + 1 AS TEXT))`, &mismatch); err != nil {
					t.Fatal(err)
				}
				if mismatch != 0 {
					t.Errorf("%d rates not written three times over", mismatch)
				}
			})
		})
	}
}
