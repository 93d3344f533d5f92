package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

const centralEarningsHeader = "Category\tName\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice($)\tItems Shipped\tReturns\tRevenue($)\tAd Fees($)\tDevice Type Group\tSub Tag\n"

// centralEarnings is an Associates Central earnings download (TSV) of the
// days [from, to], as its title states them.
func centralEarnings(name, from, to string, rows ...string) importer.File {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	body := fmt.Sprintf("Fee-Earnings reports from %s to %s\n", f.Format("01-02-2006"), t.Format("01-02-2006")) + centralEarningsHeader
	for _, r := range rows {
		body += r + "\n"
	}
	return memFile(name, []byte(body))
}

// centralRow is one shipment of one item at 10.00 with the given ad fee.
func centralRow(tracking, day, subtag, fees string) string {
	return fmt.Sprintf("Electronics\tCable\tB0CABLE001\tAmazon.com\t%s\t%s\t10.00\t1\t0\t10.00\t%s\tDESKTOP\t%s", tracking, day, fees, subtag)
}

// Downloads of one period, each filtered to one tracking ID, add up; an
// overlapping unfiltered download that ends later replaces the days it
// carries for every tracking ID it carries, whatever the import order, and
// the summary says what stopped counting.
func TestCoveragePerTrackingID(t *testing.T) {
	filtered := func(tracking string) importer.File {
		return centralEarnings("Fee-Earnings-"+tracking+".tsv", "2026-10-01", "2026-10-03",
			centralRow(tracking, "2026-10-01", tracking+"-a", "1.00"),
			centralRow(tracking, "2026-10-02", tracking+"-b", "1.00"),
			centralRow(tracking, "2026-10-03", tracking+"-c", "1.00"))
	}
	// Unfiltered, 2 to 4 October: it changes store-20's 2 October and has no
	// row of its 3 October (which changes nothing there, SPEC §3.5), repeats
	// store-21 as it was, carries nothing of store-22.
	overlap := centralEarnings("Fee-Earnings-all.tsv", "2026-10-02", "2026-10-04",
		centralRow("store-20", "2026-10-02", "store-20-b", "2.00"),
		centralRow("store-21", "2026-10-02", "store-21-b", "1.00"),
		centralRow("store-21", "2026-10-03", "store-21-c", "1.00"),
		centralRow("store-20", "2026-10-04", "store-20-d", "1.00"))
	files := []importer.File{filtered("store-20"), filtered("store-21"), filtered("store-22"), overlap}
	want := map[string]string{ // subtag → commission
		"store-20-a": "1.00", "store-20-b": "2.00", "store-20-c": "1.00", "store-20-d": "1.00",
		"store-21-a": "1.00", "store-21-b": "1.00", "store-21-c": "1.00",
		"store-22-a": "1.00", "store-22-b": "1.00", "store-22-c": "1.00",
	}
	orders := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		var first string
		for n, order := range orders {
			e := newEnv(t, s, fmt.Sprintf("order%d", n))
			var notes []string
			for _, i := range order {
				notes = append(notes, e.importAll(t, files[i]).Notes...)
			}
			got := map[string]string{}
			for x, err := range allTransactions(t, e) {
				if err != nil {
					t.Fatal(err)
				}
				got[x.Customs[0]] = fmt.Sprintf("%d.%02d", x.Commission/100, x.Commission%100)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("order %v: transactions by subtag\n got %v\nwant %v", order, got, want)
			}
			if d := e.dump(t); first == "" {
				first = d
			} else if d != first {
				t.Errorf("order %v: the store differs from the first order's", order)
			}
			// Only the overlap, imported after a filtered file, replaces
			// some of its rows: store-20's 2 October, store-21's 2 and 3.
			var wantNotes []string
			for _, i := range order {
				if i == 3 {
					break
				}
				switch i {
				case 0:
					wantNotes = append(wantNotes, "1 transaction of Fee-Earnings-store-20.tsv (earnings, 2026-10-02) no longer counts: replaced by Fee-Earnings-all.tsv")
				case 1:
					wantNotes = append(wantNotes, "2 transactions of Fee-Earnings-store-21.tsv (earnings, 2026-10-02 … 2026-10-03) no longer count: replaced by Fee-Earnings-all.tsv")
				}
			}
			slices.Sort(wantNotes)
			slices.Sort(notes)
			if strings.Join(notes, "\n") != strings.Join(wantNotes, "\n") {
				t.Errorf("order %v: notes\n got %q\nwant %q", order, notes, wantNotes)
			}
		}
	})
}

// A re-issued download of one tracking ID replaces that tracking ID's rows
// only; a file whose rows carry no tracking ID covers every tracking ID of
// its days.
func TestReissuedAndUntrackedCoverage(t *testing.T) {
	early, late := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC)
	withModified := func(f importer.File, at time.Time) importer.File { f.LastModified = &at; return f }
	s20 := withModified(centralEarnings("Fee-Earnings-store-20.tsv", "2026-10-01", "2026-10-01",
		centralRow("store-20", "2026-10-01", "a", "1.00"), centralRow("store-20", "2026-10-01", "b", "1.00")), early)
	s21 := centralEarnings("Fee-Earnings-store-21.tsv", "2026-10-01", "2026-10-01", centralRow("store-21", "2026-10-01", "c", "1.00"))
	// The re-issue drops b and changes a.
	again := withModified(centralEarnings("Fee-Earnings-store-20-v2.tsv", "2026-10-01", "2026-10-01",
		centralRow("store-20", "2026-10-01", "a", "3.00")), late)
	untracked := centralEarnings("Fee-Earnings-untracked.tsv", "2026-10-01", "2026-10-02", centralRow("", "2026-10-01", "u", "5.00"))
	cases := []struct {
		name  string
		files []importer.File
		want  map[string]string
	}{
		{"re-issue after", []importer.File{s20, s21, again}, map[string]string{"a": "3.00", "c": "1.00"}},
		{"re-issue before", []importer.File{again, s21, s20}, map[string]string{"a": "3.00", "c": "1.00"}},
		{"untracked ends later", []importer.File{s20, s21, untracked}, map[string]string{"u": "5.00"}},
		{"untracked first", []importer.File{untracked, s21, s20}, map[string]string{"u": "5.00"}},
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for i, c := range cases {
			e := newEnv(t, s, fmt.Sprintf("case%d", i))
			e.importAll(t, c.files...)
			got := map[string]string{}
			for x, err := range allTransactions(t, e) {
				if err != nil {
					t.Fatal(err)
				}
				got[x.Customs[0]] = fmt.Sprintf("%d.%02d", x.Commission/100, x.Commission%100)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// allTransactions walks a workspace's transactions, a page at a time.
func allTransactions(t *testing.T, e env) func(yield func(model.Transaction, error) bool) {
	return func(yield func(model.Transaction, error) bool) {
		f := store.TransactionFilter{Limit: 100}
		for {
			list, next, err := e.s.Transactions(ctx, e.ws.ID, f)
			if err != nil {
				yield(model.Transaction{}, err)
				return
			}
			for _, x := range list {
				if !yield(x, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			f.Cursor = next
		}
	}
}
