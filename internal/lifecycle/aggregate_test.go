package lifecycle

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/affsync/affsync/internal/model"
)

// rev renders a revenues row: date channel program custom currency sale commission shipped returned transactions.
func rev(r model.Revenue) string {
	return fmt.Sprintf("%s %s %s %q %s %s sale=%d comm=%d shipped=%d returned=%d tx=%d", r.ConnectionID, r.Date.Format("2006-01-02"),
		r.Channel, r.Program, r.Custom, r.Kind, r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions)
}

func TestRevenues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mode  Mode
		facts []model.Fact
		want  []string
	}{
		{"a return counts, negative, on its own date", ModeSubtags,
			rows(earn("2026-10-02", "k", "B1", 2, 5998, 240), earn("2026-10-09", "k", "B1", -1, -2999, -120)),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=5998 comm=240 shipped=2 returned=0 tx=1`,
				`conn_1 2026-10-09 shop-20 "amazon.com" k cps sale=-2999 comm=-120 shipped=0 returned=1 tx=0`}},
		{"a Returns count on a shipping row", ModeSubtags,
			rows(with(earn("2026-10-02", "k", "B1", 1, 2999, 120), returned(1))),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=2999 comm=120 shipped=2 returned=1 tx=1`}},
		{"one subtag is one transaction, rows without subtag one each", ModeSubtags,
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-02", "k", "B2", 1, 1000, 40),
				earn("2026-10-02", "", "B1", 1, 2999, 120), again(earn("2026-10-02", "", "B1", 1, 2999, 120))),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com"  cps sale=5998 comm=240 shipped=2 returned=0 tx=2`,
				`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=3999 comm=160 shipped=2 returned=0 tx=1`}},
		{"in orders mode every shipped row is one", ModeOrders,
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-02", "k", "B2", 1, 1000, 40), order("2026-10-01", "k", "B1", 1)),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=3999 comm=160 shipped=2 returned=0 tx=2`}},
		{"bounties are cps, a reversal returns its quantity", ModeSubtags,
			rows(bounty("2026-10-02", "Prime", 300), bounty("2026-10-05", "Prime", -300), tracking("2026-10-02", "shop-20", 9)),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com"  cps sale=0 comm=300 shipped=1 returned=0 tx=1`,
				`conn_1 2026-10-05 shop-20 "amazon.com"  cps sale=0 comm=-300 shipped=0 returned=1 tx=0`}},
		{"one row per currency", ModeSubtags,
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120),
				with(earn("2026-10-02", "k", "B1", 1, 1999, 80), func(f *model.Fact) { f.Program, f.Currency = "amazon.com", "CAD" })),
			[]string{`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=1999 comm=80 shipped=1 returned=0 tx=1`,
				`conn_1 2026-10-02 shop-20 "amazon.com" k cps sale=2999 comm=120 shipped=1 returned=0 tx=1`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Revenues(tc.facts, tc.mode)
			var lines []string
			for _, r := range got {
				lines = append(lines, rev(r))
			}
			if !reflect.DeepEqual(lines, tc.want) {
				t.Fatalf("got\n%q\nwant\n%q", lines, tc.want)
			}
			for i := range tc.facts {
				// Reversed input: the same rows.
				j := len(tc.facts) - 1 - i
				if i < j {
					tc.facts[i], tc.facts[j] = tc.facts[j], tc.facts[i]
				}
			}
			if again := Revenues(tc.facts, tc.mode); !reflect.DeepEqual(again, got) {
				t.Fatalf("the order of facts changed the revenues")
			}
		})
	}
}

func TestRevenuesCurrencyAndCustomFields(t *testing.T) {
	got := Revenues(rows(with(earn("2026-10-02", "k", "B1", 1, 1999, 80), func(f *model.Fact) { f.Currency = "GBP" })), ModeSubtags)
	want := []model.Revenue{{ConnectionID: "conn_1", Date: day("2026-10-02"), Channel: "shop-20", Program: "amazon.com", Custom: "k",
		Currency: "GBP", Kind: "cps", SaleAmount: 1999, Commission: 80, ItemsShipped: 1, Transactions: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestClicks(t *testing.T) {
	withClicks := func(n int64) func(*model.Fact) { return func(f *model.Fact) { f.Clicks = n } }
	for _, tc := range []struct {
		name  string
		facts []model.Fact
		want  []string
	}{
		{"tracking rows by day and channel", rows(tracking("2026-10-02", "shop-20", 12), tracking("2026-10-02", "shop-21", 3),
			tracking("2026-10-03", "shop-20", 0), earn("2026-10-02", "k", "B1", 1, 2999, 120)),
			[]string{`2026-10-02 shop-20 "" 12`, `2026-10-02 shop-21 "" 3`, `2026-10-03 shop-20 "" 0`}},
		{"orders' clicks where no tracking row exists, by custom", rows(
			with(order("2026-10-02", "k", "B1", 1), withClicks(4)), with(order("2026-10-02", "j", "B1", 1), withClicks(2)),
			with(order("2026-10-02", "k", "B2", 0), withClicks(1)), order("2026-10-02", "x", "B2", 1)),
			[]string{`2026-10-02 shop-20 "j" 2`, `2026-10-02 shop-20 "k" 5`}},
		{"a tracked day never adds orders' clicks", rows(with(order("2026-10-02", "k", "B1", 1), withClicks(4)),
			tracking("2026-10-02", "shop-20", 12), with(order("2026-10-03", "k", "B1", 1), withClicks(4))),
			[]string{`2026-10-02 shop-20 "" 12`, `2026-10-03 shop-20 "k" 4`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			for _, c := range Clicks(tc.facts) {
				if c.ConnectionID != "conn_1" || c.Program != "amazon.com" {
					t.Fatalf("click row %+v", c)
				}
				lines = append(lines, fmt.Sprintf("%s %s %q %d", c.Date.Format("2006-01-02"), c.Channel, c.Custom, c.Clicks))
			}
			if !reflect.DeepEqual(lines, tc.want) {
				t.Fatalf("got %q, want %q", lines, tc.want)
			}
		})
	}
}

func TestRates(t *testing.T) {
	books := func(f *model.Fact) { f.Category = "Books" }
	for _, tc := range []struct {
		name  string
		facts []model.Fact
		want  CategoryRates
	}{
		{"none", nil, CategoryRates{}},
		{"the effective rate of a category's shipments", rows(earn("2026-10-02", "k", "B1", 1, 2999, 225), earn("2026-10-03", "k", "B1", 1, 2999, 224)),
			CategoryRates{"Electronics": 749}},
		{"returns, refunds, orders and empty categories do not count", rows(earn("2026-10-02", "k", "B1", 1, 10000, 400),
			earn("2026-10-03", "k", "B1", -1, -10000, -900), earn("2026-10-03", "k", "B1", 0, -100, -50), order("2026-10-01", "k", "B1", 1),
			with(earn("2026-10-02", "k", "B1", 1, 1000, 900), func(f *model.Fact) { f.Category = "" })),
			CategoryRates{"Electronics": 400}},
		{"per category", rows(earn("2026-10-02", "k", "B1", 1, 2000, 90), with(earn("2026-10-02", "k", "B2", 1, 1000, 45), books),
			with(earn("2026-10-02", "k", "B3", 1, 1000, 0), func(f *model.Fact) { f.Category = "Gift Cards" })),
			CategoryRates{"Electronics": 450, "Books": 450}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Rates(tc.facts); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestApplyPayments(t *testing.T) {
	ps := Project(rows(earn("2026-10-30", "a", "B1", 1, 2999, 120), earn("2026-11-02", "b", "B1", 1, 2999, 120),
		earn("2026-10-05", "c", "B1", 1, 2999, 120), earn("2026-12-01", "c", "B1", -1, -2999, -120), bounty("2026-10-03", "Prime", 300)),
		subtagsMode, day("2026-12-20"), nil)
	orders := Project(rows(order("2026-10-02", "k", "B1", 1)), ordersMode, day("2026-10-05"), nil)
	ps = append(ps, orders...)
	ps[1].Tx.Paid, ps[1].Tx.PaymentID = true, "stale" // a flag the payments no longer support goes
	ApplyPayments(ps, map[string]string{"2026-10": "pay_oct"})
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %v %s", p.Tx.SourceKey[:3], p.Tx.Paid, p.Tx.PaymentID))
	}
	want := []string{"b:b true pay_oct", "s:a true pay_oct", "s:b false ", "s:c true pay_oct", "o:o false "}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRoundDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{11996, 100, 120}, {11950, 100, 120}, {11949, 100, 119}, {-11950, 100, -120}, {-11949, 100, -119}, {0, 7, 0},
	} {
		if got := roundDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("roundDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
