package lifecycle

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// RevenueSums adds Earnings and Bounty facts up into rows of revenues (kind
// cps): the one revenue rule (SPEC §4.2), per day, tracking ID (the
// channel), program, subtag (the custom) and currency. Every row counts on
// its own date, so a return lowers the day it happened:
//   - sale_amount, commission: the sums of the rows (returns negative);
//   - items_shipped: gross shipped items, quantity + returns when positive;
//     a bounty's quantity, unless it is a reversal;
//   - items_returned: returns plus any negative gross quantity; a reversed
//     bounty's (negative ad fees) |quantity|, whatever its sign in the file;
//   - transactions: the transactions opened that day, by rows that ship
//     (positive quantity) or a bounty that is not a reversal; returns and
//     refunds open none. In subtags mode an Earnings subtag is one
//     transaction however many rows it has; a bounty, and every other
//     shipped row, is one each (a fact's key is unique among the facts that
//     count, so this is their count of distinct keys).
//
// Facts of other reports are left out. Adding the facts in parts and adding
// up the parts' rows gives the same sums as long as a subtag's earnings rows
// are never split: they are one group (GroupKey), so whole groups may be
// added apart.
type RevenueSums struct {
	bySubtag bool
	rows     map[revenueKey]*revenueRow
}

type revenueKey struct {
	day                                time.Time
	channel, program, custom, currency string
}

type revenueRow struct {
	model.Revenue
	bySubtag bool // an earnings row with this row's subtag opened its transaction
}

// NewRevenueSums is an empty sum of facts projected in the given mode.
func NewRevenueSums(mode Mode) *RevenueSums {
	return &RevenueSums{bySubtag: mode == ModeSubtags, rows: map[revenueKey]*revenueRow{}}
}

// Add adds one fact. Only its report, day, tracking ID, program, subtag,
// currency, revenue, commission, quantity and returns are read.
func (s *RevenueSums) Add(f model.Fact) {
	bounty := f.Report == model.ReportBounty
	if !bounty && f.Report != model.ReportEarnings {
		return
	}
	k := revenueKey{f.Day, f.TrackingID, f.Program, f.Subtag, f.Currency}
	r := s.rows[k]
	if r == nil {
		r = &revenueRow{Revenue: model.Revenue{Date: f.Day, Channel: f.TrackingID, Program: f.Program, Custom: f.Subtag,
			Currency: f.Currency, Kind: "cps"}}
		s.rows[k] = r
	}
	r.SaleAmount += f.Revenue
	r.Commission += f.Commission
	var opens bool
	if bounty {
		// A bounty's quantity is its count; a negative fee reverses it.
		if f.Commission >= 0 && f.Quantity > 0 {
			r.ItemsShipped += f.Quantity
		}
		if f.Commission < 0 {
			r.ItemsReturned += abs(f.Quantity)
		}
		opens = f.Commission >= 0
	} else {
		// Quantity is net of the row's returns (SPEC §3.5): it shipped
		// quantity + returns, and a row whose sum is negative (a return
		// without its count) returned that many more.
		net := f.Quantity + f.Returns
		r.ItemsShipped += max(net, 0)
		r.ItemsReturned += f.Returns + max(-net, 0)
		opens = f.Quantity > 0
	}
	switch {
	case !opens:
	case !bounty && s.bySubtag && f.Subtag != "":
		r.bySubtag = true
	default:
		r.Transactions++
	}
}

// Rows are the sums of the facts added since the last call, in key order
// (day, channel, program, custom, currency, each byte by byte); the sum
// starts empty again.
func (s *RevenueSums) Rows() []model.Revenue {
	out := make([]model.Revenue, 0, len(s.rows))
	for _, r := range s.rows {
		rev := r.Revenue
		if r.bySubtag {
			rev.Transactions++
		}
		out = append(out, rev)
	}
	clear(s.rows)
	slices.SortFunc(out, func(a, b model.Revenue) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Channel, b.Channel), strings.Compare(a.Program, b.Program),
			strings.Compare(a.Custom, b.Custom), strings.Compare(a.Currency, b.Currency))
	})
	return out
}
