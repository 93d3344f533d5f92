package sim

import (
	"sort"
	"time"
)

// returnWindow is the return window the truth assumes (SPEC §3.3 default).
const returnWindow = 30

// Truth is what a correct creators-subtags sync makes of the account as of
// its today. It is computed from the account's events, never from its files.
type Truth struct {
	Transactions []TruthTransaction
	Revenues     []TruthRevenue
	Clicks       []TruthClick
}

// TruthTransaction is one transaction: a subtag's purchases, a row without
// subtag, or a bounty.
type TruthTransaction struct {
	Subtag     string // "" for a row transaction, or a bounty without subtag
	Bounty     bool
	TrackingID string
	Currency   string
	SaleAmount int64 // minor units
	Commission int64 // minor units
	Quantity   int64
	Status     string // pending, confirmed or declined
	SoldAt     time.Time
}

// TruthRevenue is a day's sale amount and commission of a tracking ID:
// Earnings rows (returns negative on their own day) and bounties.
type TruthRevenue struct {
	Date       time.Time
	TrackingID string
	Currency   string
	SaleAmount int64
	Commission int64
}

// TruthClick is a tracking ID's clicks of a day.
type TruthClick struct {
	Date       time.Time
	TrackingID string
	Clicks     int64
}

// shippedStatus applies SPEC §3.3 and §3.5: declined when nothing is left,
// confirmed once the return window has passed since the last shipment of a
// line (an ASIN) that still has something left.
func shippedStatus(qty int64, lastShip, today time.Time) string {
	switch {
	case qty <= 0 || lastShip.IsZero():
		return "declined"
	case int(today.Sub(lastShip).Hours()/24) >= returnWindow:
		return "confirmed"
	}
	return "pending"
}

// open is a transaction being built, with the net quantity and last
// shipment of each of its lines (ASINs).
type open struct {
	TruthTransaction
	lineQty  map[string]int64
	lineShip map[string]time.Time
}

func (o *open) add(e earning) {
	o.Quantity += e.qty
	o.SaleAmount += e.revenue
	o.Commission += e.fee
	if o.lineQty == nil {
		o.lineQty, o.lineShip = map[string]int64{}, map[string]time.Time{}
	}
	o.lineQty[e.p.asin] += e.qty
	if e.kind == shipment {
		if o.SoldAt.IsZero() || e.day.Before(o.SoldAt) {
			o.SoldAt = e.day
		}
		if e.day.After(o.lineShip[e.p.asin]) {
			o.lineShip[e.p.asin] = e.day
		}
	}
}

// lastLiveShip is the latest shipment of a line with something left.
func (o *open) lastLiveShip() time.Time {
	var last time.Time
	for asin, q := range o.lineQty {
		if q > 0 && o.lineShip[asin].After(last) {
			last = o.lineShip[asin]
		}
	}
	return last
}

func (acc *account) truth(today time.Time) Truth {
	earnings := acc.earnings()
	var txs []*open
	newTx := func(e earning) *open {
		o := &open{TruthTransaction: TruthTransaction{Subtag: e.subtag, TrackingID: e.tag, Currency: acc.currency, SoldAt: e.day}}
		if e.kind == shipment {
			o.SoldAt = time.Time{} // set by add
		}
		txs = append(txs, o)
		return o
	}
	// A subtag is one click: all its rows are one transaction.
	bySubtag := map[string]*open{}
	// Rows without subtag: one transaction per positive row; a negative row
	// reverses the latest earlier row of the same tracking ID, ASIN, seller
	// and price that still has quantity, or stands alone.
	type rowKey struct {
		tag, asin, seller string
		price             int64
	}
	byRow := map[rowKey][]*open{}
	for _, e := range earnings {
		if e.subtag != "" {
			o := bySubtag[e.subtag]
			if o == nil {
				o = newTx(e)
				bySubtag[e.subtag] = o
			}
			o.add(e)
			continue
		}
		k := rowKey{e.tag, e.p.asin, e.p.seller, e.p.price}
		var target *open
		if e.kind != shipment {
			for i := len(byRow[k]) - 1; i >= 0; i-- {
				if c := byRow[k][i]; c.Quantity > 0 && !c.SoldAt.After(e.day) {
					target = c
					break
				}
			}
		}
		if target == nil {
			target = newTx(e)
			byRow[k] = append(byRow[k], target)
		}
		target.add(e)
	}
	out := make([]TruthTransaction, 0, len(txs))
	for _, o := range txs {
		o.Status = shippedStatus(o.Quantity, o.lastLiveShip(), today)
		out = append(out, o.TruthTransaction)
	}
	out = append(out, acc.bountyTruth(today)...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.SoldAt.Equal(b.SoldAt) {
			return a.SoldAt.Before(b.SoldAt)
		}
		if a.Bounty != b.Bounty {
			return !a.Bounty
		}
		return a.Subtag < b.Subtag
	})
	return Truth{Transactions: out, Revenues: acc.revenueTruth(earnings), Clicks: acc.clickTruth()}
}

// bountyTruth makes one transaction per bounty; a negative bounty declines
// the latest earlier one of the same name, tracking ID and amount, leaving
// the net figures (quantity and commission 0).
func (acc *account) bountyTruth(today time.Time) []TruthTransaction {
	bs := append([]bounty(nil), acc.bounties...)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].day.Before(bs[j].day) })
	var out []TruthTransaction
	var names []string
	for _, b := range bs {
		if b.fee < 0 {
			matched := false
			for i := len(out) - 1; i >= 0; i-- {
				p := &out[i]
				if names[i] == b.name && p.TrackingID == b.tag && p.Commission == -b.fee && p.Status != "declined" && !p.SoldAt.After(b.day) {
					p.Quantity, p.Commission, p.Status, matched = p.Quantity+b.qty, p.Commission+b.fee, "declined", true
					break
				}
			}
			if matched {
				continue
			}
		}
		t := TruthTransaction{Subtag: b.subtag, Bounty: true, TrackingID: b.tag, Currency: acc.currency,
			Commission: b.fee, Quantity: b.qty, SoldAt: b.day, Status: shippedStatus(1, b.day, today)}
		if b.fee < 0 {
			t.Status = "declined"
		}
		out = append(out, t)
		names = append(names, b.name)
	}
	return out
}

// revenueTruth sums Earnings rows and bounties per day and tracking ID.
func (acc *account) revenueTruth(earnings []earning) []TruthRevenue {
	type key struct {
		day time.Time
		tag string
	}
	sums := map[key]*TruthRevenue{}
	var keys []key
	at := func(day time.Time, tag string) *TruthRevenue {
		k := key{day, tag}
		if sums[k] == nil {
			sums[k] = &TruthRevenue{Date: day, TrackingID: tag, Currency: acc.currency}
			keys = append(keys, k)
		}
		return sums[k]
	}
	for _, e := range earnings {
		r := at(e.day, e.tag)
		r.SaleAmount += e.revenue
		r.Commission += e.fee
	}
	for _, b := range acc.bounties {
		at(b.day, b.tag).Commission += b.fee
	}
	out := make([]TruthRevenue, 0, len(keys))
	for _, k := range keys {
		out = append(out, *sums[k])
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].TrackingID < out[j].TrackingID
	})
	return out
}

func (acc *account) clickTruth() []TruthClick {
	out := make([]TruthClick, 0, len(acc.clicks))
	for _, c := range acc.clicks {
		out = append(out, TruthClick{Date: c.day, TrackingID: c.tag, Clicks: c.clicks})
	}
	return out
}
