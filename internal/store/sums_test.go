package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// clickFacts are Tracking facts: subtag → clicks, on one day.
type clickFacts map[string]int64

// importClicks stores one Tracking file of the given days' facts and
// projects its clicks, as the importer does.
func importClicks(t *testing.T, s *store.Store, f fixture, name string, days map[string]clickFacts) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: name, MD5: "m-" + name,
			Outcome: store.FileApplied})
		if err != nil {
			return err
		}
		var facts []store.GroupedFact
		var covers []store.Cover
		from, to := time.Time{}, time.Time{}
		for d, subtags := range days {
			on := day(d)
			if from.IsZero() || on.Before(from) {
				from = on
			}
			if on.After(to) {
				to = on
			}
			covers = append(covers, store.Cover{Day: on, TrackingID: "store-20"})
			for sub, n := range subtags {
				facts = append(facts, store.GroupedFact{Group: "c:" + d + sub, Fact: model.Fact{ConnectionID: f.conn.ID,
					Report: model.ReportTracking, Day: on, Key: d + sub, TrackingID: "store-20", Subtag: sub, Clicks: n}})
			}
		}
		if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
			return err
		}
		if _, err := tx.CoverDays(ctx, f.conn.ID, model.ReportTracking, id, 1, to, covers); err != nil {
			return err
		}
		return tx.ProjectClicks(ctx, f.ws.ID, f.conn.ID, from, to, id)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Clicks re-issued (a subtag changed, one dropped, one new, a day emptied)
// are the clicks of the re-issue imported alone: on days that hold clicks
// already only the changes are written (projectSums), and they must leave
// what a first import's INSERT … SELECT leaves.
func TestReissuedClicksEqualAFreshImport(t *testing.T) {
	first := map[string]clickFacts{"2026-10-01": {"a": 3, "b": 5, "": 7}, "2026-10-02": {"c": 1}}
	again := map[string]clickFacts{"2026-10-01": {"a": 4, "": 7, "d": 2}, "2026-10-02": {"c": 0}}
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		dump := func(f fixture) string {
			t.Helper()
			rows, _, err := st.Clicks(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day", "channel", "custom"}, ConnectionID: f.conn.ID})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, fmt.Sprintf("%s %s %q %d", r.Date.Format(time.DateOnly), r.Channel, r.Custom, r.Clicks))
			}
			return strings.Join(out, "\n")
		}
		reissued, fresh := newFixture(t, st, "clicks-reissued"), newFixture(t, st, "clicks-fresh")
		importClicks(t, st, reissued, "tracking.tsv", first)
		importClicks(t, st, reissued, "tracking-v2.tsv", again)
		importClicks(t, st, fresh, "tracking-v2.tsv", again)
		got, want := dump(reissued), dump(fresh)
		if got != want || !strings.Contains(want, `"d" 2`) {
			t.Errorf("clicks after the re-issue:\n%s\nwant, as imported fresh:\n%s", got, want)
		}
	})
}

// TestAddRevenuesAddsUp: rows a file adds in parts (its batches of groups)
// add up key by key, through the multi-row INSERT and, on PostgreSQL, the
// staged COPY alike; a row stored before, by another file or otherwise, is
// replaced, not added to; SweepRevenues then deletes the cps rows of its
// days that the file did not write, and only those.
func TestAddRevenuesAddsUp(t *testing.T) {
	rev := func(d, custom string, sale, comm, shipped, returned, tx int64) model.Revenue {
		return model.Revenue{Date: day(d), Channel: "store-20", Program: "amazon.com", Custom: custom, Currency: "USD", Kind: "cps",
			SaleAmount: sale, Commission: comm, ItemsShipped: shipped, ItemsReturned: returned, Transactions: tx}
	}
	many := func(d string, n int, sale int64) []model.Revenue {
		var out []model.Revenue
		for i := range n {
			out = append(out, rev(d, fmt.Sprintf("m%03d", i), sale, 1, 1, 0, 1))
		}
		return out
	}
	for _, copyMin := range []int{1 << 30, 1} {
		storetest.Run(t, func(t *testing.T, st *store.Store) {
			defer st.SetCopyMinRowsForTest(copyMin)()
			f := newFixture(t, st, fmt.Sprintf("add-revenues-%d", copyMin))
			copiedBefore := st.CopiedRowsForTest()
			err := st.Write(ctx, func(tx *store.Tx) error {
				file := func(name string) int64 {
					id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: name, MD5: name,
						Outcome: store.FileApplied})
					if err != nil {
						t.Fatal(err)
					}
					return id
				}
				if stored, err := tx.RevenuesOnDays(ctx, f.conn.ID, day("2026-10-01"), day("2026-10-04")); err != nil || stored {
					t.Fatalf("RevenuesOnDays of an empty store = %v, %v", stored, err)
				}
				// A cpc row and a day outside the swept ones stay; the rest
				// of the days' rows is stale once the last file has written.
				if err := tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{day("2026-10-02")},
					[]model.Revenue{rev("2026-10-02", "old", 5, 5, 5, 5, 5), {Date: day("2026-10-02"), Channel: "store-20", Program: "amazon.com",
						Currency: "USD", Kind: "cpc", Commission: 70}}); err != nil {
					return err
				}
				if err := tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{day("2026-10-04")},
					[]model.Revenue{rev("2026-10-04", "kept", 9, 9, 9, 9, 9)}); err != nil {
					return err
				}
				earlier := file("earlier.tsv")
				if err := tx.AddRevenues(ctx, f.ws.ID, f.conn.ID, earlier, []model.Revenue{rev("2026-10-01", "u1", 100, 10, 1, 0, 1),
					rev("2026-10-03", "gone", 7, 7, 7, 7, 7)}); err != nil {
					return err
				}
				if stored, err := tx.RevenuesOnDays(ctx, f.conn.ID, day("2026-10-01"), day("2026-10-01")); err != nil || !stored {
					t.Fatalf("RevenuesOnDays of a day with a row = %v, %v", stored, err)
				}
				reissue := file("reissue.tsv")
				parts := [][]model.Revenue{
					append([]model.Revenue{rev("2026-10-01", "u1", 2999, 120, 1, 0, 1), rev("2026-10-02", "", 0, 300, 1, 0, 1)},
						many("2026-10-03", 40, 10)...),
					append([]model.Revenue{rev("2026-10-01", "u1", -2999, -120, 0, 1, 0), rev("2026-10-02", "", 0, 500, 1, 0, 1)},
						many("2026-10-03", 40, 5)...),
				}
				for _, p := range parts {
					if err := tx.AddRevenues(ctx, f.ws.ID, f.conn.ID, reissue, p); err != nil {
						return err
					}
				}
				return tx.SweepRevenues(ctx, f.ws.ID, f.conn.ID, day("2026-10-01"), day("2026-10-03"), reissue)
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, _, err := st.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day", "custom"}, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				if r.Custom > "m000" && r.Custom <= "m039" {
					if r.SaleAmount != 15 || r.Transactions != 2 {
						t.Errorf("%s %s added up to sale=%d tx=%d, want 15 and 2", r.Date.Format(time.DateOnly), r.Custom, r.SaleAmount, r.Transactions)
					}
					continue
				}
				got = append(got, fmt.Sprintf("%s %q %s sale=%d comm=%d shipped=%d returned=%d tx=%d", r.Date.Format(time.DateOnly), r.Custom,
					r.Kind, r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions))
			}
			want := []string{
				`2026-10-01 "u1" cps sale=0 comm=0 shipped=1 returned=1 tx=1`,
				`2026-10-02 "" cpc sale=0 comm=70 shipped=0 returned=0 tx=0`,
				`2026-10-02 "" cps sale=0 comm=800 shipped=2 returned=0 tx=2`,
				`2026-10-03 "m000" cps sale=15 comm=2 shipped=2 returned=0 tx=2`,
				`2026-10-04 "kept" cps sale=9 comm=9 shipped=9 returned=9 tx=9`,
			}
			if !slices.Equal(got, want) {
				t.Fatalf("revenues\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if copyMin == 1 && st.Dialect() == store.Postgres && st.CopiedRowsForTest() == copiedBefore {
				t.Fatal("no row went through COPY: the staged path was not tested")
			}
		})
	}
}
