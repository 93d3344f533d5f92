package client

import (
	"context"
	"net/url"
	"strconv"
)

// TransactionQuery filters GET /v1/transactions; empty fields do not filter.
type TransactionQuery struct {
	Since, Until string // dates (2026-10-02) or RFC 3339 instants
	TimeType     string // sold (default), clicked, checked, updated (also lists removed transactions once, Deleted set)
	Status       string // pending, confirmed, declined
	Custom       string
	ConnectionID string
	Channel      string
	Program      string
	Limit        int    // 1…1000; 0 means the server's default (100)
	Cursor       string // next_cursor of the previous page
}

func (q TransactionQuery) values() url.Values {
	v := values("since", q.Since, "until", q.Until, "time_type", q.TimeType, "status", q.Status, "custom", q.Custom,
		"connection_id", q.ConnectionID, "channel", q.Channel, "program", q.Program, "cursor", q.Cursor)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Transactions fetches one page of transactions.
func (c *Client) Transactions(ctx context.Context, q TransactionQuery) (Page[Transaction], error) {
	return list[Transaction](ctx, c, "/v1/transactions", q.values())
}

// AllTransactions walks every page; stop early by breaking out of the loop.
func (c *Client) AllTransactions(ctx context.Context, q TransactionQuery) func(yield func(Transaction, error) bool) {
	return all[Transaction](ctx, c, "/v1/transactions", q.values())
}

// Transaction fetches one transaction with its history; one removed
// answers an error for which IsDeleted is true.
func (c *Client) Transaction(ctx context.Context, id string) (TransactionDetail, error) {
	var t TransactionDetail
	err := c.getJSON(ctx, "/v1/transactions/"+url.PathEscape(id), nil, &t)
	return t, err
}
