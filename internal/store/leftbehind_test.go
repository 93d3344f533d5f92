package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// GroupsLeftBehind pages through the groups of one file that another holds
// no facts of, in order, whatever the page size: pages that the other file
// holds whole are passed over, and a group of several facts counts once.
func TestGroupsLeftBehind(t *testing.T) {
	tests := []struct {
		name    string
		of, by  string // one letter a group, a capital one a group of two facts
		limit   int
		want    string
		batches int // how many non-empty batches the pages come in
	}{
		{"none dropped", "abcdef", "abcdef", 2, "", 0},
		{"all dropped", "abc", "", 2, "abc", 2},
		{"dropped at both ends", "abcdef", "bcde", 2, "af", 2},
		{"pages held whole are passed over", "abcdefgh", "abcdeg", 2, "fh", 2},
		{"groups of two facts", "aBcDe", "ace", 1, "BD", 2},
		{"new groups in the re-issue", "bd", "abcde", 3, "", 0},
		{"one page", "abcdef", "ce", 10, "abdf", 1},
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "left-behind")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				batches := 0
				err := s.Write(ctx, func(tx *store.Tx) error {
					of, by := groupsFile(t, tx, f, tt.name+"-of", tt.of), groupsFile(t, tx, f, tt.name+"-by", tt.by)
					after := ""
					for {
						batch, err := tx.GroupsLeftBehind(ctx, of, by, after, tt.limit)
						if err != nil || len(batch) == 0 {
							return err
						}
						if len(batch) > tt.limit {
							t.Errorf("batch %v longer than %d", batch, tt.limit)
						}
						batches++
						got = append(got, batch...)
						after = batch[len(batch)-1]
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, g := range tt.want {
					want = append(want, strings.ToLower(string(g)))
				}
				if !slices.Equal(got, want) || batches != tt.batches {
					t.Errorf("groups left behind = %v in %d batches, want %v in %d", got, batches, want, tt.batches)
				}
			})
		}
	})
}

// groupsFile stores a file with one fact per group letter, two for a capital.
func groupsFile(t *testing.T, tx *store.Tx, f fixture, name, groups string) int64 {
	t.Helper()
	id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: name, MD5: "m-" + name,
		Outcome: store.FileApplied})
	if err != nil {
		t.Fatal(err)
	}
	var facts []store.GroupedFact
	for i, g := range groups {
		n := 1
		if g >= 'A' && g <= 'Z' {
			n = 2
		}
		group := strings.ToLower(string(g))
		for j := range n {
			facts = append(facts, store.GroupedFact{Group: group, Fact: model.Fact{ConnectionID: f.conn.ID, Report: model.ReportEarnings,
				Day: day("2026-10-01"), Line: 2 + i + j, Key: name + group + string(rune('0'+j)), TrackingID: "store-20", Subtag: group}})
		}
	}
	if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
		t.Fatal(err)
	}
	return id
}
