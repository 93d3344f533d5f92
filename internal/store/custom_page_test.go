package store_test

import (
	"strings"
	"testing"

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
					index = map[store.Dialect]string{store.SQLite: "sqlite_autoindex_transaction_customs_1", store.Postgres: "transaction_customs_pkey"}[s.Dialect()]
				}
				if top := outerPlan(s.Dialect(), plan); !strings.Contains(top, index) || hasSort(s.Dialect(), top) {
					t.Errorf("plan does not walk %s in list order:\n%s", index, plan)
				}
				t.Logf("plan:\n%s", plan)
			})
		}
		if s.Dialect() == store.SQLite {
			// The check can fail: the shape before 00006 sorts.
			defer store.SetCustomOrderByTransactionsForTest(true)()
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
