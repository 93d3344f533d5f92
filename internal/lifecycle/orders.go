package lifecycle

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// orders makes the transactions of one (tracking ID, subtag, ASIN) in
// orders mode.
//
// Pairing, first in first out: Earnings rows become shipment lines first
// (returns attached as everywhere, see buildLines); then lines in fact order
// go each to the earliest order (by day, then key) that still waits for
// items and was placed at most ShipWindowDays before the line shipped. An
// order waits for its Quantity; a line takes its gross shipped count off it
// (a line is never split, so an order may be over-served). A matched order
// takes its lines' real amounts and the shipped lifecycle, keeping the order
// date as sold_at. Lines that match no order become row transactions of
// their own ("r:"+first row key), so no commission is lost; when the order
// shows up later they move into it. Orders without quantity make nothing.
func orders(s Settings, today time.Time, fs []model.Fact, rates CategoryRates) []Projected {
	type order struct {
		fact    model.Fact
		waiting int64
		lines   []*line
	}
	var os []*order
	var earnings []model.Fact
	for _, f := range fs {
		switch {
		case f.Report == model.ReportOrders && f.Quantity > 0:
			os = append(os, &order{fact: f, waiting: f.Quantity})
		case f.Report == model.ReportEarnings:
			earnings = append(earnings, f)
		}
	}
	var loose []*line
	for _, l := range buildLines(earnings) {
		var target *order
		if l.ship != nil {
			for _, o := range os {
				if o.waiting > 0 && !l.ship.Day.Before(o.fact.Day) && daysBetween(o.fact.Day, l.ship.Day) <= s.shipWindow() {
					target = o
					break
				}
			}
		}
		if target == nil {
			loose = append(loose, l)
			continue
		}
		target.waiting -= shippedCount(*l.ship)
		target.lines = append(target.lines, l)
	}
	out := rowTransactions(s, today, loose)
	for _, o := range os {
		key := groupOrder + o.fact.Key
		if len(o.lines) == 0 {
			out = append(out, waitingOrder(s, today, key, o.fact, rates))
			continue
		}
		p := shipped(s, today, key, o.lines)
		p.Tx.SoldAt = o.fact.Day
		if factOrder(o.fact, o.lines[len(o.lines)-1].facts[0]) > 0 {
			p.Source = source(o.fact) // an order dated after its shipment: rare, but it is then the latest fact
		}
		out = append(out, p)
	}
	return out
}

// waitingOrder is an order no earnings matched: pending with an estimated
// commission, declined once the ship window has passed.
func waitingOrder(s Settings, today time.Time, key string, f model.Fact, rates CategoryRates) Projected {
	x := newTransaction(s, key, f)
	x.NetworkStatus, x.Quantity, x.SaleAmount = "ordered", f.Quantity, f.Revenue
	it := model.Item{SKU: f.ASIN, Name: f.Name, Category: f.Category, Seller: f.Seller, Price: f.Price,
		Quantity: f.Quantity, SaleAmount: f.Revenue, Device: f.Device, LinkType: f.LinkType}
	if f.Direct != nil {
		direct := *f.Direct
		it.Direct = &direct
	}
	if rate := rates[f.Category]; rate > 0 {
		x.Commission, x.CommissionEstimated = roundDiv(f.Revenue*rate, 10000), true
		it.Rate, it.Commission = rate, x.Commission
	}
	x.Items = []model.Item{it}
	x.Status = model.StatusPending
	if daysBetween(f.Day, today) > s.shipWindow() {
		x.Status, x.StatusReason = model.StatusDeclined, "not shipped"
		x.CheckedAt = ptr(f.Day.AddDate(0, 0, s.shipWindow()+1))
	}
	return Projected{Tx: x, Source: source(f)}
}
