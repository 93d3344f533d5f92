package lifecycle

import "github.com/affsync/affsync/internal/model"

// CategoryRates holds, per product category, the commission rate (hundredths
// of a percent) Amazon paid in this connection's Earnings: the basis of the
// estimated commission of orders that have not shipped yet.
type CategoryRates map[string]int64

// Rates builds CategoryRates from Earnings facts (other facts are ignored):
// per category, the effective rate of its shipments, Σ ad fees × 10000 ÷
// Σ revenue over rows with positive quantity and revenue, rounded half away
// from zero. Amounts rather than the Rate column, because Associates
// Central files have no rate column and DataFeed rates carry cent rounding
// (7.49–7.51 for one nominal 7.5). Rows without a category are left out.
// Sums are order-independent, so the result is too.
func Rates(earnings []model.Fact) CategoryRates {
	sums := map[string]model.FeeSums{}
	for _, f := range earnings {
		if f.Report != model.ReportEarnings || f.Category == "" || f.Quantity <= 0 || f.Revenue <= 0 {
			continue
		}
		s := sums[f.Category]
		s.Fees += f.Commission
		s.Revenue += f.Revenue
		sums[f.Category] = s
	}
	return RatesOf(sums)
}

// RatesOf turns per-category sums (of the rows Rates would take, summed by
// the store in SQL) into rates, rounded half away from zero.
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
