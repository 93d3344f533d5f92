package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Webhook is a receiver of transaction events. Its signing secret is sealed at rest.
type Webhook struct {
	ID          string
	WorkspaceID string
	URL         string
	Events      []string
	Active      bool
	CreatedAt   time.Time
}

// Delivery is one event sent (or to be sent) to a webhook.
type Delivery struct {
	ID             int64
	WebhookID      string
	Event          string
	Payload        string
	Status         string // pending, delivered, failed
	Attempts       int
	NextAttemptAt  *time.Time
	LastStatusCode int
	LastError      string
	CreatedAt      time.Time
	DeliveredAt    *time.Time
}

// CreateWebhook stores a webhook with its sealed secret.
func (s *Store) CreateWebhook(ctx context.Context, sealer Sealer, w Webhook, secret string) (Webhook, error) {
	if sealer == nil {
		return Webhook{}, ErrNoSealer
	}
	sealed, err := sealer.Seal([]byte(secret))
	if err != nil {
		return Webhook{}, fmt.Errorf("seal webhook secret: %w", err)
	}
	w.ID, w.CreatedAt, w.Active = newID("wh"), time.Now().UTC(), true
	err = s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO webhooks (id, workspace_id, url, secret, events, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.ID, w.WorkspaceID, w.URL, sealed, strings.Join(w.Events, ","), w.Active, s.ts(w.CreatedAt))
		return err
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("store webhook: %w", err)
	}
	return w, nil
}

// Webhooks lists a workspace's webhooks.
func (s *Store) Webhooks(ctx context.Context, workspaceID string) ([]Webhook, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, url, events, active, created_at FROM webhooks
		WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collect(rows, func(r rowScanner) (Webhook, error) {
		var w Webhook
		var events string
		var created scanTime
		if err := r.Scan(&w.ID, &w.WorkspaceID, &w.URL, &events, &w.Active, &created); err != nil {
			return w, fmt.Errorf("read webhook: %w", err)
		}
		w.Events, w.CreatedAt = strings.Split(events, ","), created.T
		return w, nil
	})
}

// WebhookSecret opens a webhook's signing secret.
func (s *Store) WebhookSecret(ctx context.Context, sealer Sealer, workspaceID, id string) (string, error) {
	var sealed []byte
	if err := s.read.QueryRowContext(ctx, `SELECT secret FROM webhooks WHERE id = $1 AND workspace_id = $2`, id, workspaceID).Scan(&sealed); err != nil {
		return "", notFound(err, "webhook")
	}
	if sealer == nil {
		return "", ErrNoSealer
	}
	plain, err := sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("open webhook secret: %w", err)
	}
	return string(plain), nil
}

// QueueDelivery adds an event for a webhook, due now.
func (t *Tx) QueueDelivery(ctx context.Context, workspaceID, webhookID, event, payload string) error {
	now := t.s.ts(time.Now())
	_, err := t.tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (workspace_id, webhook_id, event, payload, status, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, 'pending', $5, $6)`, workspaceID, webhookID, event, payload, now, now)
	if err != nil {
		return fmt.Errorf("queue delivery: %w", err)
	}
	return nil
}

// QueueDelivery is the standalone form of Tx.QueueDelivery.
func (s *Store) QueueDelivery(ctx context.Context, workspaceID, webhookID, event, payload string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.QueueDelivery(ctx, workspaceID, webhookID, event, payload) })
}

// Deliveries lists a webhook's deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, workspaceID, webhookID string, limit int) ([]Delivery, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, webhook_id, event, payload, status, attempts, next_attempt_at, last_status_code,
		last_error, created_at, delivered_at FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT $3`,
		workspaceID, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

// DueDeliveries lists pending deliveries whose time has come, across workspaces (the sender's queue).
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, webhook_id, event, payload, status, attempts, next_attempt_at, last_status_code,
		last_error, created_at, delivered_at FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
		s.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

// RecordAttempt stores the outcome of one delivery attempt. next nil with
// delivered false marks the delivery failed for good.
func (s *Store) RecordAttempt(ctx context.Context, id int64, delivered bool, statusCode int, errText string, next *time.Time) error {
	status := "pending"
	switch {
	case delivered:
		status = "delivered"
	case next == nil:
		status = "failed"
	}
	now := time.Now().UTC()
	var deliveredAt any
	if delivered {
		deliveredAt = s.ts(now)
	}
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status_code = $2,
			last_error = $3, next_attempt_at = $4, delivered_at = $5 WHERE id = $6`, status, statusCode, errText, s.tsp(next), deliveredAt, id)
		if err != nil {
			return fmt.Errorf("record delivery attempt: %w", err)
		}
		return nil
	})
}

func scanDelivery(r rowScanner) (Delivery, error) {
	var d Delivery
	var next, created, delivered scanTime
	if err := r.Scan(&d.ID, &d.WebhookID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &next, &d.LastStatusCode, &d.LastError,
		&created, &delivered); err != nil {
		return d, fmt.Errorf("read delivery: %w", err)
	}
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = next.ptr(), created.T, delivered.ptr()
	return d, nil
}
