package lifecycle

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/affsync/affsync/internal/model"
)

// TestRatesOf: the rate of a category is its fees over its revenue,
// rounded half away from zero; a category with no revenue or a zero rate
// has none. (Which rows count is the store's CategoryFeeSums.)
func TestRatesOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		sums map[string]model.FeeSums
		want CategoryRates
	}{
		{"none", nil, CategoryRates{}},
		{"the effective rate of a category's shipments", map[string]model.FeeSums{"Electronics": {Fees: 449, Revenue: 5998}},
			CategoryRates{"Electronics": 749}},
		{"half away from zero", map[string]model.FeeSums{"Books": {Fees: 45, Revenue: 1000}, "Home": {Fees: 1, Revenue: 20000}},
			CategoryRates{"Books": 450, "Home": 1}},
		{"no revenue or no fees: no rate", map[string]model.FeeSums{"Gift Cards": {Fees: 0, Revenue: 1000}, "Odd": {Fees: 5, Revenue: 0}},
			CategoryRates{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RatesOf(tc.sums); !reflect.DeepEqual(got, tc.want) {
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
