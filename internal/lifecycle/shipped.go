package lifecycle

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// shipped makes one transaction of shipment lines (a subtag's, one row's, or
// an order's earnings), with the shipped lifecycle of SPEC §3.3: items per
// line, amounts the exact net sums, status from quantity and return window.
func shipped(s Settings, today time.Time, key string, ls []*line) Projected {
	b := sumLines(ls)
	x := newTransaction(s, key, ls[0].facts[0])
	x.Items = b.items
	x.Quantity, x.SaleAmount, x.Commission = b.qty, b.sale, b.commission
	if !b.firstShip.IsZero() {
		x.SoldAt = b.firstShip
	}
	x.NetworkStatus = "shipped"
	switch {
	case b.returned:
		x.NetworkStatus = "returned"
	case b.refunded:
		x.NetworkStatus = "refunded"
	}
	switch {
	case x.Quantity <= 0 || b.lastShip.IsZero():
		// Nothing left: declined on the day of the last return or refund
		// (a lone zero row has none: its own day).
		x.Status, x.StatusReason = model.StatusDeclined, "returned"
		x.CheckedAt = ptr(b.lastDay)
		if !b.lastAdjust.IsZero() {
			x.CheckedAt = ptr(b.lastAdjust)
		}
	case daysBetween(b.lastShip, today) >= s.returnWindow():
		x.Status, x.StatusReason = model.StatusConfirmed, "return window passed"
		x.CheckedAt = ptr(b.lastShip.AddDate(0, 0, s.returnWindow()))
	default:
		x.Status = model.StatusPending
	}
	return Projected{Tx: x, Source: source(*b.latest), ShippedAt: b.firstShip}
}

// rowTransactions makes the transactions of Earnings rows without a subtag:
// one per line, keyed by the line's first row, so a return that found its
// sale is part of that sale's transaction and one that did not stands alone,
// declined.
func rowTransactions(s Settings, today time.Time, ls []*line) []Projected {
	out := make([]Projected, 0, len(ls))
	for _, l := range ls {
		out = append(out, shipped(s, today, groupRow+l.facts[0].Key, []*line{l}))
	}
	return out
}
