package lifecycle

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// line is one shipment line: a positive Earnings row (ship) and the returns
// and refunds attached to it. A return or refund that finds no line stands
// alone as a line without ship.
type line struct {
	ship  *model.Fact
	facts []model.Fact // in fact order, ship first
	qty   int64        // net quantity
}

// buildLines pairs Earnings rows, given in fact order. A positive row opens a
// line; any other row (return, refund, adjustment) attaches to the latest
// earlier line with the same ASIN, seller and unit price that still has
// quantity, or else stands alone. Rows are never split: a return larger than
// its line leaves that line negative.
func buildLines(fs []model.Fact) []*line {
	var out []*line
	for _, f := range fs {
		if isPositive(f) {
			ship := f
			out = append(out, &line{ship: &ship, facts: []model.Fact{f}, qty: f.Quantity})
			continue
		}
		target := (*line)(nil)
		for i := len(out) - 1; i >= 0; i-- {
			l := out[i]
			if l.ship != nil && l.qty > 0 && l.ship.ASIN == f.ASIN && l.ship.Seller == f.Seller && l.ship.Price == f.Price {
				target = l
				break
			}
		}
		if target == nil {
			out = append(out, &line{facts: []model.Fact{f}, qty: f.Quantity})
			continue
		}
		target.facts = append(target.facts, f)
		target.qty += f.Quantity
	}
	return out
}

// item is the basket line of a shipment line: the shipping row's details,
// net quantity and amounts.
func (l *line) item() model.Item {
	first := l.facts[0]
	it := model.Item{SKU: first.ASIN, Name: first.Name, Category: first.Category, Seller: first.Seller, Price: first.Price,
		Rate: rateOf(first), Device: first.Device, LinkType: first.LinkType}
	if first.Direct != nil {
		direct := *first.Direct
		it.Direct = &direct
	}
	for _, f := range l.facts {
		it.Quantity += f.Quantity
		it.Returned += returnedCount(f)
		it.SaleAmount += f.Revenue
		it.Commission += f.Commission
	}
	return it
}

// rateOf is a row's commission rate: as reported, or else (Associates
// Central files have no rate column) its ad fees over its revenue.
func rateOf(f model.Fact) int64 {
	if f.Rate != 0 || f.Revenue <= 0 {
		return f.Rate
	}
	return roundDiv(f.Commission*10000, f.Revenue)
}

// basket is what a set of lines adds up to, and when things happened to it.
type basket struct {
	items                 []model.Item
	qty, sale, commission int64
	firstShip, lastShip   time.Time // first shipment; last shipment of a product with something left
	lastAdjust, lastDay   time.Time
	returned, refunded    bool
	latest                *model.Fact // the latest fact in fact order
}

func sumLines(ls []*line) basket {
	var b basket
	b.lastShip = lastLiveShip(ls)
	for _, l := range ls {
		it := l.item()
		b.items = append(b.items, it)
		b.qty += it.Quantity
		b.sale += it.SaleAmount
		b.commission += it.Commission
		if l.ship != nil {
			if b.firstShip.IsZero() || l.ship.Day.Before(b.firstShip) {
				b.firstShip = l.ship.Day
			}
		}
		for _, f := range l.facts {
			if !isPositive(f) && f.Day.After(b.lastAdjust) {
				b.lastAdjust = f.Day
			}
			if f.Day.After(b.lastDay) {
				b.lastDay = f.Day
			}
			b.returned = b.returned || returnedCount(f) > 0
			b.refunded = b.refunded || isRefund(f)
			if b.latest == nil || factOrder(f, *b.latest) > 0 {
				latest := f
				b.latest = &latest
			}
		}
	}
	return b
}

// lastLiveShip is the day of the last shipment of a product (ASIN, seller,
// unit price) that still has quantity: the day the return window runs from
// (SPEC §3.3 "since the last shipment with something left"). A product
// shipped twice and returned once counts from its later shipment, since
// nobody knows which of the two came back.
func lastLiveShip(ls []*line) time.Time {
	type product struct {
		asin, seller string
		price        int64
	}
	qty := map[product]int64{}
	last := map[product]time.Time{}
	for _, l := range ls {
		if l.ship == nil {
			continue
		}
		p := product{l.ship.ASIN, l.ship.Seller, l.ship.Price}
		qty[p] += l.qty
		if l.ship.Day.After(last[p]) {
			last[p] = l.ship.Day
		}
	}
	var out time.Time
	for p, q := range qty {
		if q > 0 && last[p].After(out) {
			out = last[p]
		}
	}
	return out
}
