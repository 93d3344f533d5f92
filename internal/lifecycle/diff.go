package lifecycle

import "github.com/affsync/affsync/internal/model"

// Diff compares a stored transaction with its new projection: the changed
// fields (nil when none) and the reason, in words a person reads in the
// history.
func Diff(old, new model.Transaction) ([]model.Change, string) {
	changes := model.TransactionChanges(old, new)
	if changes == nil {
		return nil, ""
	}
	switch {
	case old.Status != new.Status && new.Status == model.StatusConfirmed:
		return changes, "return window passed"
	case old.Status != new.Status && new.Status == model.StatusDeclined:
		return changes, new.StatusReason
	case old.NetworkStatus != new.NetworkStatus:
		return changes, new.NetworkStatus
	case old.SaleAmount != new.SaleAmount || old.Commission != new.Commission || old.Quantity != new.Quantity:
		return changes, "amounts changed"
	case old.Paid != new.Paid:
		return changes, "paid"
	}
	return changes, "updated"
}
