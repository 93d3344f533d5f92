package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Webhook is a subscription of a URL to event types. Secret is set only in
// the answer that created it.
type Webhook struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Events      []string  `json:"events"`
	Description string    `json:"description"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	Secret      string    `json:"secret,omitempty"`
}

// NewWebhook is what POST /v1/webhooks takes.
type NewWebhook struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"` // transaction.created, transaction.updated, transaction.deleted
	Description string   `json:"description,omitempty"`
}

// WebhookUpdate is what PATCH /v1/webhooks/{id} takes; an absent (nil)
// field stays as it is.
type WebhookUpdate struct {
	URL         *string   `json:"url,omitempty"`
	Events      *[]string `json:"events,omitempty"`
	Description *string   `json:"description,omitempty"`
	// Active false pauses the webhook: no events are queued for it, and
	// those already queued wait. true resumes it: the waiting ones are sent
	// at once, with a fresh day of retries.
	Active *bool `json:"active,omitempty"`
}

// Delivery is one event sent to a webhook, with its every attempt.
type Delivery struct {
	ID            int64             `json:"id"`
	EventID       string            `json:"event_id"`
	Event         string            `json:"event"`
	Status        string            `json:"status"` // pending, delivered, failed
	NextAttemptAt *time.Time        `json:"next_attempt_at"`
	CreatedAt     time.Time         `json:"created_at"`
	DeliveredAt   *time.Time        `json:"delivered_at"`
	Payload       json.RawMessage   `json:"payload"` // the body as sent: an Event
	Attempts      []DeliveryAttempt `json:"attempts"`
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code"` // 0: no answer (see Error)
	Error      string    `json:"error"`
	DurationMS int64     `json:"duration_ms"`
}

// Event types. A transaction.deleted event carries the transaction's last
// state with Deleted and DeletedAt set. Deliveries may arrive out of order:
// keep, per id, the event whose instant (DeletedAt for a deletion,
// UpdatedAt otherwise) is the latest.
const (
	EventTransactionCreated = "transaction.created"
	EventTransactionUpdated = "transaction.updated"
	EventTransactionDeleted = "transaction.deleted"
)

// Event is the body of a webhook delivery.
type Event struct {
	ID        string    `json:"id"` // evt_…, the same in every delivery (and redelivery) of the event
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      EventData `json:"data"`
}

// EventData is what a transaction event is about.
type EventData struct {
	Transaction Transaction `json:"transaction"`
	// Changes are the fields that changed (empty for transaction.created),
	// the same entries the transaction's history gets.
	Changes []Change `json:"changes"`
}

// Webhooks lists the workspace's webhooks.
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	p, err := list[Webhook](ctx, c, "/v1/webhooks", nil)
	return p.Data, err
}

// CreateWebhook subscribes a URL; the answer holds the signing secret, this once.
func (c *Client) CreateWebhook(ctx context.Context, in NewWebhook) (Webhook, error) {
	var out Webhook
	err := c.postJSON(ctx, "/v1/webhooks", in, &out)
	return out, err
}

// UpdateWebhook edits a webhook, pauses it or resumes it (see WebhookUpdate).
func (c *Client) UpdateWebhook(ctx context.Context, id string, in WebhookUpdate) (Webhook, error) {
	var out Webhook
	err := c.sendJSON(ctx, http.MethodPatch, "/v1/webhooks/"+url.PathEscape(id), in, &out)
	return out, err
}

// DeleteWebhook removes a webhook and its queue.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/webhooks/"+url.PathEscape(id), nil, nil, "", nil)
}

// Deliveries fetches a page of a webhook's delivery log, newest first.
func (c *Client) Deliveries(ctx context.Context, webhookID string, limit int, cursor string) (Page[Delivery], error) {
	q := values("cursor", cursor)
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return list[Delivery](ctx, c, "/v1/webhooks/"+url.PathEscape(webhookID)+"/deliveries", q)
}

// Redeliver queues a delivery again now, with the same event id and body.
func (c *Client) Redeliver(ctx context.Context, webhookID string, deliveryID int64) (Delivery, error) {
	var out Delivery
	err := c.postJSON(ctx, "/v1/webhooks/"+url.PathEscape(webhookID)+"/deliveries/"+strconv.FormatInt(deliveryID, 10)+"/redeliver", nil, &out)
	return out, err
}
