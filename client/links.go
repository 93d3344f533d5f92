package client

import (
	"context"
	"net/url"
	"strconv"
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
	// What a redirect link's hits add up to (zero for a plain tracked link):
	// clicks (in the list, those of since..until when asked), distinct app
	// customs and the last hit (null before the first), both of all time.
	Clicks      int64      `json:"clicks"`
	Customs     int64      `json:"customs"`
	LastClickAt *time.Time `json:"last_click_at"`
}

// LinkDetail is a stored link with the sales of its minted subtags (GET /v1/links/{id}).
type LinkDetail struct {
	Link
	Sales []LinkSales `json:"sales"`
}

// LinkSales is what the transactions carrying a link's minted subtags add up
// to in one currency.
type LinkSales struct {
	Currency     string `json:"currency"`
	Transactions int64  `json:"transactions"`
	Commission   string `json:"commission"`
}

// LinkQuery pages GET /v1/links; Since and Until (dates, inclusive) narrow
// the clicks counted.
type LinkQuery struct {
	Since, Until string
	Limit        int
	Cursor       string
}

func (q LinkQuery) values() url.Values {
	v := values("since", q.Since, "until", q.Until, "cursor", q.Cursor)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
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

// Links fetches one page of the workspace's stored redirect links, newest first.
func (c *Client) Links(ctx context.Context, q LinkQuery) (Page[Link], error) {
	return list[Link](ctx, c, "/v1/links", q.values())
}

// AllLinks walks every page of stored links.
func (c *Client) AllLinks(ctx context.Context, q LinkQuery) func(yield func(Link, error) bool) {
	return all[Link](ctx, c, "/v1/links", q.values())
}

// Link fetches a stored link with the sales of its subtags.
func (c *Client) Link(ctx context.Context, id string) (LinkDetail, error) {
	var out LinkDetail
	err := c.getJSON(ctx, "/v1/links/"+url.PathEscape(id), nil, &out)
	return out, err
}
