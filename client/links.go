package client

import (
	"context"
	"time"
)

// Link is a link builder answer, or a stored redirect link.
type Link struct {
	ID             string     `json:"id,omitempty"`
	Code           string     `json:"code,omitempty"`
	URL            string     `json:"url"`        // what to publish: the redirect, or the tracked Amazon URL
	AmazonURL      string     `json:"amazon_url"` // the tracked Amazon URL (a redirect adds each hit's subtag)
	Channel        string     `json:"channel"`
	Program        string     `json:"program"`
	ASIN           string     `json:"asin"`
	Custom         string     `json:"custom"`
	UniquePerClick bool       `json:"unique_per_click"`
	CreatedAt      *time.Time `json:"created_at,omitempty"`
}

// NewLink is what POST /v1/links takes: an Amazon product URL, the channel
// (tracking ID) and the app's custom. With UniquePerClick the answer is a
// redirect link (/r/{code}?custom=USER) that mints a fresh subtag per hit.
type NewLink struct {
	URL            string `json:"url"`
	Channel        string `json:"channel"`
	Custom         string `json:"custom,omitempty"`
	UniquePerClick bool   `json:"unique_per_click,omitempty"`
}

// CreateLink builds a tracked link.
func (c *Client) CreateLink(ctx context.Context, in NewLink) (Link, error) {
	var out Link
	err := c.postJSON(ctx, "/v1/links", in, &out)
	return out, err
}

// Links lists the workspace's stored redirect links.
func (c *Client) Links(ctx context.Context) ([]Link, error) {
	p, err := list[Link](ctx, c, "/v1/links", nil)
	return p.Data, err
}
