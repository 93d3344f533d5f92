package model

import "time"

// ReportType names a kind of network report file.
type ReportType string

const (
	ReportOrders   ReportType = "orders"
	ReportEarnings ReportType = "earnings"
	ReportTracking ReportType = "tracking"
	ReportBounty   ReportType = "bounty"
)

// Fact is one report row as read, in exact units. Facts are the only truth:
// transactions, revenues and clicks are projections of them.
type Fact struct {
	ConnectionID string
	FileID       int64  // the imported file it came from (set by the store)
	File         string // file name, for history sources and errors
	Line         int    // 1-based line (or XML item / XLSX row number) in File

	Report ReportType
	Day    time.Time // calendar date of the row, 00:00:00 UTC (shipped, ordered or clicked)
	Key    string    // identity of the row inside the connection (SPEC §3.4), occurrence included

	Program    string // marketplace host without "www.", e.g. "amazon.com"
	Currency   string // ISO 4217
	TrackingID string
	Subtag     string // exact bytes, "" when none
	ASIN       string
	Name       string // product title, or the bounty name
	Category   string
	Seller     string
	Device     string
	LinkType   string
	Direct     *bool // nil when the report does not say

	Price      int64 // unit price, minor units
	Quantity   int64 // net quantity: shipped − returns (earnings), ordered (orders), bounty quantity
	Returns    int64 // items returned (≥ 0) when the report gives a count
	Revenue    int64 // sale amount, minor units (negative for returns/refunds)
	Commission int64 // ad fees / earnings / referral fees, minor units
	Rate       int64 // hundredths of a percent; 0 when unknown

	// Tracking and Orders click figures.
	Clicks       int64
	ItemsOrdered int64
	ItemsShipped int64
}
