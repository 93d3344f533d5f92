package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// InquiryQuery filters GET /v1/inquiries (newest first).
type InquiryQuery struct {
	Status       string // open, matched, accepted, rejected, expired
	Custom       string
	ConnectionID string
	Limit        int
	Cursor       string
}

func (q InquiryQuery) values() url.Values {
	v := values("status", q.Status, "custom", q.Custom, "connection_id", q.ConnectionID, "cursor", q.Cursor)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Inquiries fetches one page of transaction inquiries.
func (c *Client) Inquiries(ctx context.Context, q InquiryQuery) (Page[Inquiry], error) {
	return list[Inquiry](ctx, c, "/v1/inquiries", q.values())
}

// AllInquiries walks every page.
func (c *Client) AllInquiries(ctx context.Context, q InquiryQuery) func(yield func(Inquiry, error) bool) {
	return all[Inquiry](ctx, c, "/v1/inquiries", q.values())
}

// Inquiry fetches one inquiry with its history.
func (c *Client) Inquiry(ctx context.Context, id string) (InquiryDetail, error) {
	var out InquiryDetail
	err := c.getJSON(ctx, "/v1/inquiries/"+url.PathEscape(id), nil, &out)
	return out, err
}

// CreateInquiry opens a claim for a missing or wrong commission; it is
// matched at once when the transaction is already there.
func (c *Client) CreateInquiry(ctx context.Context, in NewInquiry) (InquiryDetail, error) {
	var out InquiryDetail
	err := c.postJSON(ctx, "/v1/inquiries", in, &out)
	return out, err
}

// AcceptInquiry closes an open or matched inquiry as accepted (409 otherwise).
func (c *Client) AcceptInquiry(ctx context.Context, id, note string) (InquiryDetail, error) {
	var out InquiryDetail
	err := c.postJSON(ctx, "/v1/inquiries/"+url.PathEscape(id)+"/accept", Decision{Note: note}, &out)
	return out, err
}

// RejectInquiry closes an open or matched inquiry as rejected (409 otherwise).
func (c *Client) RejectInquiry(ctx context.Context, id, note string) (InquiryDetail, error) {
	var out InquiryDetail
	err := c.postJSON(ctx, "/v1/inquiries/"+url.PathEscape(id)+"/reject", Decision{Note: note}, &out)
	return out, err
}

// APIKeys lists the workspace's keys.
func (c *Client) APIKeys(ctx context.Context) ([]APIKey, error) {
	p, err := list[APIKey](ctx, c, "/v1/apikeys", nil)
	return p.Data, err
}

// CreateAPIKey makes a key; its secret is in the answer and nowhere else.
func (c *Client) CreateAPIKey(ctx context.Context, in NewAPIKey) (CreatedAPIKey, error) {
	var out CreatedAPIKey
	err := c.postJSON(ctx, "/v1/apikeys", in, &out)
	return out, err
}

// RevokeAPIKey stops a key from working.
func (c *Client) RevokeAPIKey(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/apikeys/"+url.PathEscape(id), nil, nil, "", nil)
}
