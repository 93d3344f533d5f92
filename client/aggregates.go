package client

import (
	"context"
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
}

func (q AggregateQuery) values(revenues bool) []string {
	kv := []string{"since", q.Since, "until", q.Until, "group_by", strings.Join(q.GroupBy, ","),
		"connection_id", q.ConnectionID, "channel", q.Channel, "program", q.Program, "custom", q.Custom}
	if revenues {
		return append(kv, "kind", q.Kind)
	}
	return append(kv, "source", q.Source)
}

// Revenues lists revenue groups, one row per group and currency.
func (c *Client) Revenues(ctx context.Context, q AggregateQuery) ([]Revenue, error) {
	p, err := list[Revenue](ctx, c, "/v1/revenues", values(q.values(true)...))
	return p.Data, err
}

// Clicks lists click groups.
func (c *Client) Clicks(ctx context.Context, q AggregateQuery) ([]Click, error) {
	p, err := list[Click](ctx, c, "/v1/clicks", values(q.values(false)...))
	return p.Data, err
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
