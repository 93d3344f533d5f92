package store_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// lookupSize is more values than one SQLite lookup list takes (900): the
// lookups below answer across its chunks there, in one list on PostgreSQL.
const lookupSize = 2500

// TestLookupsPastOneChunk: lookups by lists of groups, files and ids answer
// exactly, whatever the list's length, on both engines.
func TestLookupsPastOneChunk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		group := func(i int) string { return fmt.Sprintf("g%05d", i) }
		facts := func(from, to int) []store.GroupedFact {
			var out []store.GroupedFact
			for i := from; i < to; i++ {
				out = append(out, store.GroupedFact{Group: group(i), Fact: model.Fact{ConnectionID: f.conn.ID, Report: model.ReportEarnings,
					Day: day("2026-10-01"), Key: fmt.Sprintf("k%05d", i), TrackingID: "store-20", Currency: "USD", Line: i + 2}})
			}
			return out
		}
		groups := func(from, to int) []string {
			var out []string
			for i := from; i < to; i++ {
				out = append(out, group(i))
			}
			return out
		}
		err := s.Write(ctx, func(tx *store.Tx) error {
			// File a holds groups [0, 2500), file b [1000, 3500); only a
			// counts for the day.
			var files [2]int64
			for i, name := range []string{"a.tsv", "b.tsv"} {
				id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: name, MD5: "m-" + name,
					Outcome: store.FileApplied})
				if err != nil {
					return err
				}
				files[i] = id
			}
			a, b := files[0], files[1]
			if err := tx.InsertFacts(ctx, f.ws.ID, a, facts(0, lookupSize)); err != nil {
				return err
			}
			if err := tx.InsertFacts(ctx, f.ws.ID, b, facts(1000, 1000+lookupSize)); err != nil {
				return err
			}
			if _, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, a, 1, day("2026-10-01"),
				[]store.Cover{{Day: day("2026-10-01"), TrackingID: "store-20"}}); err != nil {
				return err
			}

			// All of a's groups and some no file has: a's facts, each once.
			got, err := tx.ActiveFactsOfGroups(ctx, f.conn.ID, append(groups(0, lookupSize), groups(5000, 5100)...))
			if err != nil {
				return err
			}
			var seen []string
			for _, g := range got {
				if g.FileID != a || g.File != "a.tsv" || g.Fact.Key != "k"+strings.TrimPrefix(g.Group, "g") {
					t.Errorf("fact %+v: want file %d a.tsv, key of its group", g, a)
				}
				seen = append(seen, g.Group)
			}
			slices.Sort(seen)
			if !slices.Equal(seen, groups(0, lookupSize)) {
				t.Errorf("active facts of %d groups: %d facts, groups %s … %s", lookupSize, len(seen), first(seen), last(seen))
			}

			// b's groups in another file than b: the ones a holds too, [1000, 2500).
			other, err := tx.GroupsInOtherFiles(ctx, f.conn.ID, b, nil, groups(1000, 1000+lookupSize))
			if err != nil {
				return err
			}
			if keys := slices.Sorted(maps.Keys(other)); !slices.Equal(keys, groups(1000, lookupSize)) {
				t.Errorf("groups of b in other files: %d, %s … %s; want the %d of [1000, %d)", len(keys), first(keys), last(keys), lookupSize-1000, lookupSize)
			}
			// With a dead, none.
			other, err = tx.GroupsInOtherFiles(ctx, f.conn.ID, b, []int64{a}, groups(1000, 1000+lookupSize))
			if err != nil {
				return err
			}
			if len(other) != 0 {
				t.Errorf("groups of b in files other than b and a: %d, want none", len(other))
			}
			counting, err := tx.FilesCounting(ctx, f.conn.ID, []int64{a, b, b + 1000})
			if err != nil {
				return err
			}
			if !maps.Equal(counting, map[int64]bool{a: true}) {
				t.Errorf("files counting: %v, want only a (%d)", counting, a)
			}

			// Transactions of 2,500 groups, then all but 100 of them deleted by id.
			batch := batchOf(f.conn, 0, lookupSize)
			if _, err := tx.UpsertTransactions(ctx, f.ws.ID, batch); err != nil {
				return err
			}
			var txGroups []string
			want := map[string]string{}
			for _, w := range batch {
				txGroups = append(txGroups, w.Group)
				want[model.TransactionID(f.conn.ID, w.Tx.SourceKey)] = w.Group
			}
			stored, err := tx.TransactionsOfGroups(ctx, f.ws.ID, f.conn.ID, append(txGroups, "s:none"))
			if err != nil {
				return err
			}
			if !maps.Equal(stored.Groups(), want) {
				t.Errorf("transactions of %d groups: %d found, want %d", lookupSize, len(stored.Groups()), len(want))
			}
			ids := slices.Sorted(maps.Keys(want))
			return tx.DeleteTransactions(ctx, f.ws.ID, ids[100:])
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.CountTransactions(ctx, f.ws.ID)
		if err != nil || n != 100 {
			t.Errorf("%d transactions left after deleting %d of %d (%v), want 100", n, lookupSize-100, lookupSize, err)
		}
	})
}

func first(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return xs[0]
}

func last(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return xs[len(xs)-1]
}

// TestPostgresLookupIsOneStatement: on PostgreSQL a lookup list is one
// array parameter, so lists of 1, 10 and 2,500 groups run one prepared
// statement text, not one per length (nor one per chunk of 900).
func TestPostgresLookupIsOneStatement(t *testing.T) {
	s := storetest.OpenPostgres(t)
	f := newFixture(t, s, "acme")
	var groups []string
	for i := range lookupSize {
		groups = append(groups, fmt.Sprintf("g%05d", i))
	}
	err := s.Write(ctx, func(tx *store.Tx) error {
		for _, n := range []int{1, 10, lookupSize} {
			if _, err := tx.ActiveFactsOfGroups(ctx, f.conn.ID, groups[:n]); err != nil {
				return err
			}
			if _, err := tx.TransactionsOfGroups(ctx, f.ws.ID, f.conn.ID, groups[:n]); err != nil {
				return err
			}
		}
		prepared, err := tx.PreparedForTest(ctx)
		if err != nil {
			return err
		}
		for _, lookup := range []string{"f.connection_id = $1 AND f.group_key", "t.connection_id = $1 AND t.group_key"} {
			var lists []string // each text's list, from lookup on
			for _, q := range prepared {
				q = strings.Join(strings.Fields(q), " ")
				if i := strings.Index(q, lookup); i >= 0 {
					lists = append(lists, q[i+len(lookup):][:min(len(q)-i-len(lookup), 60)])
				}
			}
			if len(lists) != 1 || !strings.HasPrefix(lists[0], " = ANY($2::text[])") {
				t.Errorf("%s: %d statement texts for lists of 1, 10 and %d, want one, with = ANY($2::text[]):\n%s",
					lookup, len(lists), lookupSize, strings.Join(lists, "\n"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
