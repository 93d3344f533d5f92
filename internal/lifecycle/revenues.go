package lifecycle

import (
	"cmp"
	"slices"

	"github.com/affsync/affsync/internal/model"
)

// revenueKey is the grouping of a revenues row.
type revenueKey struct {
	connection                         string
	day                                int64 // Unix seconds of the date
	channel, program, custom, currency string
}

// Revenues computes daily CPS revenues from Earnings and Bounty facts (other
// facts are ignored), one row per connection, date, channel (tracking ID),
// program, custom (subtag) and currency. Every row counts on its own date, so
// a return lowers the day it happened, not the day of its sale.
//
//   - SaleAmount, Commission: the sums of the rows (returns negative).
//   - ItemsShipped: gross shipped items, Quantity + Returns when positive;
//     a bounty's quantity.
//   - ItemsReturned: Returns plus any negative gross quantity; a reversed
//     bounty's |quantity|, whatever its sign in the file.
//   - Transactions: distinct transactions opened that day: in subtags mode a
//     subtag is one; a bounty, and any other shipped row (a row without
//     subtag, an order's shipment in orders mode), is one each. Returns and
//     refunds open none.
//
// Sorted by connection, date, channel, program, custom, currency.
func Revenues(facts []model.Fact, mode Mode) []model.Revenue {
	rows := map[revenueKey]*model.Revenue{}
	opened := map[revenueKey]map[string]bool{}
	for _, f := range facts {
		if f.Report != model.ReportEarnings && f.Report != model.ReportBounty {
			continue
		}
		day := dayOf(f.Day)
		k := revenueKey{f.ConnectionID, day.Unix(), f.TrackingID, f.Program, f.Subtag, f.Currency}
		r, ok := rows[k]
		if !ok {
			r = &model.Revenue{ConnectionID: f.ConnectionID, Date: day, Channel: f.TrackingID, Program: f.Program,
				Custom: f.Subtag, Currency: f.Currency, Kind: "cps"}
			rows[k] = r
			opened[k] = map[string]bool{}
		}
		r.SaleAmount += f.Revenue
		r.Commission += f.Commission
		shipped, returned := itemCounts(f)
		r.ItemsShipped += shipped
		r.ItemsReturned += returned
		if isPositive(f) {
			opened[k][transactionOf(f, mode)] = true
		}
	}
	out := make([]model.Revenue, 0, len(rows))
	for k, r := range rows {
		r.Transactions = int64(len(opened[k]))
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b model.Revenue) int {
		return cmp.Or(cmp.Compare(a.ConnectionID, b.ConnectionID), a.Date.Compare(b.Date), cmp.Compare(a.Channel, b.Channel),
			cmp.Compare(a.Program, b.Program), cmp.Compare(a.Custom, b.Custom), cmp.Compare(a.Currency, b.Currency))
	})
	return out
}

// transactionOf names the transaction a positive row opens, for counting.
func transactionOf(f model.Fact, mode Mode) string {
	if f.Report == model.ReportEarnings && mode == ModeSubtags && f.Subtag != "" {
		return groupSubtag + f.Subtag
	}
	return f.Key
}

// itemCounts is what a row adds to a day's items shipped and returned.
func itemCounts(f model.Fact) (shipped, returned int64) {
	if f.Report == model.ReportBounty {
		if isPositive(f) {
			return max(0, f.Quantity), 0
		}
		return 0, abs(f.Quantity)
	}
	return shippedCount(f), returnedCount(f)
}
