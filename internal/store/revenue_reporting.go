package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/money"
)

// ReportingRevenueRow is one group of revenues in the reporting currency.
// SaleAmount and Commission (RevenueRow.Currency is the reporting currency)
// sum what could be converted; Unconverted holds, per original currency, the
// totals of the days that had no rate, left out of those sums. The counts
// (items, transactions) cover every row.
type ReportingRevenueRow struct {
	RevenueRow
	Unconverted []UnconvertedRevenue
}

// UnconvertedRevenue is an original currency's total of a group that had
// no rate on some of its days, and why.
type UnconvertedRevenue struct {
	Currency   string
	SaleAmount int64
	Commission int64
	Reason     string // of the first such day
}

// ReportingRevenues answers GET /v1/revenues?currency=reporting (SPEC
// §4.2a): for each group and revenue date, each original currency's total
// is converted at that date's rate, rounded once per currency, group and
// date, and the results summed into one row per group.
//
// It pages like Revenues, by the group key (the grouped fields, then kind):
// the rows of one group are read in key order, day and currency last, so a
// page ends only after the whole of its last group.
func (s *Store) ReportingRevenues(ctx context.Context, workspaceID string, f AggregateFilter) ([]ReportingRevenueRow, string, error) {
	conv, err := s.Converter(ctx, workspaceID)
	if err != nil {
		return nil, "", err
	}
	outer := groupPages{list: "rrev", cols: append(slicesClone(f.GroupBy), "kind")}
	inner := groupPages{list: "rrev-rows", cols: slicesClone(outer.cols)}
	if !slices.Contains(f.GroupBy, "day") {
		inner.cols = append(inner.cols, "day")
	}
	inner.cols = append(inner.cols, "currency")
	n := f.limit()
	// The first read starts after the page's cursor; later ones after the
	// last row read, a strictly later point of the same order.
	byDay := f
	byDay.Cursor, byDay.Limit = "", 0
	var rows []RevenueRow
	var groups [][]string // the outer key of each group read, in order
	cursor, from := f.Cursor, outer
	batchSize := min(10*n, 1000) // rows (a group's days and currencies) a read
	for {
		batch, next, err := s.revenuePage(ctx, workspaceID, byDay, inner, from, cursor, batchSize)
		if err != nil {
			return nil, "", err
		}
		for _, r := range batch {
			k := keyValues(outer.cols, r.Date, r.Channel, r.Program, r.Custom, "", r.Currency, r.Kind)
			if len(groups) == 0 || !slices.Equal(groups[len(groups)-1], k) {
				if len(groups) == n { // a group beyond this page: the page is whole
					out, err := ConvertRevenues(rows, f.GroupBy, conv)
					return out, outer.cursor(groups[n-1]), err
				}
				groups = append(groups, k)
			}
			rows = append(rows, r)
		}
		if next == "" {
			out, err := ConvertRevenues(rows, f.GroupBy, conv)
			return out, "", err
		}
		cursor, from = next, inner
	}
}

// ConvertRevenues folds revenue rows of one day and currency each (grouped
// by day besides groupBy) into rows of groupBy in conv's currency.
func ConvertRevenues(rows []RevenueRow, groupBy []string, conv fxrate.Converter) ([]ReportingRevenueRow, error) {
	type key struct {
		day                      string
		channel, program, custom string
		kind                     string
	}
	byDay := slices.Contains(groupBy, "day")
	index := map[key]int{}
	var out []ReportingRevenueRow
	for _, r := range rows {
		if r.Date == nil {
			return nil, fmt.Errorf("convert revenues: a row without its day")
		}
		k := key{channel: r.Channel, program: r.Program, custom: r.Custom, kind: r.Kind}
		if byDay {
			k.day = date(*r.Date)
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			row := RevenueRow{Channel: r.Channel, Program: r.Program, Custom: r.Custom, Kind: r.Kind, Currency: conv.Currency()}
			if byDay {
				d := *r.Date
				row.Date = &d
			}
			out = append(out, ReportingRevenueRow{RevenueRow: row})
		}
		o := &out[i]
		o.ItemsShipped += r.ItemsShipped
		o.ItemsReturned += r.ItemsReturned
		o.Transactions += r.Transactions
		c, err := conv.Convert(r.Currency, *r.Date, r.SaleAmount, r.Commission)
		if err != nil {
			if err := o.addUnconverted(r, err); err != nil {
				return nil, err
			}
			continue
		}
		if o.SaleAmount, err = money.AddMinor(o.SaleAmount, c.Minor[0]); err != nil {
			return nil, fmt.Errorf("convert revenues: %w", err)
		}
		if o.Commission, err = money.AddMinor(o.Commission, c.Minor[1]); err != nil {
			return nil, fmt.Errorf("convert revenues: %w", err)
		}
	}
	// In the order Revenues uses: the grouping fields as given, then kind.
	slices.SortStableFunc(out, func(a, b ReportingRevenueRow) int {
		for _, g := range groupBy {
			var c int
			switch g {
			case "day":
				c = a.Date.Compare(*b.Date)
			case "channel":
				c = cmp.Compare(a.Channel, b.Channel)
			case "program":
				c = cmp.Compare(a.Program, b.Program)
			case "custom":
				c = cmp.Compare(a.Custom, b.Custom)
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Kind, b.Kind)
	})
	return out, nil
}

func (o *ReportingRevenueRow) addUnconverted(r RevenueRow, why error) error {
	var reason string
	if nr, ok := why.(*fxrate.NoRateError); ok {
		reason = nr.Reason
	} else {
		reason = why.Error()
	}
	i := slices.IndexFunc(o.Unconverted, func(u UnconvertedRevenue) bool { return u.Currency == r.Currency })
	if i < 0 {
		o.Unconverted = append(o.Unconverted, UnconvertedRevenue{Currency: r.Currency, Reason: reason})
		i = len(o.Unconverted) - 1
	}
	u := &o.Unconverted[i]
	var err error
	if u.SaleAmount, err = money.AddMinor(u.SaleAmount, r.SaleAmount); err != nil {
		return fmt.Errorf("convert revenues: %w", err)
	}
	if u.Commission, err = money.AddMinor(u.Commission, r.Commission); err != nil {
		return fmt.Errorf("convert revenues: %w", err)
	}
	return nil
}
