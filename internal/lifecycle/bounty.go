package lifecycle

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// bounties makes one transaction per bounty row of a group (same tracking
// ID, name and |amount|), in fact order: a positive row is pending, then
// confirmed after the return window; a negative row declines the latest
// earlier bounty of the group that is not declined yet (its ad fees and a
// negative quantity are netted in), or else stands alone, declined.
// Bounties have no items, sale amount 0 and network_status "bounty".
func bounties(s Settings, today time.Time, fs []model.Fact) []Projected {
	var out []Projected
	for _, f := range fs {
		if isPositive(f) {
			x := newTransaction(s, groupBounty+f.Key, f)
			x.NetworkStatus, x.Quantity, x.Commission = "bounty", f.Quantity, f.Commission
			x.Status = model.StatusPending
			if daysBetween(f.Day, today) >= s.returnWindow() {
				x.Status, x.StatusReason = model.StatusConfirmed, "return window passed"
				x.CheckedAt = ptr(f.Day.AddDate(0, 0, s.returnWindow()))
			}
			out = append(out, Projected{Tx: x, Source: source(f), ShippedAt: f.Day})
			continue
		}
		target := -1
		for i := len(out) - 1; i >= 0; i-- {
			if out[i].Tx.Commission > 0 && out[i].Tx.Status != model.StatusDeclined {
				target = i
				break
			}
		}
		if target < 0 {
			x := newTransaction(s, groupBounty+f.Key, f)
			x.NetworkStatus, x.Quantity, x.Commission = "bounty", f.Quantity, f.Commission
			x.Status, x.StatusReason, x.CheckedAt = model.StatusDeclined, "bounty reversed", ptr(f.Day)
			out = append(out, Projected{Tx: x, Source: source(f)})
			continue
		}
		p := &out[target]
		p.Tx.Commission += f.Commission
		if f.Quantity < 0 {
			p.Tx.Quantity += f.Quantity
		}
		p.Tx.Status, p.Tx.StatusReason, p.Tx.CheckedAt = model.StatusDeclined, "bounty reversed", ptr(f.Day)
		p.Source = source(f)
	}
	return out
}
