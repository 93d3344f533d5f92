// Package lifecycle holds the status rules of SPEC §3.3–3.5 as pure
// functions: facts (report rows) in, transactions, revenues and clicks out,
// as of a day. Nothing here does I/O, and every result depends only on the
// facts as a set, the settings and today, never on the order in which files
// (or slice elements) arrived.
//
// Definitions the SPEC leaves open, fixed here:
//   - Facts are processed in "fact order": day, then shipments (and positive
//     bounties) before returns and refunds of the same day, then fact key.
//     Every "latest earlier" rule means "latest in fact order", so a return
//     may reverse a shipment of its own day.
//   - A shipment line is one positive Earnings row; returns and refunds attach
//     to the latest earlier line with the same ASIN, seller and unit price
//     that still has quantity (see lines.go). Each line is one Item, so two
//     identical rows stay two items.
//   - sold_at: the order date (orders), else the first shipment date.
//   - The return window runs from the last shipment of a product (ASIN,
//     seller, price) that still has something left (SPEC §3.3): a shipment
//     returned in full cannot be returned again, so it does not hold the
//     rest of the basket back.
//   - checked_at: the first day the final status held: for confirmed, that
//     last live shipment + the return window; for declined after returns, the
//     day of the latest return or refund; for "not shipped", the order date +
//     the ship window + 1; for a reversed bounty, the day of the reversal.
//   - A group whose facts span several programs or currencies is split: the
//     market (program, currency) holding the group's first fact keeps the
//     plain source keys, the others get "@program/currency" appended.
package lifecycle

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Mode is how a connection makes transactions of Amazon's reports.
type Mode string

const (
	ModeOrders  Mode = "orders"  // an Orders row is a transaction, matched by later Earnings
	ModeSubtags Mode = "subtags" // each subtag (one click) is a transaction of its Earnings rows
)

// Settings are the rules of one connection.
type Settings struct {
	WorkspaceID, ConnectionID, Network string // copied onto transactions
	Mode                               Mode
	ReturnWindowDays                   int // default 30 when 0
	ShipWindowDays                     int // orders not shipped within this many days are declined; default 90 when 0
}

func (s Settings) returnWindow() int { return cmp.Or(s.ReturnWindowDays, 30) }
func (s Settings) shipWindow() int   { return cmp.Or(s.ShipWindowDays, 90) }

// Projected is one transaction computed from facts.
type Projected struct {
	Group string            // GroupKey of its facts
	Tx    model.Transaction // ID derived from (ConnectionID, SourceKey); CreatedAt/UpdatedAt left zero
	// Source is the fact that last shaped it, "file:line": the latest of its
	// facts in fact order. History entries cite it.
	Source string
	// ShippedAt is the day of its first shipment (a bounty's day), zero when
	// nothing shipped: the month ApplyPayments looks at.
	ShippedAt time.Time
}

// Project computes the transactions of the given facts (all facts of one or
// more whole groups) as of today (its UTC date). The result is sorted by
// SourceKey. Tracking facts, and Orders facts in subtags mode, make no
// transactions.
func Project(facts []model.Fact, s Settings, today time.Time, rates CategoryRates) []Projected {
	groups := map[string][]model.Fact{}
	for _, f := range facts {
		if g := GroupKey(f, s.Mode); g != "" {
			groups[g] = append(groups[g], f)
		}
	}
	today = dayOf(today)
	var out []Projected
	for g, fs := range groups {
		for _, m := range splitMarkets(fs) {
			for _, p := range projectGroup(g, m.facts, s, today, rates) {
				p.Group = g
				p.Tx.SourceKey += m.suffix
				p.Tx.ID = model.TransactionID(s.ConnectionID, p.Tx.SourceKey)
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b Projected) int { return cmp.Compare(a.Tx.SourceKey, b.Tx.SourceKey) })
	return out
}

// projectGroup applies the rules of one group's kind to its facts, which
// are sorted in fact order.
func projectGroup(g string, fs []model.Fact, s Settings, today time.Time, rates CategoryRates) []Projected {
	switch g[:2] {
	case groupSubtag:
		return []Projected{shipped(s, today, groupSubtag+fs[0].Subtag, buildLines(fs))}
	case groupRow:
		return rowTransactions(s, today, buildLines(fs))
	case groupBounty:
		return bounties(s, today, fs)
	case groupOrder:
		return orders(s, today, fs, rates)
	}
	return nil
}

// market is the facts of one group in one program and currency.
type market struct {
	suffix string
	facts  []model.Fact
}

// splitMarkets sorts a group's facts in fact order and splits them by
// program and currency, so a transaction never mixes currencies.
func splitMarkets(fs []model.Fact) []market {
	slices.SortFunc(fs, factOrder)
	var out []market
	index := map[string]int{}
	for _, f := range fs {
		name := f.Program + "/" + f.Currency
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			suffix := ""
			if i > 0 {
				suffix = "@" + name
			}
			out = append(out, market{suffix: suffix})
		}
		out[i].facts = append(out[i].facts, f)
	}
	return out
}

// factOrder is the one order in which rules read facts: day, shipments
// before returns of the same day, key, then (for facts a store should never
// hand over twice) where they came from.
func factOrder(a, b model.Fact) int {
	if c := a.Day.Compare(b.Day); c != 0 {
		return c
	}
	if pa, pb := isPositive(a), isPositive(b); pa != pb {
		if pa {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Report, b.Report),
		cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
}

// isPositive tells a fact that opens something: a shipment (positive
// quantity), an order, or a bounty that is not a reversal.
func isPositive(f model.Fact) bool {
	if f.Report == model.ReportBounty {
		return f.Commission >= 0
	}
	return f.Quantity > 0
}

// returnedCount is the items a row takes back: its Returns count plus any
// negative gross quantity (a DataFeed return row says Quantity -1).
func returnedCount(f model.Fact) int64 {
	return f.Returns + max(0, -(f.Quantity+f.Returns))
}

// shippedCount is the items a row ships: its gross positive quantity.
func shippedCount(f model.Fact) int64 { return max(0, f.Quantity+f.Returns) }

func isRefund(f model.Fact) bool {
	return !isPositive(f) && returnedCount(f) == 0 && (f.Revenue < 0 || f.Commission < 0)
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// daysBetween counts whole UTC calendar days from a to b.
func daysBetween(a, b time.Time) int {
	return int(dayOf(b).Sub(dayOf(a)).Hours() / 24)
}

func source(f model.Fact) string { return f.File + ":" + strconv.Itoa(f.Line) }

func ptr(t time.Time) *time.Time { return &t }

// roundDiv divides by b > 0, rounding half away from zero.
func roundDiv(a, b int64) int64 {
	q, r := a/b, a%b
	if 2*r >= b {
		q++
	} else if 2*r <= -b {
		q--
	}
	return q
}

// newTransaction starts a transaction from the first fact of its market.
func newTransaction(s Settings, key string, f model.Fact) model.Transaction {
	x := model.Transaction{WorkspaceID: s.WorkspaceID, ConnectionID: s.ConnectionID, Network: s.Network, SourceKey: key,
		Program: f.Program, Channel: f.TrackingID, Currency: f.Currency, Customs: []string{}, SoldAt: f.Day}
	if f.Subtag != "" {
		x.Customs = []string{f.Subtag}
	}
	return x
}
