package importer

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
)

// TestGroupSpoolMerge spools facts of groups in random order across many
// runs and reads them back: every group whole, once, in group order, each
// fact exactly as it went in (negative amounts, every state of Direct,
// text with any bytes).
func TestGroupSpoolMerge(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 2500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, err := newGroupSpool(100)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := rand.New(rand.NewPCG(1, uint64(n)))
			yes, no := true, false
			want := map[string][]model.Fact{}
			for i := range n {
				g := fmt.Sprintf("s:%04d", r.IntN(max(1, n/3)))
				f := model.Fact{ConnectionID: "conn_x", File: "f.tsv", Line: i + 3, Report: model.ReportEarnings,
					Day: time.Date(2026, 10, 1+i%30, 0, 0, 0, 0, time.UTC), Key: fmt.Sprintf("k|%d|\x00|é", i), Program: "amazon.com",
					Currency: "USD", TrackingID: "t-20", Subtag: g[2:], ASIN: "B0", Name: "a\tb\"c", Price: int64(r.IntN(5000)) - 2000,
					Quantity: int64(r.IntN(5)) - 2, Returns: int64(r.IntN(2)), Revenue: -1 << 40, Commission: 1<<62 + int64(i), Rate: 400,
					Clicks: int64(i), ItemsOrdered: 3, ItemsShipped: -3}
				switch i % 3 {
				case 1:
					f.Direct = &yes
				case 2:
					f.Direct = &no
				}
				want[g] = append(want[g], f)
				if err := s.add(store.GroupedFact{Fact: f, Group: g}); err != nil {
					t.Fatal(err)
				}
				if err := s.add(store.GroupedFact{Fact: f}); err != nil { // no group: not kept
					t.Fatal(err)
				}
			}
			next, err := s.groups(42)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			got := map[string][]model.Fact{}
			for {
				groups, facts, err := next(7)
				if err != nil {
					t.Fatal(err)
				}
				if len(groups) == 0 {
					break
				}
				if len(groups) > 7 {
					t.Fatalf("%d groups in a batch of 7", len(groups))
				}
				order = append(order, groups...)
				for _, g := range facts {
					if g.FileID != 42 {
						t.Fatalf("file id %d", g.FileID)
					}
					g.FileID = 0
					got[g.Group] = append(got[g.Group], g.Fact)
				}
			}
			if !slices.IsSorted(order) || len(slices.Compact(slices.Clone(order))) != len(order) || len(order) != len(want) {
				t.Fatalf("groups out of order, repeated or missing: %d of %d", len(order), len(want))
			}
			for g, fs := range want {
				sortFacts := func(fs []model.Fact) { slices.SortFunc(fs, func(a, b model.Fact) int { return a.Line - b.Line }) }
				sortFacts(fs)
				sortFacts(got[g])
				if !reflect.DeepEqual(got[g], fs) {
					t.Fatalf("group %s:\n got %+v\nwant %+v", g, got[g], fs)
				}
			}
		})
	}
}
