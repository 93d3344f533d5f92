package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// customBatch is n transactions from "from" on; those that want(n) carry
// the custom "big" besides their own.
func customBatch(conn store.Connection, from, n int, want func(int) bool) []store.TxWrite {
	b := batchOf(conn, from, n)
	for i := range b {
		if want(from + i) {
			b[i].Tx.Customs = append(b[i].Tx.Customs, "big")
		}
	}
	return b
}

var timeTypes = []store.TimeType{"", store.TimeSold, store.TimeClicked, store.TimeChecked, store.TimeUpdated}

// A ?custom= page walks the customs index in list order and stops at its
// limit: the plan has no sort of the custom's set, on either engine, for
// every time_type.
func TestCustomPagePlanUsesListOrderIndex(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "plan")
		// Enough rows that PostgreSQL's planner, with statistics, weighs a
		// sort of the custom's set against the index walk.
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, customBatch(f.conn, 0, 6000, func(n int) bool { return n%2 == 0 })); err != nil {
			t.Fatal(err)
		}
		if err := s.AnalyzeForTest(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tt := range timeTypes {
			t.Run("time_type="+string(tt), func(t *testing.T) {
				plan, err := s.ExplainTransactionsForTest(ctx, f.ws.ID, store.TransactionFilter{Custom: "big", TimeType: tt})
				if err != nil {
					t.Fatal(err)
				}
				index := "transaction_customs_update_seq"
				if tt != store.TimeUpdated {
					index = map[store.Dialect]string{store.SQLite: "c USING PRIMARY KEY (workspace_id=? AND custom=?", store.Postgres: "transaction_customs_pkey"}[s.Dialect()]
				}
				if top := outerPlan(s.Dialect(), plan); !strings.Contains(top, index) || hasSort(s.Dialect(), top) {
					t.Errorf("plan does not walk %s in list order:\n%s", index, plan)
				}
				t.Logf("plan:\n%s", plan)
			})
		}
		if s.Dialect() == store.SQLite {
			// The check can fail: the shape before 00006 sorts.
			defer s.SetCustomOrderByTransactionsForTest(true)()
			plan, err := s.ExplainTransactionsForTest(ctx, f.ws.ID, store.TransactionFilter{Custom: "big"})
			if err != nil {
				t.Fatal(err)
			}
			if !hasSort(s.Dialect(), outerPlan(s.Dialect(), plan)) {
				t.Errorf("the old query shape should sort:\n%s", plan)
			}
		}
	})
}

// outerPlan is PostgreSQL's plan without its SubPlan (the items of each
// row, aggregated in their own order); SQLite's comes whole, as its
// subquery's lines name what they sort.
func outerPlan(d store.Dialect, plan string) string {
	if d == store.SQLite {
		return plan
	}
	top, _, _ := strings.Cut(plan, "SubPlan")
	return top
}

func hasSort(d store.Dialect, plan string) bool {
	if d == store.SQLite {
		// Not "FOR json_group_array(ORDER BY)": a row's items.
		return strings.Contains(plan, "USE TEMP B-TREE FOR ORDER BY")
	}
	return strings.Contains(plan, "Sort")
}

// seedCustoms stores transactions in and out of the custom "big", then
// changes some (status: they move in the update order; customs: they join
// or leave "big") and removes some, so seq, update_seq and the customs
// index all differ from a plain insertion order.
func seedCustoms(t *testing.T, s *store.Store, f fixture) {
	t.Helper()
	inBig := func(n int) bool { return n%3 != 1 }
	if _, err := s.UpsertTransactions(ctx, f.ws.ID, customBatch(f.conn, 0, 90, inBig)); err != nil {
		t.Fatal(err)
	}
	var changed []store.TxWrite
	for n := 0; n < 90; n += 4 {
		w := customBatch(f.conn, n, 1, inBig)[0]
		switch n % 3 {
		case 0:
			w.Tx.Status = model.StatusConfirmed
		case 1: // joins "big"
			w.Tx.Customs = append(w.Tx.Customs, "big")
		case 2: // leaves "big"
			w.Tx.Customs = w.Tx.Customs[:1]
		}
		changed = append(changed, w)
	}
	if st, err := s.UpsertTransactions(ctx, f.ws.ID, changed); err != nil || st.Updated != len(changed) {
		t.Fatalf("updates: %+v %v", st, err)
	}
	ids := []string{model.TransactionID(f.conn.ID, "s:sub-000003"), model.TransactionID(f.conn.ID, "s:sub-000050")}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTransactions(ctx, f.ws.ID, ids) }); err != nil {
		t.Fatal(err)
	}
}

// checkCustomPages walks every page of custom "big" for each time_type (and
// the feed with removals) and compares it with the unfiltered list, in the
// same order, filtered here: no page skips or repeats a row.
func checkCustomPages(t *testing.T, s *store.Store, f fixture) {
	t.Helper()
	since := day("2026-10-05")
	for _, tt := range timeTypes {
		for _, removed := range []bool{false, true} {
			if removed && tt != store.TimeUpdated {
				continue
			}
			for _, from := range []*time.Time{nil, &since} {
				if from != nil && tt != "" && tt != store.TimeSold {
					continue
				}
				base := store.TransactionFilter{TimeType: tt, Removed: removed, Since: from}
				whole := base
				whole.Limit = 1000
				all, next, err := s.Transactions(ctx, f.ws.ID, whole)
				if err != nil || next != "" {
					t.Fatalf("whole list: %v %q", err, next)
				}
				var want []string
				for _, x := range all {
					if slices.Contains(x.Customs, "big") {
						want = append(want, x.ID)
					}
				}
				if len(want) < 20 {
					t.Fatalf("time_type=%q: only %d rows in big", tt, len(want))
				}
				var got []string
				p := base
				p.Custom, p.Limit = "big", 7
				for pages := 0; ; pages++ {
					if pages > 100 {
						t.Fatal("pages never end")
					}
					page, next, err := s.Transactions(ctx, f.ws.ID, p)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range page {
						got = append(got, x.ID)
					}
					if next == "" {
						break
					}
					p.Cursor = next
				}
				if !slices.Equal(got, want) {
					t.Errorf("time_type=%q removed=%v since=%v: pages of big\n got %v\nwant %v", tt, removed, from != nil, got, want)
				}
			}
		}
	}
}

func TestCustomPagesNeitherSkipNorRepeat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "pages")
		seedCustoms(t, s, f)
		checkCustomPages(t, s, f)
	})
}

// Migration 00006 fills the new columns of a populated store: rolled back
// to 00004 and up again, the customs index carries each transaction's seq
// and update_seq and pages as before.
func TestMigration00006CarriesCustoms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "upgrade")
		seedCustoms(t, s, f)
		rows, err := s.CountForTest(ctx, "transaction_customs")
		if err != nil || rows < 100 {
			t.Fatalf("%d customs rows (%v)", rows, err)
		}
		if err := s.MigrateToForTest(ctx, 4); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.QueryForTest(ctx, `SELECT COUNT(seq) FROM transaction_customs`, &n); err == nil {
			t.Fatal("seq still there at 00004")
		}
		if got, err := s.CountForTest(ctx, "transaction_customs"); err != nil || got != rows {
			t.Fatalf("down: %d customs rows (%v), want %d", got, err, rows)
		}
		if err := s.MigrateToForTest(ctx, 6); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CountForTest(ctx, "transaction_customs"); err != nil || got != rows {
			t.Fatalf("up: %d customs rows (%v), want %d", got, err, rows)
		}
		if err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM transaction_customs c JOIN transactions t ON t.id = c.transaction_id
			WHERE c.seq = t.seq AND c.update_seq = t.update_seq`, &n); err != nil || n != rows {
			t.Fatalf("%d of %d rows carry their transaction's seq and update_seq (%v)", n, rows, err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		checkCustomPages(t, s, f)
	})
}
