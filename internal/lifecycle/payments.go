package lifecycle

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
