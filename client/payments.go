package client

import (
	"context"
	"net/url"
	"strconv"
)

// PageQuery filters the paged lists of payments and deals; since and until
// are inclusive dates.
type PageQuery struct {
	Since, Until string
	ConnectionID string
	Program      string // deals only
	Limit        int
	Cursor       string
}

func (q PageQuery) values(withProgram bool) url.Values {
	v := values("since", q.Since, "until", q.Until, "connection_id", q.ConnectionID, "cursor", q.Cursor)
	if withProgram && q.Program != "" {
		v.Set("program", q.Program)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Payments fetches one page of payments (since/until on the day paid).
func (c *Client) Payments(ctx context.Context, q PageQuery) (Page[Payment], error) {
	return list[Payment](ctx, c, "/v1/payments", q.values(false))
}

// AllPayments walks every page of payments.
func (c *Client) AllPayments(ctx context.Context, q PageQuery) func(yield func(Payment, error) bool) {
	return all[Payment](ctx, c, "/v1/payments", q.values(false))
}

// Deals fetches one page of deals valid on some day of since..until.
func (c *Client) Deals(ctx context.Context, q PageQuery) (Page[Deal], error) {
	return list[Deal](ctx, c, "/v1/deals", q.values(true))
}

// AllDeals walks every page of deals.
func (c *Client) AllDeals(ctx context.Context, q PageQuery) func(yield func(Deal, error) bool) {
	return all[Deal](ctx, c, "/v1/deals", q.values(true))
}

// ProgramHistory lists a program's status changes for a connection.
func (c *Client) ProgramHistory(ctx context.Context, connectionID, program string) ([]ProgramChange, error) {
	p, err := list[ProgramChange](ctx, c, "/v1/programs/"+url.PathEscape(connectionID)+"/"+url.PathEscape(program)+"/history", nil)
	return p.Data, err
}
