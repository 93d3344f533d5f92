package client

import "context"

// Inquiries lists the workspace's transaction inquiries.
func (c *Client) Inquiries(ctx context.Context) ([]Inquiry, error) {
	p, err := list[Inquiry](ctx, c, "/v1/inquiries", nil)
	return p.Data, err
}

// CreateInquiry opens a claim for a missing or wrong commission.
func (c *Client) CreateInquiry(ctx context.Context, in NewInquiry) (Inquiry, error) {
	var out Inquiry
	err := c.postJSON(ctx, "/v1/inquiries", in, &out)
	return out, err
}
