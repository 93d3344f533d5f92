package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/clickqueue"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestLinkStats sends hits through the click queue and the batch write and
// reads each link's counts back: totals, a date range, distinct customs, the
// last hit, the days, and the sales of its minted subtags.
func TestLinkStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f, other := newFixture(t, s, "acme"), newFixture(t, s, "globex")
		mk := func(ws, code string) store.Link {
			l, err := s.CreateLink(ctx, store.Link{WorkspaceID: ws, Code: code, URL: "https://www.amazon.com/dp/B0C1234567?tag=store-20",
				Channel: "store-20", Program: "amazon.com", UniquePerClick: true})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		a, b, quiet, foreign := mk(f.ws.ID, "code-a"), mk(f.ws.ID, "code-b"), mk(f.ws.ID, "code-q"), mk(other.ws.ID, "code-f")

		nov14 := time.Date(2026, 11, 14, 10, 0, 0, 0, time.UTC)
		nov15 := time.Date(2026, 11, 15, 23, 59, 0, 0, time.UTC)
		n := 0
		hit := func(l store.Link, custom string, at time.Time) clickqueue.Click {
			n++
			return clickqueue.Click{WorkspaceID: l.WorkspaceID, LinkClick: store.LinkClick{LinkID: l.ID, Subtag: fmt.Sprintf("st-%d", n), Custom: custom, ClickedAt: at}}
		}
		q := clickqueue.New(s, nil, clickqueue.Options{Batch: 3})
		// The queue writes batches of three: a link's customs and days meet
		// again across batches and must not be counted twice.
		for _, c := range []clickqueue.Click{
			hit(a, "user-1", nov14), hit(a, "user-2", nov14), hit(b, "user-1", nov15),
			hit(a, "user-1", nov15), hit(a, "", nov15.Add(-time.Hour)), hit(a, "user-2", nov14),
			hit(foreign, "user-9", nov15),
		} {
			if !q.Add(c) {
				t.Fatal("hit dropped")
			}
		}
		q.Close()
		if st := q.Stats(); st.Written != 7 || st.Failed != 0 {
			t.Fatalf("queue stats = %+v", st)
		}

		type counts struct {
			clicks, customs int64
			last            *time.Time
		}
		check := func(when string, f store.LinkFilter, want map[string]counts) {
			t.Helper()
			list, next, err := s.Links(ctx, a.WorkspaceID, f)
			if err != nil {
				t.Fatal(err)
			}
			if next != "" || len(list) != len(want) {
				t.Fatalf("%s: %d links, next %q", when, len(list), next)
			}
			for _, l := range list {
				w := want[l.ID]
				if l.Clicks != w.clicks || l.Customs != w.customs || !samePtrTime(l.LastClickAt, w.last) {
					t.Errorf("%s: link %s has clicks %d, customs %d, last %v; want %d, %d, %v", when, l.Code, l.Clicks, l.Customs, l.LastClickAt,
						w.clicks, w.customs, w.last)
				}
			}
		}
		check("all time", store.LinkFilter{}, map[string]counts{
			a.ID: {5, 2, &nov15}, b.ID: {1, 1, &nov15}, quiet.ID: {0, 0, nil},
		})
		check("nov 14", store.LinkFilter{Since: &nov14, Until: &nov14}, map[string]counts{
			a.ID: {3, 2, &nov15}, b.ID: {0, 1, &nov15}, quiet.ID: {0, 0, nil},
		})
		check("since nov 15", store.LinkFilter{Since: &nov15}, map[string]counts{
			a.ID: {2, 2, &nov15}, b.ID: {1, 1, &nov15}, quiet.ID: {0, 0, nil},
		})

		// More hits through the store's batch write, one older than the last.
		nov16 := nov15.Add(24 * time.Hour)
		more := []store.LinkClick{hit(a, "user-3", nov16).LinkClick, hit(a, "user-1", nov14).LinkClick, hit(b, "user-1", nov16).LinkClick}
		if err := s.RecordLinkClicks(ctx, f.ws.ID, more); err != nil {
			t.Fatal(err)
		}
		check("after more hits", store.LinkFilter{}, map[string]counts{
			a.ID: {7, 3, &nov16}, b.ID: {2, 1, &nov16}, quiet.ID: {0, 0, nil},
		})
		got, err := s.Link(ctx, f.ws.ID, a.ID)
		if err != nil || got.Clicks != 7 || got.Customs != 3 || !samePtrTime(got.LastClickAt, &nov16) {
			t.Fatalf("link a = %+v, %v", got, err)
		}
		days, err := s.LinkDays(ctx, f.ws.ID, a.ID, nov14, nov16)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(dayCounts(days)) != "[2026-11-14:4 2026-11-15:2 2026-11-16:1]" {
			t.Fatalf("days of link a = %v", dayCounts(days))
		}
		latest, err := s.LatestLinkClicks(ctx, f.ws.ID, a.ID, 2)
		if err != nil || len(latest) != 2 || latest[0].Subtag != more[1].Subtag || latest[1].Subtag != more[0].Subtag {
			t.Fatalf("latest hits of link a = %+v, %v", latest, err)
		}

		// Another workspace's link is not found, and its hits count only there.
		if _, err := s.Link(ctx, f.ws.ID, foreign.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another workspace's link: %v", err)
		}
		if days, err := s.LinkDays(ctx, f.ws.ID, foreign.ID, nov14, nov16); err != nil || len(days) != 0 {
			t.Fatalf("another workspace's link days: %v, %v", days, err)
		}
		if l, err := s.Link(ctx, other.ws.ID, foreign.ID); err != nil || l.Clicks != 1 || l.Customs != 1 {
			t.Fatalf("foreign link = %+v, %v", l, err)
		}

		// The sales of link a's minted subtags st-1, st-2 and st-4; st-3 is
		// link b's.
		sale := func(i int, subtag, currency string, commission int64) store.TxWrite {
			x := makeTx(f.conn, i)
			x.Customs, x.Currency, x.Commission = []string{subtag, "user-1"}, currency, commission
			return store.TxWrite{Tx: x, Group: x.SourceKey, Reason: "shipped", Source: "test.tsv:1"}
		}
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{
			sale(1, "st-1", "USD", 120), sale(2, "st-2", "USD", 80), sale(3, "st-4", "EUR", 50), sale(4, "st-3", "USD", 999),
		}); err != nil {
			t.Fatal(err)
		}
		sales, err := s.LinkSales(ctx, f.ws.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sales) != "[{EUR 1 50} {USD 2 200}]" {
			t.Fatalf("sales of link a = %v", sales)
		}
		if sales, err := s.LinkSales(ctx, other.ws.ID, a.ID); err != nil || len(sales) != 0 {
			t.Fatalf("link a's sales seen from another workspace: %v, %v", sales, err)
		}
	})
}

// TestLinksPaging walks the list a page at a time, newest first.
func TestLinksPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		for i := range 5 {
			_, err := s.CreateLink(ctx, store.Link{WorkspaceID: f.ws.ID, Code: fmt.Sprintf("page-%d", i), URL: "https://www.amazon.com/dp/B0C1234567?tag=store-20",
				Channel: "store-20", Program: "amazon.com", UniquePerClick: true})
			if err != nil {
				t.Fatal(err)
			}
		}
		var seen []string
		cursor := ""
		for pages := 0; ; pages++ {
			list, next, err := s.Links(ctx, f.ws.ID, store.LinkFilter{Cursor: cursor, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range list {
				seen = append(seen, l.ID)
			}
			if next == "" {
				break
			}
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			cursor = next
		}
		// Links made in the same microsecond are ordered by id, also descending.
		if len(seen) != 5 {
			t.Fatalf("pages gave %d links, want 5", len(seen))
		}
		all, _, err := s.Links(ctx, f.ws.ID, store.LinkFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range all {
			if all[i].ID != seen[i] {
				t.Fatalf("paged order %v differs from the whole list", seen)
			}
		}
		if _, _, err := s.Links(ctx, f.ws.ID, store.LinkFilter{Cursor: "bm90LWEtY3Vyc29y"}); !errors.Is(err, store.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func samePtrTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func dayCounts(days []store.LinkDay) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = fmt.Sprintf("%s:%d", d.Day.Format("2006-01-02"), d.Clicks)
	}
	return out
}
