package lifecycle

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// orders makes transactions of one (tracking ID, subtag, ASIN) in orders
// mode. Each Orders row is a transaction. Earnings rows are paired with
// orders first in, first out: a shipment goes to the earliest order that
// still waits for items and was placed at most ShipWindowDays before it; a
// return goes to the latest order that shipped before it. Earnings that
// match no order become transactions of their own, so no commission is lost.
func orders(s Settings, today time.Time, fs []model.Fact, rates CategoryRates) []Projected {
	type order struct {
		fact     model.Fact
		waiting  int64
		earnings []model.Fact
	}
	var os []*order
	var loose []model.Fact
	for _, f := range fs {
		if f.Report == model.ReportOrders && f.Quantity > 0 {
			os = append(os, &order{fact: f, waiting: f.Quantity})
		}
	}
	for _, f := range fs {
		if f.Report != model.ReportEarnings {
			continue
		}
		var target *order
		if f.Quantity > 0 {
			for _, o := range os {
				if o.waiting > 0 && !f.Day.Before(o.fact.Day) && !f.Day.After(o.fact.Day.AddDate(0, 0, s.shipWindow())) {
					target = o
					break
				}
			}
			if target != nil {
				target.waiting -= f.Quantity
			}
		} else {
			for i := len(os) - 1; i >= 0; i-- {
				if len(os[i].earnings) > 0 && !os[i].earnings[0].Day.After(f.Day) {
					target = os[i]
					break
				}
			}
		}
		if target == nil {
			loose = append(loose, f)
			continue
		}
		target.earnings = append(target.earnings, f)
	}
	var out []Projected
	for _, o := range os {
		if len(o.earnings) > 0 {
			p := shipment(s, today, "o:"+o.fact.Key, o.earnings)
			p.Tx.SoldAt = o.fact.Day
			out = append(out, p)
			continue
		}
		x := base(s, "o:"+o.fact.Key, o.fact)
		x.NetworkStatus, x.Quantity, x.SaleAmount = "ordered", o.fact.Quantity, o.fact.Revenue
		x.Items = []model.Item{{SKU: o.fact.ASIN, Name: o.fact.Name, Category: o.fact.Category, Seller: o.fact.Seller, Price: o.fact.Price,
			Quantity: o.fact.Quantity, SaleAmount: o.fact.Revenue, Device: o.fact.Device, LinkType: o.fact.LinkType, Direct: o.fact.Direct}}
		if rate, ok := rates[o.fact.Category]; ok && rate > 0 {
			x.Commission, x.CommissionEstimated = estimate(o.fact.Revenue, rate), true
			x.Items[0].Rate, x.Items[0].Commission = rate, x.Commission
		}
		if int(today.Sub(o.fact.Day).Hours()/24) > s.shipWindow() {
			x.Status, x.StatusReason, x.CheckedAt = model.StatusDeclined, "not shipped", ptr(o.fact.Day.AddDate(0, 0, s.shipWindow()))
		} else {
			x.Status = model.StatusPending
		}
		out = append(out, Projected{Tx: x, Source: source(o.fact)})
	}
	if len(loose) > 0 {
		out = append(out, rows(s, today, loose)...)
	}
	return out
}

// estimate is sale × rate, rounded half away from zero to the minor unit.
func estimate(sale, rate int64) int64 {
	p := sale * rate
	q, r := p/10000, p%10000
	if r >= 5000 {
		q++
	} else if r <= -5000 {
		q--
	}
	return q
}
