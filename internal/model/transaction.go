package model

import "time"

// Status is the normalised status of a transaction.
type Status string

const (
	StatusPending   Status = "pending"
	StatusConfirmed Status = "confirmed"
	StatusDeclined  Status = "declined"
)

// Valid reports whether s is one of the three normalised statuses.
func (s Status) Valid() bool {
	return s == StatusPending || s == StatusConfirmed || s == StatusDeclined
}

// Transaction is one commissionable event. Amounts are integer minor units of
// Currency (ISO 4217 exponent); never floats.
type Transaction struct {
	ID           string // "tx_…", derived from (connection, SourceKey): stable across re-imports
	WorkspaceID  string
	ConnectionID string
	Network      string // "amazon", "custom"
	SourceKey    string // the identity of the source record inside its connection
	Program      string // e.g. "amazon.com"
	Channel      string // e.g. the tracking ID "store-20"
	Customs      []string
	OrderRef     *string

	Status        Status
	NetworkStatus string // the network's own words: ordered, shipped, returned, refunded, bounty…
	StatusReason  string // why the status is what it is: "returned", "not shipped", …

	Paid      bool
	PaymentID string

	Currency            string
	SaleAmount          int64
	Commission          int64
	CommissionEstimated bool
	Quantity            int64

	ClickedAt *time.Time
	SoldAt    time.Time
	CheckedAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time

	Items []Item

	// DeletedAt is set on a tombstone: the last stored state of a
	// transaction that stopped existing (SPEC §4.2 "Removed transactions").
	DeletedAt *time.Time `json:",omitempty"`
}

// Item is one basket line of a transaction.
type Item struct {
	SKU        string
	Name       string
	Category   string
	Seller     string
	Price      int64 // unit price, minor units
	Quantity   int64 // net quantity
	Returned   int64
	SaleAmount int64
	Commission int64
	Rate       int64 // commission rate in hundredths of a percent: 4.00% = 400
	Device     string
	LinkType   string
	Direct     *bool
}

// Change is one field's change inside a history entry.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// HistoryEntry records one change of a transaction (or inquiry, program).
type HistoryEntry struct {
	ID      int64
	At      time.Time
	Changes []Change
	Reason  string // e.g. "created", "shipped", "returned", "return window passed"
	Source  string // the fact that caused it: "file.tsv.gz:123", or "daily pass"
}
