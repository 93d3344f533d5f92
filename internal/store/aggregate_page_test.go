package store_test

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// aggregateSeed writes revenues (two currencies, both kinds) and report
// clicks of a connection over three days, and redirect hits whose customs
// overlap the reports' ones. It answers the clicks per custom it wrote.
func aggregateSeed(t *testing.T, s *store.Store, f fixture, customs []string) map[string]int64 {
	t.Helper()
	days := []time.Time{day("2026-10-01"), day("2026-10-02"), day("2026-10-03")}
	var revs []model.Revenue
	var clicks []model.Click
	want := map[string]int64{}
	for i, c := range customs {
		d, ch := days[i%3], []string{"store-20", "store-21"}[i%2]
		revs = append(revs, model.Revenue{Date: d, Channel: ch, Program: "amazon.com", Custom: c, Currency: "USD", Kind: "cps",
			SaleAmount: int64(1000 + i), Commission: int64(40 + i), ItemsShipped: 1, Transactions: 1})
		if i%4 == 0 {
			revs = append(revs, model.Revenue{Date: d, Channel: ch, Program: "amazon.de", Custom: c, Currency: "EUR", Kind: "cps",
				SaleAmount: 500, Commission: 20, ItemsShipped: 1, Transactions: 1},
				model.Revenue{Date: d, Channel: ch, Program: "amazon.com", Custom: c, Currency: "USD", Kind: "cpc", Commission: 3})
		}
		clicks = append(clicks, model.Click{Date: d, Channel: ch, Program: "amazon.com", Custom: c, Clicks: int64(i%5 + 1)})
		want[c] += int64(i%5 + 1)
	}
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, days, revs); err != nil {
			return err
		}
		return tx.ReplaceClicks(ctx, f.ws.ID, f.conn.ID, days, clicks)
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.CreateLink(ctx, store.Link{WorkspaceID: f.ws.ID, Code: "agg-" + f.ws.Name, URL: "https://www.amazon.com/dp/B0C1234567?tag=store-20",
		Channel: "store-20", Program: "amazon.com", UniquePerClick: true})
	if err != nil {
		t.Fatal(err)
	}
	var hits []store.LinkClick
	for i, c := range append(slices.Clone(customs[:len(customs)/2]), "only-redirected") {
		hits = append(hits, store.LinkClick{LinkID: l.ID, Subtag: fmt.Sprintf("m%d-%s", i, f.ws.Name), Custom: c, ClickedAt: days[i%3].Add(time.Hour)})
		want[c]++
	}
	if err := s.RecordLinkClicks(ctx, f.ws.ID, hits); err != nil {
		t.Fatal(err)
	}
	return want
}

func clickLine(c store.ClickRow) string { return fmt.Sprintf("%s=%d", clickKey(c), c.Clicks) }

func revenueKey(r store.RevenueRow) string {
	d := ""
	if r.Date != nil {
		d = r.Date.Format("2006-01-02")
	}
	return strings.Join([]string{d, r.Channel, r.Program, r.Custom, r.Currency, r.Kind}, "|")
}

func clickKey(c store.ClickRow) string {
	d := ""
	if c.Date != nil {
		d = c.Date.Format("2006-01-02")
	}
	return strings.Join([]string{d, c.Channel, c.Program, c.Custom, c.Source}, "|")
}

// allPages follows the cursors of a list to its end.
func allPages[T any](t *testing.T, f store.AggregateFilter, read func(store.AggregateFilter) ([]T, string, error)) ([]T, int) {
	t.Helper()
	var out []T
	pages := 0
	for {
		list, next, err := read(f)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if len(list) > f.Limit && f.Limit > 0 {
			t.Fatalf("page of %d rows, limit %d", len(list), f.Limit)
		}
		out = append(out, list...)
		if next == "" {
			return out, pages
		}
		if len(list) == 0 {
			t.Fatal("an empty page with a next cursor")
		}
		f.Cursor = next
	}
}

// TestAggregatePages pages revenues and clicks of every grouping by the
// group key: the pages, joined, are the whole answer in key order, each
// page of at most limit groups, the last with no cursor.
func TestAggregatePages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		var customs []string
		for i := range 23 {
			customs = append(customs, fmt.Sprintf("sub-%02d", i))
		}
		customs = append(customs, "", "Sub-Upper", "sub-05x") // no subtag; byte order, not case
		wantClicks := aggregateSeed(t, s, f, customs)
		since := day("2026-10-02")
		for _, tc := range []struct {
			name string
			f    store.AggregateFilter
		}{
			{"custom", store.AggregateFilter{GroupBy: []string{"custom"}}},
			{"day", store.AggregateFilter{GroupBy: []string{"day"}}},
			{"channel, custom", store.AggregateFilter{GroupBy: []string{"channel", "custom"}}},
			{"custom, day", store.AggregateFilter{GroupBy: []string{"custom", "day"}}},
			{"every field", store.AggregateFilter{GroupBy: []string{"day", "channel", "program", "custom"}}},
			{"none", store.AggregateFilter{}},
			{"filtered", store.AggregateFilter{GroupBy: []string{"custom"}, Since: &since, Channel: "store-20"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				whole := tc.f
				whole.Limit = 1000
				revs, next, err := s.Revenues(ctx, f.ws.ID, whole)
				if err != nil || next != "" || len(revs) == 0 {
					t.Fatalf("whole revenues: %d rows, next %q, %v", len(revs), next, err)
				}
				clickFilter := whole
				if slices.Contains(clickFilter.GroupBy, "custom") {
					clickFilter.GroupBy = append(slices.Clone(clickFilter.GroupBy), "source")
				}
				clicks, next, err := s.Clicks(ctx, f.ws.ID, clickFilter)
				if err != nil || next != "" || len(clicks) == 0 {
					t.Fatalf("whole clicks: %d rows, next %q, %v", len(clicks), next, err)
				}
				for _, limit := range []int{1, 2, 7} {
					pf := tc.f
					pf.Limit = limit
					got, pages := allPages(t, pf, func(f2 store.AggregateFilter) ([]store.RevenueRow, string, error) {
						return s.Revenues(ctx, f.ws.ID, f2)
					})
					if !slices.Equal(mapKeys(got, revenueKey), mapKeys(revs, revenueKey)) || !slices.EqualFunc(got, revs, sameRevenue) {
						t.Fatalf("limit %d: revenues in pages\n%v\nwhole\n%v", limit, mapKeys(got, revenueKey), mapKeys(revs, revenueKey))
					}
					if wantPages := (len(revs) + limit - 1) / limit; pages != wantPages && pages != wantPages+1 {
						t.Fatalf("limit %d: %d pages for %d rows", limit, pages, len(revs))
					}
					cf := clickFilter
					cf.Limit = limit
					gotClicks, _ := allPages(t, cf, func(f2 store.AggregateFilter) ([]store.ClickRow, string, error) { return s.Clicks(ctx, f.ws.ID, f2) })
					if a, b := mapKeys(gotClicks, clickLine), mapKeys(clicks, clickLine); !slices.Equal(a, b) {
						t.Fatalf("limit %d: clicks in pages\n%v\nwhole\n%v", limit, a, b)
					}
				}
			})
		}

		// currency=reporting pages by the group key and kind; each page
		// reads its groups' days and currencies in batches, so small pages
		// cross batch ends inside a group.
		rates := []fxrate.Rate{{Day: day("2026-10-01"), Currency: "USD", Value: fxrate.Decimal{Coef: 10833, Scale: 4}}}
		if _, err := s.ImportRates(ctx, rates); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetReportingCurrency(ctx, f.ws.ID, "EUR"); err != nil {
			t.Fatal(err)
		}
		for _, groupBy := range [][]string{{"custom"}, {"day"}, {"channel", "custom"}, nil} {
			t.Run("reporting by "+cmp.Or(strings.Join(groupBy, ","), "nothing"), func(t *testing.T) {
				whole, next, err := s.ReportingRevenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: groupBy, Limit: 1000})
				if err != nil || next != "" || len(whole) == 0 {
					t.Fatalf("whole: %d rows, next %q, %v", len(whole), next, err)
				}
				for _, limit := range []int{1, 2, 7} {
					var got []store.ReportingRevenueRow
					pf := store.AggregateFilter{GroupBy: groupBy, Limit: limit}
					for range 1000 {
						page, next, err := s.ReportingRevenues(ctx, f.ws.ID, pf)
						if err != nil || len(page) > limit {
							t.Fatalf("limit %d: %d rows, %v", limit, len(page), err)
						}
						got = append(got, page...)
						if next == "" {
							break
						}
						pf.Cursor = next
					}
					if !reflect.DeepEqual(got, whole) {
						t.Fatalf("limit %d: pages\n%+v\nwhole\n%+v", limit, got, whole)
					}
				}
			})
		}

		t.Run("clicks per custom are both sources' sums", func(t *testing.T) {
			got, _ := allPages(t, store.AggregateFilter{GroupBy: []string{"custom"}, Limit: 3},
				func(f2 store.AggregateFilter) ([]store.ClickRow, string, error) { return s.Clicks(ctx, f.ws.ID, f2) })
			have := map[string]int64{}
			for _, c := range got {
				have[c.Custom] = c.Clicks
			}
			if len(have) != len(wantClicks) {
				t.Fatalf("%d customs, want %d", len(have), len(wantClicks))
			}
			for c, n := range wantClicks {
				if have[c] != n {
					t.Errorf("custom %q: %d clicks, want %d", c, have[c], n)
				}
			}
		})

		t.Run("a cursor of another grouping or list is refused", func(t *testing.T) {
			_, byDay, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day"}, Limit: 1})
			if err != nil || byDay == "" {
				t.Fatalf("first page: %q %v", byDay, err)
			}
			for _, bad := range []func() error{
				func() error {
					_, _, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"custom"}, Cursor: byDay})
					return err
				},
				func() error {
					_, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day"}, Cursor: byDay})
					return err
				},
				func() error {
					_, _, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day"}, Cursor: "garbage!"})
					return err
				},
			} {
				if err := bad(); !errors.Is(err, store.ErrBadCursor) {
					t.Errorf("got %v, want ErrBadCursor", err)
				}
			}
		})
	})
}

// TestAggregatePagesWhileWriting pages revenues by custom while an import
// adds groups before and after the cursor and changes sums: no group is
// answered twice, and every group that was there all along is answered.
func TestAggregatePagesWhileWriting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		var customs []string
		for i := range 30 {
			customs = append(customs, fmt.Sprintf("m-%02d", i))
		}
		aggregateSeed(t, s, f, customs)
		before, _ := allPages(t, store.AggregateFilter{GroupBy: []string{"custom"}, Limit: 1000},
			func(f2 store.AggregateFilter) ([]store.RevenueRow, string, error) {
				return s.Revenues(ctx, f.ws.ID, f2)
			})
		seen := map[string]int{}
		cursor := ""
		for page := 0; ; page++ {
			list, next, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"custom"}, Limit: 4, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range list {
				seen[revenueKey(r)]++
			}
			if next == "" {
				break
			}
			cursor = next
			// An import of another day: groups sorting before and after the
			// cursor, and more of the groups already there.
			d := day("2026-10-10").AddDate(0, 0, page)
			err = s.Write(ctx, func(tx *store.Tx) error {
				return tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{d}, []model.Revenue{
					{Date: d, Channel: "store-20", Program: "amazon.com", Custom: fmt.Sprintf("a-%02d", page), Currency: "USD", Kind: "cps", Commission: 1},
					{Date: d, Channel: "store-20", Program: "amazon.com", Custom: fmt.Sprintf("z-%02d", page), Currency: "USD", Kind: "cps", Commission: 1},
					{Date: d, Channel: "store-20", Program: "amazon.com", Custom: customs[(page*7)%len(customs)], Currency: "USD", Kind: "cps", Commission: 5},
				})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("group %s answered %d times", k, n)
			}
		}
		for _, r := range before {
			if seen[revenueKey(r)] != 1 {
				t.Errorf("group %s, there all along, was skipped", revenueKey(r))
			}
		}
		if !slices.ContainsFunc(slices.Collect(maps.Keys(seen)), func(k string) bool { return strings.Contains(k, "|z-") }) {
			t.Error("no group added after the cursor was answered")
		}
	})
}

func mapKeys[T any](list []T, key func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = key(x)
	}
	return out
}

func sameRevenue(a, b store.RevenueRow) bool {
	return revenueKey(a) == revenueKey(b) && a.SaleAmount == b.SaleAmount && a.Commission == b.Commission && a.ItemsShipped == b.ItemsShipped &&
		a.ItemsReturned == b.ItemsReturned && a.Transactions == b.Transactions
}
