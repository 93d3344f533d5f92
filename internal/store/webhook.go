package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/wire"
)

// Webhook is a receiver of events. Its signing secret is sealed at rest.
type Webhook struct {
	ID          string
	WorkspaceID string
	URL         string
	Description string
	Events      []string // the event types it subscribes to
	Active      bool
	CreatedAt   time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one event sent (or to be sent) to one webhook.
type Delivery struct {
	ID             int64
	WorkspaceID    string
	WebhookID      string
	EventID        string
	Event          string // the event type
	Payload        string // the exact body that is signed and sent
	Status         string // pending, delivered, failed
	Attempts       int    // in the current retry window
	NextAttemptAt  *time.Time
	FirstAttemptAt *time.Time // start of the retry window
	LastStatusCode int
	LastError      string
	CreatedAt      time.Time
	DeliveredAt    *time.Time
	Log            []Attempt // filled by Deliveries, oldest first
}

// Attempt is one POST of a delivery, as the receiver answered it.
type Attempt struct {
	At         time.Time
	StatusCode int // 0 when no answer came
	Error      string
	Duration   time.Duration
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
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO webhooks (id, workspace_id, url, description, secret, events, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, w.ID, w.WorkspaceID, w.URL, w.Description, sealed, strings.Join(w.Events, ","),
			w.Active, s.ts(w.CreatedAt))
		return err
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("store webhook: %w", err)
	}
	return w, nil
}

const webhookColumns = `id, workspace_id, url, description, events, active, created_at`

func scanWebhook(r rowScanner) (Webhook, error) {
	var w Webhook
	var events string
	var created scanTime
	if err := r.Scan(&w.ID, &w.WorkspaceID, &w.URL, &w.Description, &events, &w.Active, &created); err != nil {
		return w, notFound(err, "webhook")
	}
	w.Events, w.CreatedAt = strings.Split(events, ","), created.T
	return w, nil
}

// Webhooks lists a workspace's webhooks.
func (s *Store) Webhooks(ctx context.Context, workspaceID string) ([]Webhook, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collect(rows, scanWebhook)
}

// Webhook reads one webhook of a workspace.
func (s *Store) Webhook(ctx context.Context, workspaceID, id string) (Webhook, error) {
	return scanWebhook(s.read.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND workspace_id = $2`, id, workspaceID))
}

// DeleteWebhook removes a webhook with its queue and log.
func (s *Store) DeleteWebhook(ctx context.Context, workspaceID, id string) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2`, id, workspaceID)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return mustAffect(res, "webhook")
	})
}

// WebhookChange is an edit of a webhook: a nil field stays as it is. The
// caller checks the URL and events as on creation (webhook.CheckURL,
// webhook.CheckEvents), which this package cannot import.
type WebhookChange struct {
	URL         *string
	Description *string
	Events      []string
	Active      *bool
}

// UpdateWebhook edits a webhook of a workspace and answers it as stored.
//
// Pausing (Active false) stops the queueing of new events for it at once
// (subscribers reads only active webhooks) and holds the deliveries already
// pending: they are unscheduled (no next attempt), so the senders' claims
// neither send them nor walk over them while it is paused. A delivery a
// sender holds at that moment is left to it; if it fails, its retry waits
// for the resume too (ClaimDeliveries takes only active webhooks'). Resuming
// makes every pending delivery due at now with a fresh retry window, as a
// redelivery would: the pause was no failure of the receiver's. Events that
// happened while it was paused are not sent; they were never queued.
func (s *Store) UpdateWebhook(ctx context.Context, workspaceID, id string, c WebhookChange, now time.Time) (Webhook, error) {
	var w Webhook
	err := s.Write(ctx, func(tx *Tx) error {
		q := `SELECT ` + webhookColumns + ` FROM webhooks WHERE id = $1 AND workspace_id = $2`
		if s.dialect == Postgres {
			q += ` FOR UPDATE` // the pause or resume below goes by the state it replaces
		}
		var err error
		if w, err = scanWebhook(tx.tx.QueryRowContext(ctx, q, id, workspaceID)); err != nil {
			return err
		}
		wasActive := w.Active
		if c.URL != nil {
			w.URL = *c.URL
		}
		if c.Description != nil {
			w.Description = *c.Description
		}
		if c.Events != nil {
			w.Events = c.Events
		}
		if c.Active != nil {
			w.Active = *c.Active
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE webhooks SET url = $1, description = $2, events = $3, active = $4
			WHERE id = $5 AND workspace_id = $6`, w.URL, w.Description, strings.Join(w.Events, ","), w.Active, id, workspaceID); err != nil {
			return err
		}
		switch {
		case wasActive && !w.Active:
			_, err = tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = NULL
				WHERE webhook_id = $1 AND workspace_id = $2 AND status = 'pending' AND lease_owner IS NULL`, id, workspaceID)
		case !wasActive && w.Active:
			// A delivery under a live lease is in flight: its sender records it.
			_, err = tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $1, attempts = 0, first_attempt_at = NULL
				WHERE webhook_id = $2 AND workspace_id = $3 AND status = 'pending'
				AND (lease_owner IS NULL OR next_attempt_at <= $1)`, s.ts(now), id, workspaceID)
		}
		return err
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("update webhook: %w", err)
	}
	return w, nil
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

// subscribers maps an event type to the active webhooks that want it.
type subscribers map[string][]string

// subscribers reads a workspace's subscriptions: one query per written
// batch, and none of the event work when it is empty.
func (t *Tx) subscribers(ctx context.Context, workspaceID string) (subscribers, error) {
	rows, err := t.query(ctx, `SELECT id, events FROM webhooks WHERE workspace_id = $1 AND active ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read subscriptions: %w", err)
	}
	defer rows.Close()
	subs := subscribers{}
	for rows.Next() {
		var id, events string
		if err := rows.Scan(&id, &events); err != nil {
			return nil, fmt.Errorf("read subscriptions: %w", err)
		}
		for _, e := range strings.Split(events, ",") {
			subs[e] = append(subs[e], id)
		}
	}
	return subs, rows.Err()
}

// eventQueue collects the delivery rows of a write and inserts them in
// chunks, so a large import with subscribers holds few payloads at once.
type eventQueue struct {
	t           *Tx
	workspaceID string
	subs        subscribers
	now         time.Time
	rows        [][]any
	queued      int
	conv        *fxrate.Converter // read at the first event: the body carries converted as of its write
}

var deliveryColumns = []string{"workspace_id", "webhook_id", "event_id", "event", "payload", "status", "next_attempt_at", "created_at"}

const eventQueueFlush = 500

func (q *eventQueue) wants(eventType string) bool { return len(q.subs[eventType]) > 0 }

// addTransaction queues a transaction event for every webhook subscribed to its type.
func (q *eventQueue) addTransaction(ctx context.Context, eventType string, x model.Transaction, changes []model.Change) error {
	if !q.wants(eventType) {
		return nil
	}
	if q.conv == nil {
		conv, err := q.t.s.converter(ctx, q.t.tx, q.workspaceID)
		if err != nil {
			return fmt.Errorf("encode %s event: %w", eventType, err)
		}
		q.conv = &conv
	}
	ev := wire.Event{ID: newID("evt"), Type: eventType, CreatedAt: q.now,
		Data: wire.EventData{Transaction: wire.TransactionOf(x, *q.conv), Changes: wire.ChangesOf(changes)}}
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", eventType, err)
	}
	for _, hook := range q.subs[eventType] {
		q.rows = append(q.rows, []any{q.workspaceID, hook, ev.ID, eventType, string(payload), DeliveryPending, q.t.s.ts(q.now), q.t.s.ts(q.now)})
	}
	if len(q.rows) >= eventQueueFlush {
		return q.flush(ctx)
	}
	return nil
}

func (q *eventQueue) flush(ctx context.Context) error {
	if err := q.t.insertRows(ctx, "webhook_deliveries", deliveryColumns, q.rows); err != nil {
		return fmt.Errorf("queue deliveries: %w", err)
	}
	q.queued += len(q.rows)
	q.rows = q.rows[:0]
	return nil
}

// done writes what is left and, after a large batch, refreshes the queue's
// statistics so the senders' claims keep using its index.
func (q *eventQueue) done(ctx context.Context) error {
	if err := q.flush(ctx); err != nil {
		return err
	}
	if q.queued >= analyzeAfter {
		return q.t.analyze(ctx, "webhook_deliveries")
	}
	return nil
}

// Outgoing is a claimed delivery with where it goes.
type Outgoing struct {
	Delivery
	URL string
}

const deliveryColumnsRead = `d.id, d.workspace_id, d.webhook_id, d.event_id, d.event, d.payload, d.status, d.attempts, d.next_attempt_at,
	d.first_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at`

func scanDelivery(r rowScanner, extra ...any) (Delivery, error) {
	var d Delivery
	var next, first, created, delivered scanTime
	dest := append([]any{&d.ID, &d.WorkspaceID, &d.WebhookID, &d.EventID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &next, &first,
		&d.LastStatusCode, &d.LastError, &created, &delivered}, extra...)
	if err := r.Scan(dest...); err != nil {
		return d, notFound(err, "delivery")
	}
	d.NextAttemptAt, d.FirstAttemptAt, d.CreatedAt, d.DeliveredAt = next.ptr(), first.ptr(), created.T, delivered.ptr()
	return d, nil
}

// ClaimDeliveries leases up to limit due deliveries of active webhooks, of
// any workspace (this is the sender's queue), to owner: their next attempt
// moves to now+lease, so no other sender takes them meanwhile and a dead
// sender's deliveries come due again. On PostgreSQL, FOR UPDATE SKIP LOCKED
// lets several instances claim at once without waiting on each other; on
// SQLite the single writer makes the claim atomic. The first claim starts a
// delivery's retry window.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	// A look on the read pool first: an idle queue then costs no write
	// transaction, which on SQLite would wait behind a running import.
	var due int
	err := s.read.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active LIMIT 1`, s.ts(now)).Scan(&due)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look for due deliveries: %w", err)
	}
	var out []Outgoing
	err = s.Write(ctx, func(tx *Tx) error {
		q := `SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active ORDER BY d.next_attempt_at, d.id LIMIT $2`
		if s.dialect == Postgres {
			q += ` FOR UPDATE OF d SKIP LOCKED`
		}
		rows, err := tx.tx.QueryContext(ctx, q, s.ts(now), limit)
		if err != nil {
			return err
		}
		ids, err := collect(rows, scanOne[int64])
		if err != nil || len(ids) == 0 {
			return err
		}
		args := sqlArgs{owner, s.ts(now.Add(lease)), s.ts(now)}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_owner = $1, next_attempt_at = $2,
			first_attempt_at = COALESCE(first_attempt_at, $3) WHERE `+inList(s.dialect, &args, "id", ids), args...); err != nil {
			return err
		}
		args = nil
		rows, err = tx.tx.QueryContext(ctx, `SELECT `+deliveryColumnsRead+`, w.url FROM webhook_deliveries d
			JOIN webhooks w ON w.id = d.webhook_id WHERE `+inList(s.dialect, &args, "d.id", ids)+` ORDER BY d.id`, args...)
		if err != nil {
			return err
		}
		out, err = collect(rows, func(r rowScanner) (Outgoing, error) {
			var o Outgoing
			var err error
			o.Delivery, err = scanDelivery(r, &o.URL)
			return o, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim due deliveries: %w", err)
	}
	return out, nil
}

// AttemptResult is the outcome of one POST of a claimed delivery.
type AttemptResult struct {
	Attempt
	DeliveryID  int64
	WorkspaceID string
	Owner       string
	Delivered   bool
	// NextAttemptAt is the retry; nil when not delivered means failed for good.
	NextAttemptAt *time.Time
}

// RecordAttempt logs an attempt and, while owner still holds the delivery,
// records its outcome and ends the lease. ok is false when the lease was
// lost (a redelivery on demand took the delivery meanwhile): the attempt is
// logged all the same.
func (s *Store) RecordAttempt(ctx context.Context, a AttemptResult) (ok bool, err error) {
	status := DeliveryPending
	switch {
	case a.Delivered:
		status = DeliveryDelivered
	case a.NextAttemptAt == nil:
		status = DeliveryFailed
	}
	var deliveredAt any
	if a.Delivered {
		deliveredAt = s.ts(a.At)
	}
	err = s.Write(ctx, func(tx *Tx) error {
		var exists int
		err := tx.tx.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE id = $1 AND workspace_id = $2`, a.DeliveryID, a.WorkspaceID).Scan(&exists)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // its webhook was deleted meanwhile: nothing to log on
		}
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms)
			VALUES ($1, $2, $3, $4, $5)`, a.DeliveryID, s.ts(a.At), a.StatusCode, a.Error, a.Duration.Milliseconds()); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status_code = $2,
			last_error = $3, next_attempt_at = $4, delivered_at = $5, lease_owner = NULL
			WHERE id = $6 AND workspace_id = $7 AND lease_owner = $8`,
			status, a.StatusCode, a.Error, s.tsp(a.NextAttemptAt), deliveredAt, a.DeliveryID, a.WorkspaceID, a.Owner)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record delivery attempt: %w", err)
	}
	return ok, nil
}

// Deliveries lists a webhook's deliveries newest first, with their attempts,
// starting below the delivery id before (0: from the newest).
func (s *Store) Deliveries(ctx context.Context, workspaceID, webhookID string, before int64, limit int) ([]Delivery, error) {
	q := `SELECT ` + deliveryColumnsRead + ` FROM webhook_deliveries d WHERE d.workspace_id = $1 AND d.webhook_id = $2`
	args := []any{workspaceID, webhookID}
	if before > 0 {
		q += ` AND d.id < $3`
		args = append(args, before)
	}
	q += fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d`, len(args)+1)
	rows, err := s.read.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	list, err := collect(rows, func(r rowScanner) (Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, err
	}
	return list, s.loadAttempts(ctx, list)
}

// loadAttempts fills the logs of deliveries with one query.
func (s *Store) loadAttempts(ctx context.Context, list []Delivery) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, d := range list {
		index[d.ID], ids[i] = i, d.ID
	}
	var args sqlArgs
	rows, err := s.read.QueryContext(ctx, `SELECT delivery_id, at, status_code, error, duration_ms FROM webhook_attempts
		WHERE `+inList(s.dialect, &args, "delivery_id", ids)+` ORDER BY delivery_id, id`, args...)
	if err != nil {
		return fmt.Errorf("list delivery attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, ms int64
		var a Attempt
		var at scanTime
		if err := rows.Scan(&id, &at, &a.StatusCode, &a.Error, &ms); err != nil {
			return fmt.Errorf("read delivery attempt: %w", err)
		}
		a.At, a.Duration = at.T, time.Duration(ms)*time.Millisecond
		list[index[id]].Log = append(list[index[id]].Log, a)
	}
	return rows.Err()
}

// Delivery reads one delivery of a webhook, with its attempts.
func (s *Store) Delivery(ctx context.Context, workspaceID, webhookID string, id int64) (Delivery, error) {
	d, err := scanDelivery(s.read.QueryRowContext(ctx, `SELECT `+deliveryColumnsRead+` FROM webhook_deliveries d
		WHERE d.id = $1 AND d.webhook_id = $2 AND d.workspace_id = $3`, id, webhookID, workspaceID))
	if err != nil {
		return d, err
	}
	list := []Delivery{d}
	err = s.loadAttempts(ctx, list)
	return list[0], err
}

// Redeliver queues a delivery again, due at now, with a fresh retry window
// (and backoff), whatever became of it; the log keeps the earlier attempts.
// The event and its body stay the same, so a receiver that already has it
// can tell by the event id. A paused webhook's redelivery waits, unscheduled,
// for the resume (see UpdateWebhook).
func (s *Store) Redeliver(ctx context.Context, workspaceID, webhookID string, id int64, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		var active bool
		if err := tx.tx.QueryRowContext(ctx, `SELECT active FROM webhooks WHERE id = $1 AND workspace_id = $2`,
			webhookID, workspaceID).Scan(&active); err != nil {
			return notFound(err, "delivery")
		}
		next := &now
		if !active {
			next = nil
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, first_attempt_at = NULL,
			lease_owner = NULL, delivered_at = NULL WHERE id = $2 AND webhook_id = $3 AND workspace_id = $4`,
			s.tsp(next), id, webhookID, workspaceID)
		if err != nil {
			return fmt.Errorf("redeliver: %w", err)
		}
		return mustAffect(res, "delivery")
	})
}

// PruneDeliveries deletes, in every workspace, the deliveries that ended
// (delivered or failed) and were queued before the given time, with their
// attempts; pending ones stay whatever their age. It answers how many went.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	return s.writeCount(ctx, "prune webhook deliveries", `DELETE FROM webhook_deliveries WHERE status IN ($1, $2) AND created_at < $3`,
		DeliveryDelivered, DeliveryFailed, s.ts(before))
}

// ReleaseDeliveries gives back deliveries owner claimed and did not send (it
// is shutting down): due at now, with no owner, so another instance takes
// them at its next look rather than when the lease would have run out.
func (s *Store) ReleaseDeliveries(ctx context.Context, owner string, now time.Time, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := sqlArgs{s.ts(now), owner}
	return s.writeCount(ctx, "release deliveries", `UPDATE webhook_deliveries SET lease_owner = NULL, next_attempt_at = $1
		WHERE lease_owner = $2 AND status = 'pending' AND `+inList(s.dialect, &args, "id", ids), args...)
}
