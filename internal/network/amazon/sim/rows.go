package sim

import (
	"sort"
	"time"
)

// rowKind tells shipments from the two kinds of negative Earnings rows.
type rowKind int

const (
	shipment rowKind = iota
	returnRow
	refundRow
)

// earning is one Earnings row as the account's events imply it.
type earning struct {
	day          time.Time
	tag, subtag  string
	p            product
	kind         rowKind
	qty          int64 // negative for a return, 0 for a refund
	revenue, fee int64 // cents, negative for returns and refunds
	linkType     string
	seq          int // generation order, to keep sorting stable and readable
}

// fee is the ad fee of an amount in cents at a rate in basis points,
// rounded half away from zero, in integers.
func fee(amount, rate int64) int64 {
	p := amount * rate
	q, rem := p/10000, p%10000
	switch {
	case rem >= 5000:
		q++
	case rem <= -5000:
		q--
	}
	return q
}

// earnings lists every Earnings row of the account: by day, shipments
// before returns and refunds, then in the order the events were drawn.
func (acc *account) earnings() []earning {
	var out []earning
	for _, o := range acc.orders {
		for _, l := range o.lines {
			if !l.shipped {
				continue
			}
			base := earning{tag: o.tag, subtag: o.subtag, p: l.p, linkType: o.linkType}
			e := base
			e.day, e.kind, e.qty, e.revenue, e.fee = l.ship, shipment, l.qty, l.p.price*l.qty, fee(l.p.price*l.qty, l.p.cat.rate)
			out = append(out, e)
			for _, r := range l.returns {
				e := base
				e.day, e.kind, e.qty, e.revenue, e.fee = r.day, returnRow, -r.qty, -l.p.price*r.qty, -fee(l.p.price*r.qty, l.p.cat.rate)
				out = append(out, e)
			}
			for _, r := range l.refunds {
				e := base
				e.day, e.kind, e.qty, e.revenue, e.fee = r.day, refundRow, 0, -r.amount, -fee(r.amount, l.p.cat.rate)
				out = append(out, e)
			}
		}
	}
	for i := range out {
		out[i].seq = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.day.Equal(b.day) {
			return a.day.Before(b.day)
		}
		if (a.kind == shipment) != (b.kind == shipment) {
			return a.kind == shipment
		}
		return a.seq < b.seq
	})
	return out
}

// byDay groups rows by their day.
func byDay[T any](rows []T, day func(T) time.Time) map[time.Time][]T {
	m := map[time.Time][]T{}
	for _, r := range rows {
		m[day(r)] = append(m[day(r)], r)
	}
	return m
}

// tracking is one Tracking report row: a tracking ID's day.
type tracking struct {
	tag                                      string
	clicks, itemsOrdered, itemsShipped       int64
	orderedRevenue, shippedRevenue, earnings int64
}

// trackingRows sums a day's clicks, orders and Earnings per tracking ID.
func (acc *account) trackingRows(day time.Time, earnings []earning) []tracking {
	rows := make([]tracking, len(acc.tags))
	at := map[string]*tracking{}
	for i, t := range acc.tags {
		rows[i].tag = t
		at[t] = &rows[i]
	}
	for _, c := range acc.clicks {
		if c.day.Equal(day) {
			at[c.tag].clicks += c.clicks
		}
	}
	for _, o := range acc.orders {
		if !o.day.Equal(day) {
			continue
		}
		for _, l := range o.lines {
			at[o.tag].itemsOrdered += l.qty
			at[o.tag].orderedRevenue += l.qty * l.p.price
		}
	}
	for _, e := range earnings {
		t := at[e.tag]
		if e.kind == shipment {
			t.itemsShipped += e.qty
		}
		t.shippedRevenue += e.revenue
		t.earnings += e.fee
	}
	return rows
}
