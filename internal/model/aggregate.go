package model

import "time"

// Revenue is one day's sale amount and commission of a channel × program
// (× custom) in one currency. Kind is "cps" (sales) or "cpc" (per click).
type Revenue struct {
	ConnectionID  string
	Date          time.Time
	Channel       string
	Program       string
	Custom        string
	Currency      string
	Kind          string
	SaleAmount    int64
	Commission    int64
	ItemsShipped  int64
	ItemsReturned int64
	Transactions  int64
}

// Click is a day's click count of a channel × program (× custom).
type Click struct {
	ConnectionID string
	Date         time.Time
	Channel      string
	Program      string
	Custom       string
	Clicks       int64
}

// FeeSums are the ad fees and revenue of a category's shipments, summed:
// what an effective commission rate is computed from.
type FeeSums struct {
	Fees, Revenue int64
}
