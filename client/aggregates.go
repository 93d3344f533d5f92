package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// AggregateQuery filters revenues and clicks; since and until are inclusive dates.
type AggregateQuery struct {
	Since, Until string
	GroupBy      []string // day, channel, program, custom; clicks also source
	Kind         string   // revenues only: cps or cpc
	ConnectionID string
	Channel      string
	Program      string
	Custom       string
	Source       string // clicks only: report or redirect
	Limit        int    // groups per page, 1…1000; 0 means the server's default (100)
	Cursor       string // next_cursor of the previous page
}

func (q AggregateQuery) values(revenues bool) url.Values {
	kv := []string{"since", q.Since, "until", q.Until, "group_by", strings.Join(q.GroupBy, ","),
		"connection_id", q.ConnectionID, "channel", q.Channel, "program", q.Program, "custom", q.Custom, "cursor", q.Cursor}
	if revenues {
		kv = append(kv, "kind", q.Kind)
	} else {
		kv = append(kv, "source", q.Source)
	}
	v := values(kv...)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Revenues fetches one page of revenue groups, one row per group and
// currency, in the order of the group key.
func (c *Client) Revenues(ctx context.Context, q AggregateQuery) (Page[Revenue], error) {
	return list[Revenue](ctx, c, "/v1/revenues", q.values(true))
}

// AllRevenues walks every page of revenue groups.
func (c *Client) AllRevenues(ctx context.Context, q AggregateQuery) func(yield func(Revenue, error) bool) {
	return all[Revenue](ctx, c, "/v1/revenues", q.values(true))
}

// Clicks fetches one page of click groups, in the order of the group key.
func (c *Client) Clicks(ctx context.Context, q AggregateQuery) (Page[Click], error) {
	return list[Click](ctx, c, "/v1/clicks", q.values(false))
}

// AllClicks walks every page of click groups.
func (c *Client) AllClicks(ctx context.Context, q AggregateQuery) func(yield func(Click, error) bool) {
	return all[Click](ctx, c, "/v1/clicks", q.values(false))
}

// Channels lists the workspace's channels.
func (c *Client) Channels(ctx context.Context) ([]Channel, error) {
	p, err := list[Channel](ctx, c, "/v1/channels", nil)
	return p.Data, err
}

// Programs lists program statuses per connection, with history.
func (c *Client) Programs(ctx context.Context) ([]Program, error) {
	p, err := list[Program](ctx, c, "/v1/programs", nil)
	return p.Data, err
}
