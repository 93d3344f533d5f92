package lifecycle

import "github.com/affsync/affsync/internal/model"

// CategoryRates holds, per product category, the commission rate (hundredths
// of a percent) Amazon paid in this connection's Earnings: the basis of the
// estimated commission of orders that have not shipped yet.
type CategoryRates map[string]int64

// RatesOf turns per-category sums into rates: per category, the effective
// rate of its shipments, Σ ad fees × 10000 ÷ Σ revenue, rounded half away
// from zero. The store sums them in SQL (CategoryFeeSums: rows with positive
// quantity and revenue and a category). Amounts rather than the Rate
// column, because Associates Central files have no rate column and DataFeed
// rates carry cent rounding (7.49–7.51 for one nominal 7.5).
func RatesOf(sums map[string]model.FeeSums) CategoryRates {
	out := CategoryRates{}
	for c, s := range sums {
		if s.Revenue <= 0 {
			continue
		}
		if r := roundDiv(s.Fees*10000, s.Revenue); r > 0 {
			out[c] = r
		}
	}
	return out
}
