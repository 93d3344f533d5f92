package lifecycle

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// isReturn tells a row that takes items back; isRefund one that takes only money back.
func isReturn(f model.Fact) bool { return f.Quantity < 0 || f.Returns > 0 }
func isRefund(f model.Fact) bool {
	return !isReturn(f) && f.Quantity <= 0 && (f.Revenue < 0 || f.Commission < 0)
}

// shipment makes one transaction of Earnings rows (a subtag's, or one row
// with the returns that reverse it): items per ASIN, seller and price;
// amounts the exact net sums; the shipped lifecycle of SPEC §3.3.
func shipment(s Settings, today time.Time, key string, fs []model.Fact) Projected {
	x := base(s, key, fs[0])
	var firstShip, lastShip, lastNeg time.Time
	returned, refunded := false, false
	items := map[string]*model.Item{}
	var order []string
	for _, f := range fs {
		x.Quantity += f.Quantity
		x.SaleAmount += f.Revenue
		x.Commission += f.Commission
		if f.Quantity > 0 {
			if firstShip.IsZero() {
				firstShip = f.Day
			}
			lastShip = f.Day
		}
		if isReturn(f) {
			returned = true
			lastNeg = f.Day
		} else if isRefund(f) {
			refunded = true
			lastNeg = f.Day
		}
		id := f.ASIN + sep + f.Seller + sep + strconv.FormatInt(f.Price, 10)
		it, ok := items[id]
		if !ok {
			it = &model.Item{SKU: f.ASIN, Seller: f.Seller, Price: f.Price}
			items[id] = it
			order = append(order, id)
		}
		it.Quantity += f.Quantity
		it.Returned += f.Returns
		if f.Quantity < 0 {
			it.Returned -= f.Quantity
		}
		it.SaleAmount += f.Revenue
		it.Commission += f.Commission
		if f.Quantity > 0 || it.Name == "" {
			it.Name, it.Category, it.Device, it.LinkType = cmp.Or(f.Name, it.Name), cmp.Or(f.Category, it.Category), cmp.Or(f.Device, it.Device), cmp.Or(f.LinkType, it.LinkType)
			if f.Rate > 0 {
				it.Rate = f.Rate
			}
			if f.Direct != nil {
				d := *f.Direct
				it.Direct = &d
			}
		}
	}
	slices.Sort(order)
	for _, id := range order {
		x.Items = append(x.Items, *items[id])
	}
	if !firstShip.IsZero() {
		x.SoldAt = firstShip
	}
	x.NetworkStatus = "shipped"
	switch {
	case returned:
		x.NetworkStatus = "returned"
	case refunded:
		x.NetworkStatus = "refunded"
	}
	applyShippedStatus(&x, s, today, lastShip, lastNeg)
	return Projected{Tx: x, Source: source(fs[len(fs)-1])}
}

// applyShippedStatus sets the status of shipped goods: declined when
// nothing is left, confirmed once the return window has passed since the
// last shipment, pending until then.
func applyShippedStatus(x *model.Transaction, s Settings, today, lastShip, lastNeg time.Time) {
	switch {
	case x.Quantity <= 0 || lastShip.IsZero():
		x.Status, x.StatusReason = model.StatusDeclined, "returned"
		if lastNeg.IsZero() {
			lastNeg = lastShip
		}
		x.CheckedAt = ptr(lastNeg)
	case int(today.Sub(lastShip).Hours()/24) >= s.returnWindow():
		x.Status, x.StatusReason = model.StatusConfirmed, "return window passed"
		x.CheckedAt = ptr(lastShip.AddDate(0, 0, s.returnWindow()))
	default:
		x.Status = model.StatusPending
	}
}

// rows makes transactions of Earnings rows without a subtag: one per
// positive row; a negative row reverses the latest earlier row that still
// has quantity, or else stands alone, declined.
func rows(s Settings, today time.Time, fs []model.Fact) []Projected {
	type open struct {
		facts []model.Fact
		qty   int64
	}
	var txs []*open
	for _, f := range fs {
		if f.Quantity > 0 || (!isReturn(f) && !isRefund(f)) {
			txs = append(txs, &open{facts: []model.Fact{f}, qty: f.Quantity})
			continue
		}
		var target *open
		for i := len(txs) - 1; i >= 0; i-- {
			if txs[i].qty > 0 && !txs[i].facts[0].Day.After(f.Day) {
				target = txs[i]
				break
			}
		}
		if target == nil {
			txs = append(txs, &open{facts: []model.Fact{f}, qty: f.Quantity})
			continue
		}
		target.facts = append(target.facts, f)
		target.qty += f.Quantity
	}
	out := make([]Projected, 0, len(txs))
	for _, t := range txs {
		out = append(out, shipment(s, today, "r:"+t.facts[0].Key, t.facts))
	}
	return out
}

// bounties makes one transaction per bounty row: pending, confirmed after
// the return window; a negative row declines the latest earlier bounty of the
// same name, tracking ID and amount, or else stands alone, declined.
func bounties(s Settings, today time.Time, fs []model.Fact) []Projected {
	var out []Projected
	for _, f := range fs {
		if f.Commission >= 0 {
			x := base(s, "b:"+f.Key, f)
			x.NetworkStatus, x.Quantity, x.Commission, x.SaleAmount = "bounty", f.Quantity, f.Commission, 0
			if int(today.Sub(f.Day).Hours()/24) >= s.returnWindow() {
				x.Status, x.StatusReason, x.CheckedAt = model.StatusConfirmed, "return window passed", ptr(f.Day.AddDate(0, 0, s.returnWindow()))
			} else {
				x.Status = model.StatusPending
			}
			out = append(out, Projected{Tx: x, Source: source(f)})
			continue
		}
		matched := false
		for i := len(out) - 1; i >= 0; i-- {
			p := &out[i]
			if p.Tx.Commission > 0 && p.Tx.Status != model.StatusDeclined && !p.Tx.SoldAt.After(f.Day) {
				p.Tx.Commission += f.Commission
				p.Tx.Status, p.Tx.StatusReason, p.Tx.CheckedAt, p.Source = model.StatusDeclined, "bounty reversed", ptr(f.Day), source(f)
				matched = true
				break
			}
		}
		if !matched {
			x := base(s, "b:"+f.Key, f)
			x.NetworkStatus, x.Quantity, x.Commission = "bounty", f.Quantity, f.Commission
			x.Status, x.StatusReason, x.CheckedAt = model.StatusDeclined, "bounty reversed", ptr(f.Day)
			out = append(out, Projected{Tx: x, Source: source(f)})
		}
	}
	return out
}
