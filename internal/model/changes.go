package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
)

// TransactionChanges lists the fields that differ between a stored
// transaction and its new version, with values as people read them (amounts
// as decimals). No difference gives nil: that is how history and webhooks are
// written only on a real change.
func TransactionChanges(old, new Transaction) []Change {
	if sameFields(old, new) {
		return nil // most re-projected rows: no string formatted for them
	}
	var out []Change
	add := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Field: field, From: from, To: to})
		}
	}
	amount := money.FormatIn
	add("status", string(old.Status), string(new.Status))
	add("network_status", old.NetworkStatus, new.NetworkStatus)
	add("status_reason", old.StatusReason, new.StatusReason)
	add("paid", strconv.FormatBool(old.Paid), strconv.FormatBool(new.Paid))
	add("payment_id", old.PaymentID, new.PaymentID)
	add("currency", old.Currency, new.Currency)
	add("sale_amount", amount(old.SaleAmount, old.Currency), amount(new.SaleAmount, new.Currency))
	add("commission", amount(old.Commission, old.Currency), amount(new.Commission, new.Currency))
	add("commission_estimated", strconv.FormatBool(old.CommissionEstimated), strconv.FormatBool(new.CommissionEstimated))
	add("quantity", strconv.FormatInt(old.Quantity, 10), strconv.FormatInt(new.Quantity, 10))
	add("program", old.Program, new.Program)
	add("channel", old.Channel, new.Channel)
	add("customs", strings.Join(old.Customs, ","), strings.Join(new.Customs, ","))
	add("order_ref", strPtr(old.OrderRef), strPtr(new.OrderRef))
	add("clicked_at", timePtr(old.ClickedAt), timePtr(new.ClickedAt))
	add("sold_at", timeStr(old.SoldAt), timeStr(new.SoldAt))
	add("checked_at", timePtr(old.CheckedAt), timePtr(new.CheckedAt))
	if !slices.EqualFunc(old.Items, new.Items, itemsEqual) {
		from, to := itemsSummary(old.Items), itemsSummary(new.Items)
		if from == to {
			to += " (details changed)" // a name, rate or device differs
		}
		out = append(out, Change{Field: "items", From: from, To: to})
	}
	return out
}

// sameFields tells, without formatting anything, that TransactionChanges
// would find no change: every field it compares is equal as stored (equal
// values format equally; the converse need not hold, so a false here only
// means "look closer").
func sameFields(a, b Transaction) bool {
	return a.Status == b.Status && a.NetworkStatus == b.NetworkStatus && a.StatusReason == b.StatusReason && a.Paid == b.Paid &&
		a.PaymentID == b.PaymentID && a.Currency == b.Currency && a.SaleAmount == b.SaleAmount && a.Commission == b.Commission &&
		a.CommissionEstimated == b.CommissionEstimated && a.Quantity == b.Quantity && a.Program == b.Program &&
		a.Channel == b.Channel && slices.Equal(a.Customs, b.Customs) && strPtr(a.OrderRef) == strPtr(b.OrderRef) &&
		sameTime(a.ClickedAt, b.ClickedAt) && a.SoldAt.Equal(b.SoldAt) && sameTime(a.CheckedAt, b.CheckedAt) &&
		slices.EqualFunc(a.Items, b.Items, itemsEqual)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func itemsEqual(a, b Item) bool {
	if (a.Direct == nil) != (b.Direct == nil) || (a.Direct != nil && *a.Direct != *b.Direct) {
		return false
	}
	a.Direct, b.Direct = nil, nil
	return a == b
}

func itemsSummary(items []Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%s×%d", it.SKU, it.Quantity)
	}
	return strings.Join(parts, " ")
}

func strPtr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func timeStr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func timePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return timeStr(*t)
}
