package lifecycle

import (
	"cmp"
	"slices"
	"time"
)

// ApplyPayments sets Paid and PaymentID of projected transactions from the
// payments recorded: a transaction is paid when paidMonths holds the month
// ("2026-10") of its first shipment (ShippedAt), with that payment's id,
// whatever its status since (a later return is clawed back from a later
// payment, it does not unpay this one). Nothing shipped (an order waiting, a
// lone return) is never paid. It sets the flag both ways, so it is a pure
// function of the projection and the payments: call it on every projection
// before Diff, or a stored paid flag reads as a change.
func ApplyPayments(ps []Projected, paidMonths map[string]string) {
	for i := range ps {
		x := &ps[i].Tx
		x.Paid, x.PaymentID = false, ""
		if ps[i].ShippedAt.IsZero() {
			continue
		}
		if id, ok := paidMonths[ps[i].ShippedAt.UTC().Format("2006-01")]; ok {
			x.Paid, x.PaymentID = true, id
		}
	}
}

// Payment is what the paid rule reads of a recorded payment.
type Payment struct {
	ID         string
	Reference  string
	PaidOn     time.Time
	Start, End time.Time // the period it pays, inclusive days
}

// PaidMonths maps every month a payment covers to the payment that paid
// it. A payment covers each calendar month its period touches (Amazon pays
// whole months, "October 2026", about two months later). When several cover
// one month, the earliest paid wins, then the smallest reference: a choice
// of the data alone, whatever order the payments were recorded in.
func PaidMonths(payments []Payment) map[string]string {
	ps := slices.Clone(payments)
	slices.SortFunc(ps, func(a, b Payment) int {
		return cmp.Or(a.PaidOn.Compare(b.PaidOn), cmp.Compare(a.Reference, b.Reference))
	})
	out := map[string]string{}
	for _, p := range ps {
		for _, m := range MonthsCovered(p.Start, p.End) {
			if _, taken := out[m]; !taken {
				out[m] = p.ID
			}
		}
	}
	return out
}

// MonthsCovered lists the months ("2026-10") of the days from start through
// end; none when end is before start.
func MonthsCovered(start, end time.Time) []string {
	var out []string
	m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	for !m.After(end.UTC()) {
		out = append(out, m.Format("2006-01"))
		m = m.AddDate(0, 1, 0)
	}
	return out
}
