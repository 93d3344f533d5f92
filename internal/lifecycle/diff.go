package lifecycle

import "github.com/affsync/affsync/internal/model"

// Diff compares a stored transaction with its new projection. It returns the
// changed fields (model.TransactionChanges: amounts as decimal strings; nil
// when nothing changed) and the reason a person reads in the history, the
// first that applies of:
//
//	"matched earnings"      an order (network_status ordered) now has its shipment
//	"return window passed"  the status became confirmed
//	<StatusReason>          the status became declined: "returned", "not shipped", "bounty reversed"
//	<NetworkStatus>         the network's word changed: "shipped", "returned", "refunded", …
//	"shipped" / "returned"  the quantity went up / down
//	"amount changed"        sale amount or commission changed
//	"paid"                  the paid flag or payment changed
//	"updated"               anything else (items' details, customs, dates)
func Diff(old, new model.Transaction) ([]model.Change, string) {
	changes := model.TransactionChanges(old, new)
	if changes == nil {
		return nil, ""
	}
	return changes, reason(old, new)
}

// Reason is Diff's reason alone, for a caller that has the changes already
// (the store computes them once, for history and webhooks alike).
func Reason(old, new model.Transaction) string { return reason(old, new) }

func reason(old, new model.Transaction) string {
	statusChanged := old.Status != new.Status
	switch {
	case old.NetworkStatus == "ordered" && new.NetworkStatus != "ordered" && new.NetworkStatus != "":
		return "matched earnings"
	case statusChanged && new.Status == model.StatusConfirmed:
		return "return window passed"
	case statusChanged && new.Status == model.StatusDeclined:
		if new.StatusReason != "" {
			return new.StatusReason
		}
		return "declined"
	case old.NetworkStatus != new.NetworkStatus && new.NetworkStatus != "":
		return new.NetworkStatus
	case new.Quantity > old.Quantity:
		return "shipped"
	case new.Quantity < old.Quantity:
		return "returned"
	case old.SaleAmount != new.SaleAmount || old.Commission != new.Commission || old.CommissionEstimated != new.CommissionEstimated:
		return "amount changed"
	case old.Paid != new.Paid || old.PaymentID != new.PaymentID:
		return "paid"
	}
	return "updated"
}
