package sim

import (
	"sort"
	"time"
)

// TruthTransaction is what a correct creators-subtags sync makes of the
// account, computed from the simulator's own events, not from its files.
type TruthTransaction struct {
	Subtag     string // "" for a row of a click without subtag, or a bounty without one
	Bounty     bool
	TrackingID string
	Currency   string
	SaleAmount int64
	Commission int64
	Quantity   int64
	Status     string
	SoldAt     time.Time
}

// Truth is the ground truth of the account as of its day.
type Truth struct {
	Transactions []TruthTransaction
}

func status(qty int64, lastShip, today time.Time) string {
	switch {
	case qty <= 0:
		return "declined"
	case int(today.Sub(lastShip).Hours()/24) >= window:
		return "confirmed"
	}
	return "pending"
}

func (acc account) truth(today time.Time) Truth {
	var out []TruthTransaction
	add := func(c click, ls []line) {
		var t TruthTransaction
		t.Subtag, t.TrackingID, t.Currency = c.subtag, c.tag, "USD"
		var first, last time.Time
		for _, l := range ls {
			q := l.qty
			t.Commission += fee(l.price, l.qty, l.rate)
			for _, r := range l.returns {
				q -= r.qty
				t.Commission -= fee(l.price, r.qty, l.rate)
			}
			t.Quantity += q
			t.SaleAmount += l.price * q
			if first.IsZero() || l.ship.Before(first) {
				first = l.ship
			}
			if l.ship.After(last) {
				last = l.ship
			}
		}
		t.SoldAt, t.Status = first, status(t.Quantity, last, today)
		out = append(out, t)
	}
	for _, c := range acc.orders {
		if len(c.lines) == 0 {
			continue
		}
		if c.subtag != "" {
			add(c, c.lines)
			continue
		}
		for _, l := range c.lines { // without a subtag every row stands alone
			add(c, []line{l})
		}
	}
	var bounties []*TruthTransaction
	var names []string
	for _, b := range acc.bounties {
		if b.fee < 0 {
			for i := len(bounties) - 1; i >= 0; i-- {
				p := bounties[i]
				if names[i] == b.name && p.Commission == -b.fee && p.Status != "declined" && p.TrackingID == b.tag && !p.SoldAt.After(b.day) {
					p.Commission, p.Status = 0, "declined"
					break
				}
			}
			continue
		}
		t := &TruthTransaction{Subtag: b.subtag, Bounty: true, TrackingID: b.tag, Currency: "USD", Commission: b.fee, Quantity: 1, SoldAt: b.day,
			Status: status(1, b.day, today)}
		bounties = append(bounties, t)
		names = append(names, b.name)
	}
	for _, b := range bounties {
		out = append(out, *b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].SoldAt.Equal(out[j].SoldAt) {
			return out[i].Subtag < out[j].Subtag
		}
		return out[i].SoldAt.Before(out[j].SoldAt)
	})
	return Truth{Transactions: out}
}
