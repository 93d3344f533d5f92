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
func (s *Store) ReportingRevenues(ctx context.Context, workspaceID string, f AggregateFilter) ([]ReportingRevenueRow, error) {
	conv, err := s.Converter(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	byDay := f
	if !slices.Contains(f.GroupBy, "day") {
		byDay.GroupBy = append(slicesClone(f.GroupBy), "day")
	}
	rows, err := s.Revenues(ctx, workspaceID, byDay)
	if err != nil {
		return nil, err
	}
	return ConvertRevenues(rows, f.GroupBy, conv)
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
