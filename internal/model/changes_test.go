package model

import (
	"testing"
	"time"
)

// TestTransactionChanges: every compared field, changed alone, is one
// change; equal transactions, and ones that differ only where the readable
// form does not (sameFields says "look closer", the strings agree), are none.
func TestTransactionChanges(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	later := day.AddDate(0, 0, 31)
	ref := "o-1"
	yes := true
	base := Transaction{Status: StatusPending, NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2999, Commission: 120,
		Quantity: 1, Program: "amazon.com", Channel: "shop-20", Customs: []string{"u1"}, SoldAt: day, OrderRef: &ref,
		Items: []Item{{SKU: "B1", Quantity: 1, Price: 2999, Direct: &yes}}}
	cases := []struct {
		field string
		edit  func(x *Transaction)
	}{
		{"status", func(x *Transaction) { x.Status = StatusConfirmed }},
		{"network_status", func(x *Transaction) { x.NetworkStatus = "returned" }},
		{"status_reason", func(x *Transaction) { x.StatusReason = "returned" }},
		{"paid", func(x *Transaction) { x.Paid = true }},
		{"payment_id", func(x *Transaction) { x.PaymentID = "pay_1" }},
		{"sale_amount", func(x *Transaction) { x.SaleAmount++ }},
		{"commission", func(x *Transaction) { x.Commission-- }},
		{"commission_estimated", func(x *Transaction) { x.CommissionEstimated = true }},
		{"quantity", func(x *Transaction) { x.Quantity = 2 }},
		{"program", func(x *Transaction) { x.Program = "amazon.de" }},
		{"channel", func(x *Transaction) { x.Channel = "other-20" }},
		{"customs", func(x *Transaction) { x.Customs = []string{"u1", "app"} }},
		{"order_ref", func(x *Transaction) { x.OrderRef = nil }},
		{"clicked_at", func(x *Transaction) { x.ClickedAt = &day }},
		{"sold_at", func(x *Transaction) { x.SoldAt = later }},
		{"checked_at", func(x *Transaction) { x.CheckedAt = &later }},
		{"items", func(x *Transaction) { x.Items = append(x.Items, Item{SKU: "B2", Quantity: 1}) }},
		{"items", func(x *Transaction) { x.Items = []Item{{SKU: "B1", Quantity: 1, Price: 2999}} }}, // Direct unknown now
	}
	for _, c := range cases {
		x := base
		x.Items = append([]Item(nil), base.Items...)
		c.edit(&x)
		got := TransactionChanges(base, x)
		if len(got) != 1 || got[0].Field != c.field {
			t.Errorf("%s changed: changes %+v", c.field, got)
		}
	}
	same := base
	same.Items = append([]Item(nil), base.Items...)
	same.SoldAt = day.In(time.FixedZone("x", 3600)) // the same instant elsewhere
	if got := TransactionChanges(base, same); got != nil {
		t.Errorf("equal transactions: changes %+v", got)
	}
	a, b := base, base
	a.Customs, b.Customs = []string{"u1,u2"}, []string{"u1", "u2"} // read alike as "u1,u2"
	if got := TransactionChanges(a, b); got != nil {
		t.Errorf("customs that read alike: changes %+v", got)
	}
	a.SoldAt, b.SoldAt = day, day.Add(time.Millisecond) // stored to the second in history
	if got := TransactionChanges(a, b); got != nil {
		t.Errorf("sold_at within the second: changes %+v", got)
	}
}
