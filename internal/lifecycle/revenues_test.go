package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/model"
)

// revenueLines are rows as "day channel custom: sale comm shipped returned tx".
func revenueLines(rows []model.Revenue) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %s %q %s: sale=%d comm=%d shipped=%d returned=%d tx=%d", r.Date.Format("2006-01-02"), r.Channel,
			r.Custom, r.Currency, r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions))
	}
	return out
}

// TestRevenueSums: the revenue rule (SPEC §4.2) on each kind of row.
func TestRevenueSums(t *testing.T) {
	returned := with(earn("2026-10-05", "u1", "B1", -1, -2999, -120), func(f *model.Fact) { f.Returns = 1 })
	counted := with(earn("2026-10-02", "u2", "B2", 1, 2999, 120), func(f *model.Fact) { f.Returns = 2 })
	for _, tc := range []struct {
		name  string
		mode  Mode
		facts []model.Fact
		want  []string
	}{
		{"a subtag's rows are one transaction", ModeSubtags,
			[]model.Fact{earn("2026-10-02", "u1", "B1", 2, 5998, 240), earn("2026-10-02", "u1", "B2", 1, 2999, 120)},
			[]string{`2026-10-02 shop-20 "u1" USD: sale=8997 comm=360 shipped=3 returned=0 tx=1`}},
		{"in orders mode each row is one", ModeOrders,
			[]model.Fact{earn("2026-10-02", "u1", "B1", 2, 5998, 240), earn("2026-10-02", "u1", "B2", 1, 2999, 120)},
			[]string{`2026-10-02 shop-20 "u1" USD: sale=8997 comm=360 shipped=3 returned=0 tx=2`}},
		{"rows without a subtag are one each, equal ones too", ModeSubtags,
			[]model.Fact{earn("2026-10-02", "", "B1", 1, 2999, 120), again(earn("2026-10-02", "", "B1", 1, 2999, 120))},
			[]string{`2026-10-02 shop-20 "" USD: sale=5998 comm=240 shipped=2 returned=0 tx=2`}},
		{"a return opens none and counts its items on its own day", ModeSubtags, []model.Fact{returned},
			[]string{`2026-10-05 shop-20 "u1" USD: sale=-2999 comm=-120 shipped=0 returned=1 tx=0`}},
		{"a negative net without its count is returned too", ModeSubtags, []model.Fact{earn("2026-10-05", "u1", "B1", -2, -5998, -240)},
			[]string{`2026-10-05 shop-20 "u1" USD: sale=-5998 comm=-240 shipped=0 returned=2 tx=0`}},
		{"shipped is net quantity plus returns", ModeSubtags, []model.Fact{counted},
			[]string{`2026-10-02 shop-20 "u2" USD: sale=2999 comm=120 shipped=3 returned=2 tx=1`}},
		{"a bounty is one of its own, a reversal returns it", ModeSubtags,
			[]model.Fact{bounty("2026-10-02", "Prime", 300), with(bounty("2026-10-02", "Prime", 300), func(f *model.Fact) { f.Subtag = "u1" }),
				earn("2026-10-02", "u1", "B1", 1, 2999, 120), bounty("2026-10-05", "Prime", -300)},
			[]string{`2026-10-02 shop-20 "" USD: sale=0 comm=300 shipped=1 returned=0 tx=1`,
				`2026-10-02 shop-20 "u1" USD: sale=2999 comm=420 shipped=2 returned=0 tx=2`,
				`2026-10-05 shop-20 "" USD: sale=0 comm=-300 shipped=0 returned=1 tx=0`}},
		{"orders and clicks are no revenue", ModeSubtags, []model.Fact{order("2026-10-02", "u1", "B1", 1), tracking("2026-10-02", "shop-20", 5)},
			nil},
		{"keys apart: day, channel, currency", ModeSubtags,
			[]model.Fact{earn("2026-10-03", "u1", "B1", 1, 2999, 120), earn("2026-10-02", "u1", "B1", 1, 2999, 120),
				with(earn("2026-10-02", "u1", "B1", 1, 2999, 120), func(f *model.Fact) { f.TrackingID = "other-20" }),
				with(earn("2026-10-02", "u1", "B1", 1, 2999, 120), func(f *model.Fact) { f.Currency = "EUR" })},
			[]string{`2026-10-02 other-20 "u1" USD: sale=2999 comm=120 shipped=1 returned=0 tx=1`,
				`2026-10-02 shop-20 "u1" EUR: sale=2999 comm=120 shipped=1 returned=0 tx=1`,
				`2026-10-02 shop-20 "u1" USD: sale=2999 comm=120 shipped=1 returned=0 tx=1`,
				`2026-10-03 shop-20 "u1" USD: sale=2999 comm=120 shipped=1 returned=0 tx=1`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewRevenueSums(tc.mode)
			for _, f := range tc.facts {
				s.Add(f)
			}
			if got := revenueLines(s.Rows()); !slices.Equal(got, tc.want) {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if rest := s.Rows(); len(rest) != 0 {
				t.Fatalf("Rows did not start the sum again: %v", rest)
			}
		})
	}
}

// TestRevenueSumsOfWholeGroupsAddUp: a file's facts summed a batch of whole
// groups at a time, the batches' rows added key by key (store.AddRevenues),
// make the rows of all the facts summed at once; in both modes, whatever
// the batches. Splitting a subtag's rows would count it twice: the test
// checks that such a split is caught, so that it can fail.
func TestRevenueSumsOfWholeGroupsAddUp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 12))
	var facts []model.Fact
	for i := range 400 {
		d := fmt.Sprintf("2026-10-%02d", 1+r.IntN(3))
		sub := []string{"", "u1", "u2", "u3", "u4"}[r.IntN(5)]
		qty := int64(r.IntN(4) - 1)
		switch r.IntN(4) {
		case 0:
			f := bounty(d, []string{"Prime", "Audible"}[r.IntN(2)], int64(300*(1-2*r.IntN(2))))
			f.Subtag, f.Key = sub, f.Key+fmt.Sprint(i)
			facts = append(facts, f)
		default:
			f := earn(d, sub, fmt.Sprintf("B%d", r.IntN(3)), qty, qty*2999, qty*120)
			f.Returns, f.Key = int64(r.IntN(2)), f.Key+fmt.Sprint(i)
			facts = append(facts, f)
		}
	}
	for _, mode := range []Mode{ModeSubtags, ModeOrders} {
		all := NewRevenueSums(mode)
		for _, f := range facts {
			all.Add(f)
		}
		want := sortedLines(revenueLines(all.Rows()))
		// Groups in a random order, cut into batches of random sizes.
		byGroup := map[string][]model.Fact{}
		for _, f := range facts {
			byGroup[GroupKey(f, mode)] = append(byGroup[GroupKey(f, mode)], f)
		}
		groups := make([]string, 0, len(byGroup))
		for g := range byGroup {
			groups = append(groups, g)
		}
		slices.Sort(groups)
		for round := range 20 {
			r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
			added := map[string]model.Revenue{}
			part := NewRevenueSums(mode)
			for i := 0; i < len(groups); {
				n := 1 + r.IntN(5)
				for _, g := range groups[i:min(i+n, len(groups))] {
					for _, f := range byGroup[g] {
						part.Add(f)
					}
				}
				i += n
				for _, row := range part.Rows() {
					k := fmt.Sprint(row.Date, row.Channel, row.Program, row.Custom, row.Currency)
					sum := added[k]
					if sum.Kind == "" {
						sum = row
					} else {
						sum.SaleAmount += row.SaleAmount
						sum.Commission += row.Commission
						sum.ItemsShipped += row.ItemsShipped
						sum.ItemsReturned += row.ItemsReturned
						sum.Transactions += row.Transactions
					}
					added[k] = sum
				}
			}
			var rows []model.Revenue
			for _, row := range added {
				rows = append(rows, row)
			}
			got := sortedLines(revenueLines(rows))
			if !slices.Equal(got, want) {
				t.Fatalf("mode %v, round %d: batches add up to\n%s\nall at once\n%s", mode, round, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
	// A subtag's earnings rows in two parts are two transactions.
	split := NewRevenueSums(ModeSubtags)
	split.Add(earn("2026-10-02", "u1", "B1", 1, 2999, 120))
	first := split.Rows()
	split.Add(earn("2026-10-02", "u1", "B2", 1, 2999, 120))
	if n := first[0].Transactions + split.Rows()[0].Transactions; n != 2 {
		t.Fatalf("a split subtag makes %d transactions; the test above could not tell a split", n)
	}
}

func sortedLines(lines []string) []string {
	slices.Sort(lines)
	return lines
}
