// Package wire holds the JSON shapes affsync shows the outside world: the
// REST API's transaction and the webhook event that carries it. Both the API
// and the store (which queues events beside the write that caused them) use
// it, so a receiver of a webhook reads the same transaction as a caller of
// GET /v1/transactions/{id}.
package wire

import (
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
)

// Transaction is the JSON form of a transaction (SPEC §4.2): amounts as
// decimal strings in the original currency.
type Transaction struct {
	ID            string     `json:"id"`
	ConnectionID  string     `json:"connection_id"`
	Network       string     `json:"network"`
	Program       string     `json:"program"`
	Channel       string     `json:"channel"`
	Customs       []string   `json:"customs"`
	OrderRef      *string    `json:"order_ref"`
	Status        string     `json:"status"`
	NetworkStatus string     `json:"network_status"`
	StatusReason  string     `json:"status_reason,omitempty"`
	Paid          bool       `json:"paid"`
	PaymentID     *string    `json:"payment_id"`
	Currency      string     `json:"currency"`
	SaleAmount    string     `json:"sale_amount"`
	Commission    string     `json:"commission"`
	Estimated     bool       `json:"commission_estimated"`
	Quantity      int64      `json:"quantity"`
	ClickedAt     *time.Time `json:"clicked_at"`
	SoldAt        time.Time  `json:"sold_at"`
	CheckedAt     *time.Time `json:"checked_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Items         []Item     `json:"items"`
}

// Item is one basket line.
type Item struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Category   string `json:"category"`
	Seller     string `json:"seller"`
	Price      string `json:"price"`
	Quantity   int64  `json:"quantity"`
	Returned   int64  `json:"returned"`
	SaleAmount string `json:"sale_amount"`
	Commission string `json:"commission"`
	Rate       string `json:"rate"`
	Device     string `json:"device"`
	LinkType   string `json:"link_type"`
	Direct     *bool  `json:"direct"`
}

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
	EventTransactionCreated = "transaction.created"
	EventTransactionUpdated = "transaction.updated"
)

// EventTypes lists every event type, in the order the docs list them.
func EventTypes() []string { return []string{EventTransactionCreated, EventTransactionUpdated} }

// Event is the body of a webhook delivery.
type Event struct {
	ID        string    `json:"id"` // evt_…, the same in every delivery (and redelivery) of the event
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      EventData `json:"data"`
}

// EventData is what a transaction event is about.
type EventData struct {
	Transaction Transaction `json:"transaction"`
	// Changes are the fields that changed (empty for transaction.created),
	// the same entries the transaction's history gets.
	Changes []model.Change `json:"changes"`
}
