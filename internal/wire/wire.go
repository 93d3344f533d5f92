// Package wire holds the JSON shapes affsync shows the outside world: the
// REST API's transaction and the webhook event that carries it. Both the API
// and the store (which queues events beside the write that caused them) use
// it, so a receiver of a webhook reads the same transaction as a caller of
// GET /v1/transactions/{id}.
package wire

import (
	"errors"
	"time"

	"github.com/affsync/affsync/client"

	"github.com/affsync/affsync/internal/fxrate"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
)

// Transaction and Item are the API's transaction JSON; their definitions
// are the wire types of package client, which callers decode them with.
type (
	Transaction = client.Transaction
	Item        = client.Item
)

// amount formats minor units in a currency's own exponent.
var amount = money.FormatIn

// Converted is a transaction's amounts in the reporting currency.
type Converted = client.Converted

// TransactionOf shapes a transaction for the outside world, with its
// amounts converted by conv (converted is derived at read time: new rates
// or a new reporting currency change it without a write).
func TransactionOf(x model.Transaction, conv fxrate.Converter) Transaction {
	out := Transaction{
		ID: x.ID, ConnectionID: x.ConnectionID, Network: x.Network, Program: x.Program, Channel: x.Channel,
		Customs: x.Customs, OrderRef: x.OrderRef, Status: string(x.Status), NetworkStatus: x.NetworkStatus,
		StatusReason: x.StatusReason, Paid: x.Paid, Currency: x.Currency,
		SaleAmount: amount(x.SaleAmount, x.Currency), Commission: amount(x.Commission, x.Currency),
		Estimated: x.CommissionEstimated, Quantity: x.Quantity, ClickedAt: x.ClickedAt, SoldAt: x.SoldAt,
		CheckedAt: x.CheckedAt, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, Items: []Item{},
		Deleted: x.DeletedAt != nil, DeletedAt: x.DeletedAt,
	}
	if out.Customs == nil {
		out.Customs = []string{}
	}
	if x.PaymentID != "" {
		out.PaymentID = &x.PaymentID
	}
	for _, it := range x.Items {
		out.Items = append(out.Items, Item{
			SKU: it.SKU, Name: it.Name, Category: it.Category, Seller: it.Seller, Price: amount(it.Price, x.Currency),
			Quantity: it.Quantity, Returned: it.Returned, SaleAmount: amount(it.SaleAmount, x.Currency),
			Commission: amount(it.Commission, x.Currency), Rate: money.FormatMinor(it.Rate, 2), Device: it.Device,
			LinkType: it.LinkType, Direct: it.Direct,
		})
	}
	out.Converted, out.ConvertedReason = ConvertTransaction(conv, x)
	return out
}

// ConvertTransaction converts a transaction's sale amount and commission on
// the UTC date of sold_at: the converted JSON, or nil and the reason.
func ConvertTransaction(conv fxrate.Converter, x model.Transaction) (*Converted, string) {
	c, err := conv.Convert(x.Currency, x.SoldAt.UTC(), x.SaleAmount, x.Commission)
	if err != nil {
		return nil, Reason(err)
	}
	return &Converted{Currency: c.Currency, SaleAmount: amount(c.Minor[0], c.Currency), Commission: amount(c.Minor[1], c.Currency),
		Rate: c.Quote.Rate(), RateDate: Date(c.Quote.RateDate)}, ""
}

// Reason is the text shown beside a null converted value.
func Reason(err error) string {
	var nr *fxrate.NoRateError
	if errors.As(err, &nr) {
		return nr.Reason
	}
	return "not converted: " + err.Error()
}

// Date formats a calendar date.
func Date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Event types a webhook may subscribe to.
const (
	EventTransactionCreated = client.EventTransactionCreated
	EventTransactionUpdated = client.EventTransactionUpdated
	EventTransactionDeleted = client.EventTransactionDeleted
)

// EventTypes lists every event type, in the order the docs list them.
func EventTypes() []string {
	return []string{EventTransactionCreated, EventTransactionUpdated, EventTransactionDeleted}
}

// Event and EventData are the body of a webhook delivery (package client
// defines them, so a receiver in Go decodes them with the client).
type (
	Event     = client.Event
	EventData = client.EventData
)

// ChangesOf turns history changes into their JSON form.
func ChangesOf(changes []model.Change) []client.Change {
	out := make([]client.Change, len(changes))
	for i, c := range changes {
		out[i] = client.Change(c)
	}
	return out
}
