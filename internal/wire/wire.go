// Package wire holds the JSON shapes affsync shows the outside world: the
// REST API's transaction and the webhook event that carries it. Both the API
// and the store (which queues events beside the write that caused them) use
// it, so a receiver of a webhook reads the same transaction as a caller of
// GET /v1/transactions/{id}.
package wire

import (
	"github.com/affsync/affsync/client"

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

// TransactionOf shapes a transaction for the outside world.
func TransactionOf(x model.Transaction) Transaction {
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
	return out
}

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
