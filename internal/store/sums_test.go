package store_test

import (
	"fmt"
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
