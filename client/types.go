package client

import "time"

// The types below are the API's wire format (SPEC §4.2). The server answers
// with these very types, so the client cannot drift from it. Amounts are
// decimal strings in the currency's own exponent ("59.98", "1200" for JPY).

// Page is one page of a list; NextCursor is nil on the last page.
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// Transaction is one commissionable event.
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
	// Converted is the transaction in the workspace's reporting currency,
	// on the UTC date of sold_at (SPEC §4.2a); nil (JSON null) when no rate
	// is known, and ConvertedReason then says why.
	Converted       *Converted `json:"converted"`
	ConvertedReason string     `json:"converted_reason,omitempty"`
	// Deleted and DeletedAt mark a removed transaction: its last state, as
	// time_type=updated listings and transaction.deleted events show it
	// once. Drop your copy of the id; a later created or updated of the
	// same id (its updated_at after DeletedAt) brings it back.
	Deleted   bool       `json:"deleted,omitempty"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// Converted is a transaction's amounts in the reporting currency: exact,
// rounded half to even once per amount. Rate is R_currency / R_original to
// 10 significant digits (display only) of the ECB date RateDate.
type Converted struct {
	Currency   string `json:"currency"`
	SaleAmount string `json:"sale_amount"`
	Commission string `json:"commission"`
	Rate       string `json:"rate"`
	RateDate   string `json:"rate_date"`
}

// TransactionDetail is a transaction with its history.
type TransactionDetail struct {
	Transaction
	History []History `json:"history"`
}

// Item is one basket line of a transaction.
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

// History is one change of a transaction: what moved, why, and from which file.
type History struct {
	At      time.Time `json:"at"`
	Changes []Change  `json:"changes"`
	Reason  string    `json:"reason"`
	Source  string    `json:"source"`
}

// Change is one field's move.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Revenue is one group of revenues; the grouping fields are set as grouped.
type Revenue struct {
	Date          *string `json:"date,omitempty"`
	Channel       *string `json:"channel,omitempty"`
	Program       *string `json:"program,omitempty"`
	Custom        *string `json:"custom,omitempty"`
	Currency      string  `json:"currency"`
	Kind          string  `json:"kind"`
	SaleAmount    string  `json:"sale_amount"`
	Commission    string  `json:"commission"`
	ItemsShipped  int64   `json:"items_shipped"`
	ItemsReturned int64   `json:"items_returned"`
	Transactions  int64   `json:"transactions"`
	// Unconverted (currency=reporting only): per original currency, the
	// totals of the group's days that had no rate; they are not in
	// sale_amount and commission, which sum what could be converted.
	Unconverted []UnconvertedRevenue `json:"unconverted,omitempty"`
}

// UnconvertedRevenue is an original currency's part of a revenues row that
// no rate converts, and why.
type UnconvertedRevenue struct {
	Currency   string `json:"currency"`
	SaleAmount string `json:"sale_amount"`
	Commission string `json:"commission"`
	Reason     string `json:"reason"`
}

// Click is one group of clicks.
type Click struct {
	Date    *string `json:"date,omitempty"`
	Channel *string `json:"channel,omitempty"`
	Program *string `json:"program,omitempty"`
	Custom  *string `json:"custom,omitempty"`
	Source  *string `json:"source,omitempty"` // report or redirect, when grouped by source
	Clicks  int64   `json:"clicks"`
}

// Channel is where traffic comes from (an Amazon tracking ID).
type Channel struct {
	Code         string    `json:"code"`
	ConnectionID string    `json:"connection_id"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"created_at"`
}

// Program is a program's state for a connection, with its history.
type Program struct {
	Program      string          `json:"program"`
	ConnectionID string          `json:"connection_id"`
	Status       string          `json:"status"`
	Reason       string          `json:"reason"`
	UpdatedAt    time.Time       `json:"updated_at"`
	History      []ProgramChange `json:"history"`
}

// ProgramChange is one status change of a program.
type ProgramChange struct {
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// Connection is a network account; its secrets are never returned.
type Connection struct {
	ID        string            `json:"id"`
	Network   string            `json:"network"`
	Connector string            `json:"connector"`
	Name      string            `json:"name"`
	Currency  string            `json:"currency"`
	Settings  map[string]string `json:"settings"`
	HasSecret bool              `json:"has_secret"`
	Status    string            `json:"status"`
	LastError string            `json:"last_error"`
	NextRunAt *time.Time        `json:"next_run_at"`
	CreatedAt time.Time         `json:"created_at"`
}

// NewAmazonConnection is what POST /v1/connections takes for Amazon.
type NewAmazonConnection struct {
	Network           string `json:"network"` // "amazon"
	Connector         string `json:"connector"`
	StoreID           string `json:"store_id"`
	Name              string `json:"name,omitempty"`
	Currency          string `json:"currency,omitempty"` // the transactions' currency; default the marketplace's; alone, it picks its marketplace
	TrackingID        string `json:"tracking_id,omitempty"`
	Mode              string `json:"mode,omitempty"`
	CredentialID      string `json:"credential_id,omitempty"`
	Secret            string `json:"secret,omitempty"`
	CredentialVersion string `json:"credential_version,omitempty"`
	APIBase           string `json:"api_base,omitempty"`
	TokenURL          string `json:"token_url,omitempty"`
	Marketplace       string `json:"marketplace,omitempty"` // default the currency's, else www.amazon.com; must sell in Currency (else 400)
	Transport         string `json:"transport,omitempty"`
}

// Run is one sync of a connection.
type Run struct {
	ID         int64      `json:"id"`
	Trigger    string     `json:"trigger"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Files      int        `json:"files"`
	Rows       int        `json:"rows"`
	Outcome    string     `json:"outcome"`
	Error      string     `json:"error"`
}

// Inquiry is a claim for a missing or wrong commission.
type Inquiry struct {
	ID             string    `json:"id"`
	ConnectionID   *string   `json:"connection_id"`
	Custom         string    `json:"custom"`
	OrderDate      string    `json:"order_date"`
	Currency       string    `json:"currency"`
	ExpectedAmount string    `json:"expected_amount"`
	Note           string    `json:"note"`
	Status         string    `json:"status"`
	TransactionID  *string   `json:"transaction_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// NewInquiry is what POST /v1/inquiries takes.
type NewInquiry struct {
	ConnectionID   string `json:"connection_id,omitempty"`
	Custom         string `json:"custom"`
	OrderDate      string `json:"order_date"`
	Currency       string `json:"currency,omitempty"`
	ExpectedAmount string `json:"expected_amount"`
	Note           string `json:"note,omitempty"`
}

// ImportSummary is what an import did.
type ImportSummary struct {
	Files        int           `json:"files"`
	FilesSkipped int           `json:"files_skipped"`
	Rows         int           `json:"rows"`
	Facts        int           `json:"facts"`
	Transactions ImportCounts  `json:"transactions"`
	SkippedRows  int           `json:"skipped_rows"`
	Errors       []ImportError `json:"errors"`
	Notes        []string      `json:"notes"`
}

// ImportCounts counts the transactions an import touched.
type ImportCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Deleted   int `json:"deleted"`
}

// ImportError names where a file was rejected.
type ImportError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// InquiryDetail is an inquiry with its status history.
type InquiryDetail struct {
	Inquiry
	History []InquiryChange `json:"history"`
}

// InquiryChange is one status change of an inquiry.
type InquiryChange struct {
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// APIKey is a key of the workspace: never its hash, never its secret.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// NewAPIKey is what POST /v1/apikeys takes.
type NewAPIKey struct {
	Name  string `json:"name"`
	Scope string `json:"scope,omitempty"` // read (default) or write
}

// CreatedAPIKey is a new key with its secret, shown this once.
type CreatedAPIKey struct {
	APIKey
	Secret string `json:"secret"`
}

// Decision is the optional body of accepting or rejecting an inquiry.
type Decision struct {
	Note string `json:"note,omitempty"`
}

// Payment is money paid out to a connection's account.
type Payment struct {
	ID           string    `json:"id"`
	ConnectionID string    `json:"connection_id"`
	Reference    string    `json:"reference"`
	PaidOn       string    `json:"paid_on"`
	PeriodStart  string    `json:"period_start"`
	PeriodEnd    string    `json:"period_end"`
	Currency     string    `json:"currency"`
	Amount       string    `json:"amount"`
	Method       string    `json:"method"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// Converted is the amount in the reporting currency on the paid date;
	// nil (null) when no rate is known, and ConvertedReason says why.
	Converted       *ConvertedAmount `json:"converted"`
	ConvertedReason string           `json:"converted_reason,omitempty"`
}

// ConvertedAmount is one amount in the reporting currency, with the rate
// (10 significant digits, display only) and its ECB date.
type ConvertedAmount struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
	Rate     string `json:"rate"`
	RateDate string `json:"rate_date"`
}

// Workspace is the workspace an API key belongs to.
type Workspace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ReportingCurrency is what converted amounts are in; null until set
	// or taken from the first connection.
	ReportingCurrency *string `json:"reporting_currency"`
}

// WorkspaceUpdate changes a workspace (PATCH /v1/workspace).
type WorkspaceUpdate struct {
	ReportingCurrency string `json:"reporting_currency"`
}

// Health is GET /healthz: the store answers, and what the rates are.
type Health struct {
	Status string      `json:"status"`
	Rates  RatesHealth `json:"rates"`
}

// RatesHealth says which exchange rates the instance converts with and
// how the last refresh went. Conversion goes on with the rates it has when
// a refresh fails.
type RatesHealth struct {
	Days        int           `json:"days"`
	Currencies  int           `json:"currencies"`
	FirstDate   *string       `json:"first_date"`
	LastDate    *string       `json:"last_date"`
	LastRefresh *RatesRefresh `json:"last_refresh"`
}

// RatesRefresh is one refresh (or import) of the rates.
type RatesRefresh struct {
	Source     string    `json:"source"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
	Attempts   int       `json:"attempts"`
	Added      int       `json:"added"`
	Changed    int       `json:"changed"`
}

// Deal is an offer, coupon or voucher of a program.
type Deal struct {
	ID           string    `json:"id"`
	ConnectionID string    `json:"connection_id"`
	Reference    string    `json:"reference"`
	Program      string    `json:"program"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Code         string    `json:"code"`
	URL          string    `json:"url"`
	StartsOn     *string   `json:"starts_on"`
	EndsOn       *string   `json:"ends_on"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}
